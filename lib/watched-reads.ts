/**
 * Reading storage items that are also watched (the popup's account view): each watch is registered before the reads
 * start, so a write that lands in between is not missed; and a value a watch delivers while the reads are under way is
 * newer than what they read, so it takes the read value's place in the answer. Without that, a refresh landing during
 * the popup's start could be drawn and then undone by the older value read a moment before (a role's approval row that
 * never showed, in a loaded test run).
 *
 * A delivery that arrives before the reads answer is not passed on as a change either: the caller has not drawn
 * anything yet, and drawing one item over the defaults of the others (signed out, no list) would flash a screen the
 * user is not in, between the first paint's list and the full one.
 */
export interface Watched<T> {
  get(): Promise<T>;
  watch(cb: (next: T) => void): () => void;
}

export type WatchedItems<T> = { [K in keyof T]: Watched<T[K]> };

/**
 * Watches every item (the stop functions are pushed onto `stops`), then reads them all, and answers each item's newest
 * value: the one read, or the one a watch delivered meanwhile. `onChange` gets what the watches deliver after that.
 * The answer is applied by the caller's `await` continuation, a microtask: no storage event (a task) can come between.
 */
export async function watchThenRead<T extends object>(
  items: WatchedItems<T>,
  onChange: <K extends keyof T>(name: K, next: T[K]) => void,
  stops: (() => void)[],
): Promise<T> {
  const names = Object.keys(items) as (keyof T)[];
  const arrived: Partial<T> = {};
  let answered = false;
  for (const name of names)
    stops.push(
      items[name].watch((next) => {
        if (answered) onChange(name, next);
        else arrived[name] = next;
      }),
    );
  const values = await Promise.all(names.map((name) => items[name].get()));
  const newest = {} as T;
  names.forEach((name, i) => {
    newest[name] = (Object.hasOwn(arrived, name) ? arrived[name] : values[i]) as T[typeof name];
  });
  answered = true;
  return newest;
}

/**
 * A read that runs again on every watched change (the popup's all-accounts view), where runs can overlap: each run's
 * result is applied only if no later run has started, so a slow older read never lands over a newer one.
 */
export function latestRead<T>(read: () => Promise<T>, apply: (value: T) => void): () => Promise<void> {
  let started = 0;
  return async () => {
    const run = ++started;
    const value = await read();
    if (run === started) apply(value);
  };
}
