import { useEffect, useState } from 'preact/hooks';

/**
 * Re-render once a second while `enabled` (something is counting down), and not at all otherwise: the popup has one
 * timer, not one per row, and none when nothing is active.
 */
export function useTicker(enabled: boolean, intervalMs = 1000): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!enabled) return undefined;
    const id = setInterval(() => setTick((n) => n + 1), intervalMs);
    return () => clearInterval(id);
  }, [enabled, intervalMs]);
}
