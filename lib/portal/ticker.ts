/**
 * The page's one countdown timer: a 1-second interval that exists only while something relevant counts down and the
 * tab is visible. Hidden tab → cleared (and one catch-up tick when it shows again); nothing to count → no timer at all.
 */

export interface TickerDeps {
  setInterval(fn: () => void, ms: number): number;
  clearInterval(id: number): void;
  /** document.hidden */
  isHidden(): boolean;
  /** Subscribe to visibilitychange (the caller ties it to the content script's lifetime). */
  onVisibilityChange(cb: () => void): void;
}

export interface Ticker {
  /** Whether something counts down now; starts or stops the interval accordingly. */
  set(wanted: boolean): void;
  /** Stop for good (content script invalidated). */
  stop(): void;
  readonly running: boolean;
}

export const TICK_MS = 1000;

export function createTicker(deps: TickerDeps, onTick: () => void): Ticker {
  let wanted = false;
  let stopped = false;
  let id: number | null = null;

  const sync = () => {
    const run = wanted && !stopped && !deps.isHidden();
    if (run && id === null) id = deps.setInterval(onTick, TICK_MS);
    else if (!run && id !== null) {
      deps.clearInterval(id);
      id = null;
    }
  };

  deps.onVisibilityChange(() => {
    const wasRunning = id !== null;
    sync();
    // Back from a hidden tab: show the right time at once, not a second later.
    if (!wasRunning && id !== null) onTick();
  });

  return {
    set(next) {
      wanted = next;
      sync();
    },
    stop() {
      stopped = true;
      sync();
    },
    get running() {
      return id !== null;
    },
  };
}
