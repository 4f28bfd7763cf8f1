/** The cached activation policies (policiesItem) with serialised updates, shared by the refresher and the commands. */
import { mergePolicies } from '../graph/policies';
import type { PolicyEntry, ValidatedItem } from '../storage';
import { createUpdater } from './update';

export interface PolicyStore {
  get(): Promise<Record<string, PolicyEntry>>;
  merge(updates: Readonly<Record<string, PolicyEntry>>, now: Date): Promise<void>;
  /** Forget a key's entry: PIM just refused a request on policy grounds, so the cached rules were wrong or outdated. */
  invalidate(key: string): Promise<void>;
}

export function createPolicyStore(item: Pick<ValidatedItem<Record<string, PolicyEntry>>, 'get' | 'set'>): PolicyStore {
  const update = createUpdater(item);
  return {
    get: () => item.get(),
    async merge(updates, now) {
      if (Object.keys(updates).length > 0) await update((current) => mergePolicies(current, updates, now));
    },
    async invalidate(key) {
      await update((current) => Object.fromEntries(Object.entries(current).filter(([k]) => k !== key)));
    },
  };
}
