/**
 * The page's one countdown timer: a single timeout set for the next moment the badge's text can change (a minute
 * boundary of a countdown, a second in its last minute, the warning threshold, PIM's 5-minute floor), so a badge
 * counting down an hour wakes the page once a minute, not sixty times. Hidden tab → no timer (and one catch-up tick
 * when it shows again); nothing to count → no timer at all.
 */

export interface TickerDeps {
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(id: number): void;
  /** document.hidden */
  isHidden(): boolean;
  /** Subscribe to visibilitychange (the caller ties it to the content script's lifetime). */
  onVisibilityChange(cb: () => void): void;
}

export interface Ticker {
  /**
   * When the badge next needs painting, in ms from now (lib/portal/view.ts `nextChangeIn`), or null when nothing it
   * shows changes with time. Replaces whatever was set before.
   */
  set(dueInMs: number | null): void;
  /** Stop for good (content script invalidated). */
  stop(): void;
  /** Whether a tick is scheduled. */
  readonly running: boolean;
}

export function createTicker(deps: TickerDeps, onTick: () => void): Ticker {
  let due: number | null = null;
  let stopped = false;
  let id: number | null = null;

  const clear = () => {
    if (id !== null) deps.clearTimeout(id);
    id = null;
  };
  const arm = () => {
    clear();
    if (due === null || stopped || deps.isHidden()) return;
    id = deps.setTimeout(
      () => {
        id = null;
        onTick();
      },
      Math.max(0, due),
    );
  };

  deps.onVisibilityChange(() => {
    if (deps.isHidden()) return clear();
    // Back from a hidden tab: show the right time at once (the tick re-arms the timer through set()).
    if (due !== null && !stopped && id === null) onTick();
  });

  return {
    set(next) {
      due = next;
      arm();
    },
    stop() {
      stopped = true;
      clear();
    },
    get running() {
      return id !== null;
    },
  };
}
