/**
 * Reading storage items that are also watched (the popup's account view): each watch is registered before the reads
 * start, so a write that lands in between is not missed; and a value a watch delivers while the reads are under way is
 * newer than what they read, so the reads leave it alone. Without the second half, a refresh landing during the popup's
 * start could be drawn and then undone by the older value read a moment before (a role's approval row that never
 * showed, in a loaded test run).
 */
export interface Watched<T> {
  get(): Promise<T>;
  watch(cb: (next: T) => void): () => void;
}

export type WatchedItems<T> = { [K in keyof T]: Watched<T[K]> };

/**
 * Watches every item (`onChange` gets what each watch delivers; the stop functions are pushed onto `stops`), then
 * reads them all. Answers the values read, without those a watch delivered first.
 */
export async function watchThenRead<T extends object>(
  items: WatchedItems<T>,
  onChange: <K extends keyof T>(name: K, next: T[K]) => void,
  stops: (() => void)[],
): Promise<Partial<T>> {
  const names = Object.keys(items) as (keyof T)[];
  const arrived = new Set<keyof T>();
  for (const name of names)
    stops.push(
      items[name].watch((next) => {
        arrived.add(name);
        onChange(name, next);
      }),
    );
  const values = await Promise.all(names.map((name) => items[name].get()));
  const read: Partial<T> = {};
  names.forEach((name, i) => {
    if (!arrived.has(name)) read[name] = values[i];
  });
  return read;
}
