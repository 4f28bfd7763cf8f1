/**
 * The content script's lifetime, without announcing it to the page. WXT's ContentScriptContext tells other copies of
 * the script that a newer one started through a DOM event named after the extension id, which the page can see (and
 * so detect the extension) and dispatch itself (and so switch the badge off until a reload) (docs/SECURITY.md). Here
 * the only thing that ends the script is the extension itself going away (reload, update, uninstall): then
 * `browser.runtime.id` is gone. Navigation inside the portal (SPA routes) is watched with the Navigation API, whose
 * events the page cannot fake into anything but a re-read of location.href.
 */
import { browser } from 'wxt/browser';

export interface PortalContext {
  /** True once the extension is gone; every callback registered with onInvalidated has then run. */
  readonly isInvalid: boolean;
  onInvalidated(cb: () => void): void;
  /** addEventListener that ends with the context. */
  listen(target: EventTarget, type: string, handler: (e: Event) => void): void;
  /** Calls back after the page's URL changed without a load (history.pushState, hash change). */
  onLocationChange(cb: () => void): void;
  /** Ends the context now (tests; the extension going away). */
  invalidate(): void;
}

type Navigation = EventTarget;

export function createPortalContext(
  opts: { alive?: () => boolean; navigation?: Navigation | null } = {},
): PortalContext {
  const alive = opts.alive ?? (() => browser.runtime?.id != null);
  const controller = new AbortController();
  const invalidate = () => controller.abort();
  const ctx: PortalContext = {
    get isInvalid() {
      if (!controller.signal.aborted && !alive()) invalidate();
      return controller.signal.aborted;
    },
    onInvalidated: (cb) => controller.signal.addEventListener('abort', cb),
    listen: (target, type, handler) => target.addEventListener(type, handler, { signal: controller.signal }),
    onLocationChange(cb) {
      let last = location.href;
      const check = () => {
        if (ctx.isInvalid || location.href === last) return;
        last = location.href;
        cb();
      };
      const navigation =
        opts.navigation !== undefined
          ? opts.navigation
          : ((globalThis as { navigation?: Navigation }).navigation ?? null);
      if (navigation) ctx.listen(navigation, 'navigatesuccess', check);
      // Without the Navigation API (Firefox before 147): history changes fire popstate/hashchange only for
      // back/forward, so pushState routes are caught by the badge's own repaint (every minute, and on each update).
      ctx.listen(window, 'popstate', check);
      ctx.listen(window, 'hashchange', check);
    },
    invalidate,
  };
  return ctx;
}
