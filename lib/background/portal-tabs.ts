/**
 * The portal tabs, as the background knows them (docs/SECURITY.md). A badge says hello once per page; the background
 * answers with what that badge shows, remembers the tab (session:portalTabs) and pushes a `portal.update` whenever
 * the snapshot, the portal choices or the badge's layout change. So the content script reads no extension storage
 * (which Chromium now closes to it), the page's copy of our data is only what its badge shows, and "Reload the admin
 * center" finds the open portal tabs without any host permission for the portals.
 */
import { MessagingError, type BadgeView, type Handlers } from '../messaging';
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
import type { PortalLayout, PortalTab, ValidatedItem } from '../storage';
import { t } from '../i18n';
import { createUpdater } from './update';

/** What the background sends a content script (tabs.sendMessage); lib/portal/store.ts checks it by hand. */
export type ToBadge = { name: 'portal.update'; view: BadgeView } | { name: 'portal.ping' };

export interface PortalTabsDeps {
  /** The signed-in account's snapshot, null when there is none. */
  snapshot(): Promise<Snapshot | null>;
  prefs(): Promise<Readonly<Record<string, PortalPref>>>;
  layouts: ValidatedItem<Record<string, PortalLayout>>;
  registry: ValidatedItem<PortalTab[]>;
  sharePointHosts(): Promise<readonly string[]>;
  send(tabId: number, message: ToBadge): Promise<unknown>;
  reload(tabId: number): Promise<void>;
}

export interface PortalTabs {
  handlers: Required<Pick<Handlers, 'portal.hello' | 'portal.layout'>>;
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
    assignments,
    skewMs: snapshot?.clockSkewMs ?? 0,
    pref: { enabled: pref.enabled, pinned: [...pref.pinned] },
    layout: layout ?? {},
  };
}

/** The resource an Azure portal tab shows: the badge's URL when it is on the sender's own host, else the sender's. */
function azureResource(claimed: string | undefined, senderUrl: string | undefined): string | null {
  const host = (u: string | undefined) => {
    try {
      return u ? new URL(u).host : null;
    } catch {
      return null;
    }
  };
  const url = claimed && host(claimed) !== null && host(claimed) === host(senderUrl) ? claimed : senderUrl;
  return url ? portalResourceId(url) : null;
}

export function createPortalTabs(deps: PortalTabsDeps): PortalTabs {
  const updateRegistry = createUpdater(deps.registry);
  const updateLayouts = createUpdater(deps.layouts);

  async function portalOf(url: string | undefined): Promise<Portal | null> {
    return tenantPortalForUrl(url, await deps.sharePointHosts());
  }

  async function viewFor(portal: Portal, resourceId: string | null = null): Promise<BadgeView> {
    const [snapshot, prefs, layouts] = await Promise.all([deps.snapshot(), deps.prefs(), deps.layouts.get()]);
    return badgeView(portal, snapshot, prefs[portal.id] ?? DEFAULT_PORTAL_PREF, layouts[portal.id], resourceId);
  }

  const forget = async (tabId: number) => {
    await updateRegistry((tabs) => tabs.filter((x) => x.tabId !== tabId));
  };

  return {
    handlers: {
      'portal.hello': async (payload, sender) => {
        const portal = await portalOf(sender.url);
        const tabId = sender.tab?.id;
        // Not this tenant's portal (another tenant's SharePoint admin host), or not a tab: the badge does nothing.
        if (!portal || tabId === undefined || sender.frameId !== 0) return null;
        // The badge says hello again after each in-portal navigation; the resource is read from the browser's URL.
        const resourceId = portal.id === 'azure' ? azureResource(payload.url, sender.url) : null;
        await updateRegistry((tabs) =>
          [
            ...tabs.filter((x) => x.tabId !== tabId),
            { tabId, portalId: portal.id, ...(resourceId ? { resourceId } : {}) },
          ].slice(-200),
        );
        return viewFor(portal, resourceId);
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
      const views = new Map<string, Promise<BadgeView>>();
      await Promise.all(
        tabs.map(async ({ tabId, portalId, resourceId }) => {
          const portal = portalById(portalId);
          if (!portal) return forget(tabId);
          const id = `${portalId}|${resourceId ?? ''}`;
          if (!views.has(id)) views.set(id, viewFor(portal, resourceId ?? null));
          const view = await views.get(id)!;
          await deps.send(tabId, { name: 'portal.update', view }).catch(() => forget(tabId));
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
