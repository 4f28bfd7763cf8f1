/**
 * The portal badge's life on a page: find the portal, ask the background what it shows, and only when something
 * relevant exists, mount one shadow-root UI and (while something counts down and the tab is visible) one timeout
 * for the next change of its text (lib/portal/ticker.ts). Re-renders on the background's updates; survives SPA
 * navigations; removes itself when the extension goes.
 * Nothing the page can see happens before the URL check and the background's answer (docs/SECURITY.md).
 */
import { h, render } from 'preact';
import { Badge } from '../../components/badge/Badge';
import type { PortalContext } from './context';
import { createVisibilityProof, type VisibilityProof } from './visibility';
import { portalForUrl, type Corner, type Portal, type PortalId } from '../pim/portals';
import type { PortalClient, PortalCommand } from './client';
import type { BadgeStore, BadgeState } from './store';
import { createShadowHost, type ShadowHost } from './shadow';
import { createTicker, type TickerDeps } from './ticker';
import { badgeModel, DEFAULT_WARN_MS, type BadgeNotice } from './view';

/** The host element's tag. Stale copies (from a content script that lost its extension) are removed on mount. */
export const BADGE_TAG = 'pim-companion-badge';

/** Clockwise, so "Move" walks the badge round the screen. */
const NEXT_CORNER: Record<Corner, Corner> = {
  'top-left': 'top-right',
  'top-right': 'bottom-right',
  'bottom-right': 'bottom-left',
  'bottom-left': 'top-left',
};

export interface PortalBadgeDeps {
  /** The page's URL (location.href). */
  url: string;
  now(): number;
  store(portalId: PortalId): BadgeStore;
  client: PortalClient;
  reload(): void;
  /** The badge's stylesheet (bundled as text). */
  css: string;
  /** Whether the badge can prove it was visible when clicked (IntersectionObserver v2); the real one when absent. */
  visibility?: (
    target: () => Element | null,
    deps: { host: () => Element | null; onChange: () => void },
  ) => VisibilityProof;
  warnMs?: number;
  /** Timer and visibility; the page's window and document when absent. */
  ticker?: TickerDeps;
}

export interface PortalBadge {
  portal: Portal;
  /** Whether the badge's host element is in the page. */
  readonly mounted: boolean;
  /** Whether the page's countdown timer runs. */
  readonly ticking: boolean;
}

function pageTicker(ctx: PortalContext): TickerDeps {
  return {
    setTimeout: (fn, ms) => window.setTimeout(fn, ms),
    clearTimeout: (id) => window.clearTimeout(id),
    isHidden: () => document.hidden,
    onVisibilityChange: (cb) => ctx.listen(document, 'visibilitychange', cb),
  };
}

/**
 * Returns null (and does nothing at all) on a page that is not one of the portals, e.g. an ordinary SharePoint site.
 */
export async function startPortalBadge(ctx: PortalContext, deps: PortalBadgeDeps): Promise<PortalBadge | null> {
  const found = portalForUrl(deps.url);
  if (!found) return null;
  const portal: Portal = found;
  const pageLoadedAt = deps.now();
  const warnMs = deps.warnMs ?? DEFAULT_WARN_MS;
  const store = deps.store(portal.id);
  // The background decides whether this is a portal of the signed-in tenant (another tenant's SharePoint admin host
  // is not); until it says so, the page sees nothing at all.
  const loaded = await store.load().catch(() => null);
  if (!loaded || ctx.isInvalid) return null;
  let state: BadgeState = loaded;
  // Marks for the e2e suite and the benchmark: the badge must paint within 100 ms of this one.
  performance.mark('pim:badge-start');

  let ui: ShadowHost | null = null;
  let watchingNavigation = false;
  let notice: BadgeNotice | null = null;
  let activatedHere = false;
  let painted = false;
  const busy = new Set<string>();
  const ticker = createTicker(deps.ticker ?? pageTicker(ctx), () => paint());
  ctx.onInvalidated(() => ticker.stop());
  ctx.onInvalidated(
    store.watch((patch) => {
      state = { ...state, ...patch };
      paint();
    }),
  );
  // The Azure portal's badge shows the roles of the resource in view: after each in-portal navigation, hello again
  // with the URL in view (the page controls it through pushState; the background accepts it only on the sender's own
  // host and it only narrows which of the user's roles are shown). New rows restart the visibility proof (paint).
  // Replies can arrive out of order: only the answer to the latest hello is applied.
  let hellos = 0;
  let helloHref = location.href;
  const helloAgain = () => {
    helloHref = location.href;
    const seq = ++hellos;
    void store
      .load(helloHref)
      .then((next) => {
        if (!next || ctx.isInvalid || seq !== hellos) return;
        state = { ...state, ...next };
        paint();
      })
      .catch(() => undefined);
  };
  if (portal.id === 'azure') ctx.onLocationChange(helloAgain);
  // What the user clicks must have been on screen, unoccluded and untransformed, for a while (IntersectionObserver
  // v2); a page that lays a decoy over the badge gets no one-click Deactivate, only the popup's confirmation.
  const visible = (deps.visibility ?? createVisibilityProof)(() => ui?.container.firstElementChild ?? null, {
    host: () => ui?.host ?? null,
    onChange: () => paint(),
  });
  ctx.onInvalidated(() => visible.stop());

  const layout = () => ({ corner: state.layout.corner ?? portal.corner, collapsed: state.layout.collapsed ?? true });
  const saveLayout = (next: BadgeState['layout']) => {
    state = { ...state, layout: next };
    paint();
    void store.saveLayout(next);
  };

  function onCommand(command: PortalCommand, key: string): void {
    if (ctx.isInvalid || busy.has(key)) return;
    busy.add(key);
    notice = null;
    paint();
    deps.client
      .send(command, key, { visible: command === 'deactivate' && visible.proven(), shown: state.account?.id ?? null })
      .then(
        (result) => {
          notice = { kind: 'outcome', command, outcome: result.outcome };
          if (command === 'activate' && result.outcome === 'done') activatedHere = true;
        },
        (e: unknown) => {
          notice = { kind: 'error', message: e instanceof Error ? e.message : String(e) };
        },
      )
      .finally(() => {
        busy.delete(key);
        paint();
      });
  }

  function mountUi(current: ShadowHost): void {
    for (const stale of document.querySelectorAll(BADGE_TAG)) if (stale !== current.host) stale.remove();
    current.mount();
    if (!watchingNavigation) {
      watchingNavigation = true;
      // SPA route changes keep this script alive; put the badge back if the page's re-render took it out.
      ctx.onLocationChange(() => paint());
    }
  }

  /** The rows last painted (key and state, in order): a change restarts the visibility proof. */
  let shownRows: string | null = null;

  function paint(): void {
    if (ctx.isInvalid) return;
    const now = deps.now() + state.skewMs;
    const model = badgeModel({ assignments: state.assignments, portal, pref: state.pref, now, pageLoadedAt, warnMs });
    ticker.set(model.nextChangeInMs);
    // Where the browser has no Navigation API (Firefox before 147), a pushState is noticed here, at the next repaint.
    if (portal.id === 'azure' && location.href !== helloHref) helloAgain();
    const rows = model.items.map((i) => `${i.key}:${i.state}`).join('|');
    const changed = shownRows !== null && rows !== shownRows;
    shownRows = rows;
    // After recording the rows: restart() makes the badge repaint, which must not see them as new again.
    if (changed) visible.restart();
    if (model.items.length === 0 && busy.size === 0) {
      if (ui?.host.isConnected) ui.remove();
      notice = null;
      return;
    }
    // Closed shadow root: the portal's own scripts cannot reach into the badge (they could only dispatch untrusted
    // events).
    ui ??= createShadowHost(ctx, BADGE_TAG, deps.css, (container) => render(null, container));
    if (!ui.host.isConnected) mountUi(ui);
    const { corner, collapsed } = layout();
    render(
      h(Badge, {
        portalName: portal.name,
        model: { ...model, needsReload: model.needsReload || activatedHere },
        now,
        warnMs,
        corner,
        collapsed,
        busy,
        notice,
        oneClickDeactivate: visible.proven(),
        onToggle: () => saveLayout({ ...state.layout, collapsed: !collapsed }),
        onMove: () => saveLayout({ ...state.layout, corner: NEXT_CORNER[corner] }),
        onCommand,
        onReload: () => deps.reload(),
        account: state.account,
        accounts: state.accounts,
        onPickAccount: (id: string) => {
          if (ctx.isInvalid || id === state.account?.id) return;
          void store
            .pickAccount(id)
            .then((next) => {
              if (!next || ctx.isInvalid) return;
              state = { ...state, ...next };
              paint();
            })
            .catch(() => undefined);
        },
        onDismiss: () => {
          notice = null;
          paint();
        },
      }),
      ui.container,
    );
    visible.observe();
    if (!painted) {
      painted = true;
      performance.mark('pim:badge-paint');
    }
  }

  paint();
  return {
    portal,
    get mounted() {
      return ui?.host.isConnected ?? false;
    },
    get ticking() {
      return ticker.running;
    },
  };
}
