/**
 * The write journal: every privileged POST is recorded before it is sent and cleared once Graph answered. An entry
 * left behind means the worker died (or the browser closed) with the outcome unknown; a later reconciliation compares
 * it with Graph's request list instead of guessing.
 */
import type { JournalEntry, ValidatedItem } from '../storage';
import { createUpdater } from './update';

export interface Journal {
  /** Records the write and returns its requestKey. Resolves only once the entry is in storage. */
  begin(entry: Pick<JournalEntry, 'key' | 'action'>): Promise<string>;
  end(requestKey: string): Promise<void>;
}

export function createJournal(deps: { item: Pick<ValidatedItem<JournalEntry[]>, 'get' | 'set'>; now: () => Date; newId: () => string }): Journal {
  const update = createUpdater(deps.item);
  return {
    async begin({ key, action }) {
      const requestKey = deps.newId();
      await update((list) => [...list, { requestKey, key, action, at: deps.now().toISOString() }]);
      return requestKey;
    },
    async end(requestKey) {
      await update((list) => list.filter((e) => e.requestKey !== requestKey)).catch((e: unknown) => {
        console.warn(`PIM Companion: could not clear the write journal (${String(e)}).`);
      });
    },
  };
}
