/**
 * Read-modify-write of one storage item, one at a time. Commands run concurrently (a multi-select activation, a bundle,
 * the portal badge), and two unserialised updates of the same list would drop one of the changes.
 */
import type { ValidatedItem } from '../storage';

export type Updater<T> = (change: (current: T) => T) => Promise<T>;

export function createUpdater<T>(item: Pick<ValidatedItem<T>, 'get' | 'set'>): Updater<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (change) => {
    const run = tail.then(async () => {
      const next = change(await item.get());
      await item.set(next);
      return next;
    });
    // A failed write must not block the ones queued behind it; the caller still sees the failure.
    tail = run.catch(() => undefined);
    return run;
  };
}
