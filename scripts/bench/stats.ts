/** Medians with min/max over runs, and the round-trip count of a burst of requests from their arrival times. */

export interface Stat {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function stat(values: number[]): Stat {
  if (!values.length) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { median, min: v[0]!, max: v[v.length - 1]!, runs: v.length };
}

/**
 * Round trips: requests that reach the server together were sent together. Arrivals are grouped while each is
 * within half the injected round-trip time of the previous one; a request that waited for an answer arrives at
 * least a full round trip after the one it waited for.
 */
export function roundTrips(arrivalsMs: number[], roundTripMs: number): number {
  const t = [...arrivalsMs].sort((a, b) => a - b);
  let trips = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (const x of t) {
    if (x - last > Math.max(roundTripMs / 2, 15)) trips += 1;
    last = x;
  }
  return trips;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
