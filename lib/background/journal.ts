/**
 * The write journal: every privileged POST is recorded before it is sent and cleared once Graph answered. An entry
 * left behind means the worker died (or the browser closed) with the outcome unknown; reconciliation
 * (./reconcile.ts) reads Graph's request list to learn whether it landed instead of guessing, and never resends it.
 */
import type { JournalEntry, ValidatedItem } from '../storage';
import { createUpdater } from './update';

export interface Journal {
  /** Records the write and returns its requestKey. Resolves only once the entry is in storage. */
  begin(
    entry: Pick<JournalEntry, 'key' | 'action'> & Partial<Pick<JournalEntry, 'displayName' | 'request'>>,
  ): Promise<string>;
  end(requestKey: string): Promise<void>;
  /** Entries this worker did not write: left by an earlier life whose requests' outcome is unknown. */
  orphans(): Promise<JournalEntry[]>;
  /**
   * Leaves the entry for a later reconciliation (the answer was lost and Graph could not be asked): it becomes an
   * orphan.
   */
  keep(requestKey: string): void;
}

export function createJournal(deps: {
  item: Pick<ValidatedItem<JournalEntry[]>, 'get' | 'set'>;
  now: () => Date;
  newId: () => string;
}): Journal {
  const update = createUpdater(deps.item);
  // requestKeys written in this life: their requests are in flight here, not unknown.
  const mine = new Set<string>();
  return {
    async begin({ key, action, displayName, request }) {
      const requestKey = deps.newId();
      mine.add(requestKey);
      const entry: JournalEntry = {
        requestKey,
        key,
        action,
        at: deps.now().toISOString(),
        ...(displayName ? { displayName } : {}),
        ...(request ? { request } : {}),
      };
      await update((list) => [...list, entry]);
      return requestKey;
    },
    async end(requestKey) {
      mine.delete(requestKey);
      await update((list) => list.filter((e) => e.requestKey !== requestKey)).catch((e: unknown) => {
        console.warn(`PIM Companion: could not clear the write journal (${String(e)}).`);
      });
    },
    keep(requestKey) {
      mine.delete(requestKey);
    },
    async orphans() {
      return (await deps.item.get()).filter((e) => !mine.has(e.requestKey));
    },
  };
}
