/** The local history of every request the extension made (options shows and exports it): newest first, capped. */
import type { ActivityEntry, ValidatedItem } from '../storage';
import { createUpdater } from './update';

export const ACTIVITY_CAP = 500;

export type ActivityRecord = Omit<ActivityEntry, 'id' | 'at'>;

export interface ActivityLog {
  record(entry: ActivityRecord): Promise<void>;
}

export function createActivityLog(deps: {
  item: Pick<ValidatedItem<ActivityEntry[]>, 'get' | 'set'>;
  now: () => Date;
  newId: () => string;
}): ActivityLog {
  const update = createUpdater(deps.item);
  return {
    async record(entry) {
      const full: ActivityEntry = { id: deps.newId(), at: deps.now().toISOString(), ...entry };
      try {
        await update((list) => [full, ...list].slice(0, ACTIVITY_CAP));
      } catch (e) {
        // History is a record, not the action: a full or broken storage must not turn a done activation into an error.
        console.warn(`PIM Companion: could not record activity (${String(e)}).`);
      }
    },
  };
}
