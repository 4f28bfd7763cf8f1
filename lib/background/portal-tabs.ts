/**
 * The portal tabs, as the background knows them (docs/SECURITY.md). A badge says hello once per page; the background
 * answers with what that badge shows, remembers the tab (session:portalTabs) and pushes a `portal.update` whenever
 * the snapshot, the portal choices or the badge's layout change. So the content script reads no extension storage
 * (which Chromium now closes to it), the page's copy of our data is only what its badge shows, and "Reload the admin
 * center" finds the open portal tabs without any host permission for the portals.
 */
import { MessagingError, type BadgeView, type Handlers } from '../messaging';
import { accountServesTenant, COLOUR_CSS, tenantOfPortalUrl, type EffectiveAccount } from '../accounts';
import type { Snapshot } from '../pim/model';
import {
  DEFAULT_PORTAL_PREF,
  portalById,
  relevantAssignments,
  tenantPortalForUrl,
  type Portal,
  type PortalPref,
} from '../pim/portals';
import { parseAssignment } from '../portal/store';
import { portalResourceId, scopeContains } from '../arm/scope';
import type { AuthState, PortalLayout, PortalTab, ValidatedItem } from '../storage';
import { t } from '../i18n';
import { createUpdater } from './update';

/** What the background sends a content script (tabs.sendMessage); lib/portal/store.ts checks it by hand. */
export type ToBadge = { name: 'portal.update'; view: BadgeView } | { name: 'portal.ping' };

/** One account as the badge may speak for it: its entry, auth state and own snapshot (null: not signed in). */
export interface BadgeAccountState {
  account: EffectiveAccount;
  auth: AuthState;
  snapshot: Snapshot | null;
}

export interface PortalTabsDeps {
  /** Every account, in the user's order. */
  accounts(): Promise<BadgeAccountState[]>;
  /** The account the user picked where several could speak for a page (local:portalAccounts, keyed by pickKey). */
  picks: ValidatedItem<Record<string, string>>;
  prefs(): Promise<Readonly<Record<string, PortalPref>>>;
  layouts: ValidatedItem<Record<string, PortalLayout>>;
  registry: ValidatedItem<PortalTab[]>;
  sharePointHosts(): Promise<readonly string[]>;
  send(tabId: number, message: ToBadge): Promise<unknown>;
  reload(tabId: number): Promise<void>;
}

export interface PortalTabs {
  handlers: Required<Pick<Handlers, 'portal.hello' | 'portal.layout' | 'portal.account'>>;
  /** The account a registered tab's badge speaks for (what its commands act on); null: the tab never said hello. */
  accountOf(tabId: number): Promise<{ accountId: string | null; portalId: string } | null>;
  /** Sends every registered badge what it shows now; tabs that no longer answer are forgotten. */
  push(): Promise<void>;
  /** Reloads the registered tabs whose badge still answers (the page is still a portal); resolves with how many. */
  reload(): Promise<number>;
  forget(tabId: number): Promise<void>;
}

/**
 * The assignments that matter on `portal`, cut down to the fields the badge reads: nothing else reaches the page. On
 * the Azure portal, Azure roles only when their scope contains the resource the tab's URL shows (`resourceId`, read
 * by the background from the sender's URL and parsed as an ARM scope: the page names nothing).
 */
export function badgeView(
  portal: Portal,
  snapshot: Snapshot | null,
  pref: PortalPref,
  layout: PortalLayout | undefined,
  resourceId: string | null = null,
  speaking: { account: BadgeView['account']; accounts: BadgeView['accounts'] } = { account: null, accounts: [] },
): BadgeView {
  const relevant = relevantAssignments(snapshot?.assignments ?? [], portal, pref).filter(
    (a) => a.kind !== 'azure' || (resourceId !== null && scopeContains(a.directoryScopeId, resourceId)),
  );
  const assignments = relevant.flatMap((a) => {
    const fields = parseAssignment(a);
    return fields ? [{ ...fields }] : [];
  });
  return {
    portalId: portal.id,
    ...speaking,
    assignments,
    skewMs: snapshot?.clockSkewMs ?? 0,
    pref: { enabled: pref.enabled, pinned: [...pref.pinned] },
    layout: layout ?? {},
  };
}

/**
 * The URL a portal tab shows: the badge's (after in-portal navigation) when it is on the sender's own host, else the
 * sender's. It only narrows what the badge is shown (the resource in view, the tenant named).
 */
function trustedUrl(claimed: string | undefined, senderUrl: string | undefined): string | undefined {
  const host = (u: string | undefined) => {
    try {
      return u ? new URL(u).host : null;
    } catch {
      return null;
    }
  };
  return claimed && host(claimed) !== null && host(claimed) === host(senderUrl) ? claimed : senderUrl;
}

const badgeAccount = (a: EffectiveAccount) => ({ id: a.id, label: a.label, colour: COLOUR_CSS[a.colour] });

/** Where a badge pick is remembered: per portal, and per tenant where the URL names one (`azure@contoso.com`). */
export function pickKey(portalId: string, tenant: string | null): string {
  return tenant ? `${portalId}@${tenant}` : portalId;
}

/**
 * Which account a portal tab's badge speaks for (issue 16): one whose tenant the URL names (Azure portal and Entra
 * `#@contoso.onmicrosoft.com`, a tenant id in the route) — and none when no signed-in account serves that tenant, so
 * a badge never shows or acts on another tenant's roles; where the URL names none, any signed-in account. Among
 * several, the one the user picked for this portal (and tenant), else the first. `choices`: the accounts the user may
 * switch to (several for the page).
 */
export function accountForTab(
  portalId: string,
  url: string | undefined,
  accounts: readonly BadgeAccountState[],
  picks: Readonly<Record<string, string>>,
): { chosen: BadgeAccountState | null; choices: BadgeAccountState[] } {
  const signedIn = accounts.filter((a) => a.snapshot !== null && a.auth.account !== null);
  const tenant = tenantOfPortalUrl(url);
  let candidates = signedIn;
  if (tenant) {
    const exact = signedIn.filter((a) => accountServesTenant(a.account, a.auth.account?.tenantId ?? null, tenant));
    // A home account signed in through `organizations`: its user name's domain is the tenant's.
    const byDomain = signedIn.filter(
      (a) =>
        a.account.connection?.tenant === 'organizations' &&
        a.auth.account?.username.toLowerCase().endsWith(`@${tenant}`) === true,
    );
    candidates = exact.length > 0 ? exact : byDomain;
  }
  // Several accounts for the page (two admin accounts in one tenant, or no tenant named): the user's pick for this
  // portal and tenant, else the first; the others are offered.
  const picked = candidates.find((a) => a.account.id === picks[pickKey(portalId, tenant)]);
  return { chosen: picked ?? candidates[0] ?? null, choices: candidates.length > 1 ? candidates : [] };
}

export function createPortalTabs(deps: PortalTabsDeps): PortalTabs {
  const updateRegistry = createUpdater(deps.registry);
  const updateLayouts = createUpdater(deps.layouts);
  const updatePicks = createUpdater(deps.picks);

  async function portalOf(url: string | undefined): Promise<Portal | null> {
    return tenantPortalForUrl(url, await deps.sharePointHosts());
  }

  /** The tab's account and the view for it; `url` is the URL the browser reports for the sender. */
  async function viewFor(
    portal: Portal,
    url: string | undefined,
    resourceId: string | null = null,
  ): Promise<{ accountId: string | null; view: BadgeView }> {
    const [accounts, picks, prefs, layouts] = await Promise.all([
      deps.accounts(),
      deps.picks.get(),
      deps.prefs(),
      deps.layouts.get(),
    ]);
    const { chosen, choices } = accountForTab(portal.id, url, accounts, picks);
    const view = badgeView(
      portal,
      chosen?.snapshot ?? null,
      prefs[portal.id] ?? DEFAULT_PORTAL_PREF,
      layouts[portal.id],
      resourceId,
      {
        account: chosen && accounts.length > 1 ? badgeAccount(chosen.account) : null,
        accounts: choices.map((c) => badgeAccount(c.account)),
      },
    );
    return { accountId: chosen?.account.id ?? null, view };
  }

  const register = async (tab: PortalTab) => {
    await updateRegistry((tabs) => [...tabs.filter((x) => x.tabId !== tab.tabId), tab].slice(-200));
  };

  const forget = async (tabId: number) => {
    await updateRegistry((tabs) => tabs.filter((x) => x.tabId !== tabId));
  };

  return {
    async accountOf(tabId) {
      const entry = (await deps.registry.get()).find((x) => x.tabId === tabId);
      return entry ? { accountId: entry.accountId, portalId: entry.portalId } : null;
    },
    handlers: {
      'portal.hello': async (payload, sender) => {
        const portal = await portalOf(sender.url);
        const tabId = sender.tab?.id;
        // Not this tenant's portal (another tenant's SharePoint admin host), or not a tab: the badge does nothing.
        if (!portal || tabId === undefined || sender.frameId !== 0) return null;
        // The badge says hello again after each in-portal navigation; the resource is read from the browser's URL.
        // The tenant, which decides whose roles the page is shown, comes only from the URL the browser reports for the
        // sender, never from the badge's claim.
        const url = trustedUrl(payload.url, sender.url);
        const resourceId = portal.id === 'azure' && url ? portalResourceId(url) : null;
        const { accountId, view } = await viewFor(portal, sender.url, resourceId);
        await register({
          tabId,
          portalId: portal.id,
          accountId,
          url: sender.url ?? null,
          ...(resourceId ? { resourceId } : {}),
        });
        return view;
      },
      'portal.account': async ({ accountId }, sender) => {
        const portal = await portalOf(sender.url);
        const tabId = sender.tab?.id;
        if (!portal || tabId === undefined || sender.frameId !== 0) return null;
        const entry = (await deps.registry.get()).find((x) => x.tabId === tabId);
        if (!entry) return null;
        const url = entry.url ?? sender.url;
        const { choices } = accountForTab(portal.id, url, await deps.accounts(), await deps.picks.get());
        // Only one of the accounts offered (the ones for the tenant the URL names, if it names one): nothing else.
        if (!choices.some((c) => c.account.id === accountId))
          throw new MessagingError('forbidden', t('portalCmdSender'));
        await updatePicks((all) => ({ ...all, [pickKey(portal.id, tenantOfPortalUrl(url))]: accountId }));
        const { accountId: chosen, view } = await viewFor(portal, url, entry.resourceId ?? null);
        await register({ ...entry, accountId: chosen });
        return view;
      },
      'portal.layout': async (layout, sender) => {
        const portal = await portalOf(sender.url);
        if (!portal) throw new MessagingError('forbidden', t('portalCmdSender'));
        await updateLayouts((all) => ({ ...all, [portal.id]: layout }));
        return { ok: true as const };
      },
    },
    async push() {
      const tabs = await deps.registry.get();
      if (tabs.length === 0) return;
      const views = new Map<string, Promise<{ accountId: string | null; view: BadgeView }>>();
      await Promise.all(
        tabs.map(async (tab) => {
          const portal = portalById(tab.portalId);
          if (!portal) return forget(tab.tabId);
          const id = `${tab.portalId}|${tab.url ?? ''}|${tab.resourceId ?? ''}`;
          if (!views.has(id)) views.set(id, viewFor(portal, tab.url ?? undefined, tab.resourceId ?? null));
          const { accountId, view } = await views.get(id)!;
          // An account signed in or out (or picked in another tab) can change whom this badge speaks for.
          if (accountId !== tab.accountId) await register({ ...tab, accountId });
          await deps.send(tab.tabId, { name: 'portal.update', view }).catch(() => forget(tab.tabId));
        }),
      );
    },
    async reload() {
      const tabs = await deps.registry.get();
      const done = await Promise.all(
        tabs.map(async ({ tabId }) => {
          const alive = await deps.send(tabId, { name: 'portal.ping' }).then(
            (r) => r === true,
            () => false,
          );
          if (!alive) {
            await forget(tabId);
            return false;
          }
          return deps.reload(tabId).then(
            () => true,
            () => false,
          );
        }),
      );
      return done.filter(Boolean).length;
    },
    forget,
  };
}
