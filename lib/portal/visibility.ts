/**
 * Proof that the badge was really visible when the user clicked it: IntersectionObserver v2 (`trackVisibility`)
 * reports `isVisible` only when the target is on screen, not covered by anything (a transparent overlay with
 * pointer-events:none included) and not faded, filtered or transformed. The badge counts as proven once it has been
 * visible without a break for VISIBLE_FOR_MS. Where the browser has no v2 (Firefox), nothing is ever proven and every
 * Deactivate is confirmed in the extension's own window instead (docs/SECURITY.md).
 *
 * The page has no business touching the badge's host element: once it changes the host's attributes (an inline
 * opacity, a filter, a class: tricks the host's `all: initial !important` mostly defeats anyway), nothing is proven
 * on that page again until it reloads.
 */

/** How long the badge must have been visible before a click in it counts as the user's informed choice. */
export const VISIBLE_FOR_MS = 500;

export interface VisibilityProof {
  /** (Re)starts watching the current target (call after each render: the target may have been replaced). */
  observe(): void;
  /** Visible, unoccluded and unaltered for at least VISIBLE_FOR_MS up to now. */
  proven(): boolean;
  /**
   * What the badge shows has changed (other rows, other order): the proof must hold again for VISIBLE_FOR_MS from now,
   * so a page that swaps the rows under a waiting cursor (an in-portal navigation) gets no one-click on the new ones.
   */
  restart(): void;
  stop(): void;
}

interface V2Entry {
  isVisible?: boolean;
  time: number;
}

export function createVisibilityProof(
  target: () => Element | null,
  deps: {
    now?: () => number;
    Observer?: typeof IntersectionObserver | undefined;
    host?: () => Element | null;
    /** Called when `proven()` may have changed (the badge repaints: its Deactivate says whether it will ask first). */
    onChange?: () => void;
    setTimeout?: (fn: () => void, ms: number) => unknown;
  } = {},
): VisibilityProof {
  const now = deps.now ?? (() => performance.now());
  const Observer = 'Observer' in deps ? deps.Observer : globalThis.IntersectionObserver;
  let observed: Element | null = null;
  let visibleSince: number | null = null;
  let observer: IntersectionObserver | null = null;
  let supported = true;
  let tampered = false;
  let watchedHost: Element | null = null;
  const hostWatch = typeof MutationObserver === 'undefined' ? null : new MutationObserver(() => (tampered = true));

  const later = deps.setTimeout ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const onEntries = (entries: IntersectionObserverEntry[]) => {
    const was = visibleSince;
    for (const entry of entries as unknown as V2Entry[]) {
      if (entry.isVisible === undefined) supported = false;
      // The entry's own time: when the browser computed it, not when the callback ran.
      if (entry.isVisible) visibleSince ??= entry.time;
      else visibleSince = null;
    }
    if (visibleSince === was) return;
    deps.onChange?.();
    // One wake-up when the proof will hold, so the badge can say so; none while nothing changes.
    if (visibleSince !== null && supported)
      later(() => deps.onChange?.(), Math.max(0, visibleSince + VISIBLE_FOR_MS - now()) + 1);
  };

  return {
    observe() {
      const host = deps.host?.() ?? null;
      if (host && host !== watchedHost && hostWatch) {
        watchedHost = host;
        hostWatch.observe(host, { attributes: true });
      }
      const el = target();
      if (!Observer || !supported || el === observed) return;
      observer?.disconnect();
      visibleSince = null;
      observed = el;
      if (!el) return;
      try {
        // trackVisibility and delay are IntersectionObserver v2 (Chromium); other browsers ignore or reject them.
        observer = new Observer(onEntries, {
          threshold: [1],
          trackVisibility: true,
          delay: 100,
        } as IntersectionObserverInit);
        observer.observe(el);
      } catch {
        supported = false;
      }
    },
    proven: () => supported && !tampered && visibleSince !== null && now() - visibleSince >= VISIBLE_FOR_MS,
    restart() {
      if (visibleSince === null || !supported) return;
      visibleSince = now();
      // Not synchronously: the caller is painting. One repaint when the proof holds again.
      later(() => deps.onChange?.(), 0);
      later(() => deps.onChange?.(), VISIBLE_FOR_MS + 1);
    },
    stop() {
      hostWatch?.disconnect();
      observer?.disconnect();
      observer = null;
    },
  };
}
