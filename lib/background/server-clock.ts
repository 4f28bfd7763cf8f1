/**
 * Microsoft's clock, as told by the Date header of Graph's answers. PIM's rules (the 5-minute deactivation floor,
 * when an activation ends) run on the service's clock; a local clock that is off by minutes would grey out Deactivate
 * too long or warn at the wrong time. The skew is stored with the snapshot so every context uses the same "now".
 */
/** Below this the header's one-second resolution and network latency dominate: treat as no skew. */
const NOISE_MS = 2_000;

export interface ServerClock {
  observe(dateHeader: string | null, localNowMs: number): void;
  skewMs(): number;
}

export function createServerClock(): ServerClock {
  let skew = 0;
  return {
    observe(dateHeader, localNowMs) {
      if (!dateHeader) return;
      const server = Date.parse(dateHeader);
      if (Number.isNaN(server)) return;
      const measured = server - localNowMs;
      skew = Math.abs(measured) < NOISE_MS ? 0 : measured;
    },
    skewMs: () => skew,
  };
}

/** "Now" on the service's clock, from a stored skew. */
export function serverNow(skewMs: number | undefined, localNowMs = Date.now()): Date {
  return new Date(localNowMs + (skewMs ?? 0));
}
