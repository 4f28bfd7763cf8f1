/**
 * The portal badge's view of the extension's state. The content script reads no extension storage (Chromium closes
 * it to content scripts, docs/SECURITY.md): it says hello to the background once (portal.hello), which answers with
 * what this portal's badge shows and then pushes `portal.update` whenever that changes (lib/background/portal-tabs.ts).
 * The badge's corner is saved through the background too (portal.layout).
 *
 * No zod here: even zod/mini costs ~7 kB of the content script's 15 kB budget. What arrives was built by the
 * background from zod-validated storage, and only our own background can message our content script; still, every
 * field the badge reads is checked structurally and anything that fails is dropped, never trusted.
 */
import { browser } from 'wxt/browser';
import type { Corner, PortalId, PortalPref } from '../pim/portals';
import type { BadgeAssignment } from './view';

type Obj = Record<string, unknown>;
type Check = (v: unknown) => boolean;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const orNull =
  (check: Check): Check =>
  (v) =>
    v === null || check(v);
const oneOf =
  <T extends string>(values: readonly T[]) =>
  (v: unknown): v is T =>
    values.includes(v as T);
const CORNERS = ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const;

/** One check per field of lib/pim/model.ts Assignment that the badge reads (the type makes sure none is missing). */
const FIELDS: Record<keyof BadgeAssignment, Check> = {
  key: isStr,
  kind: oneOf(['role', 'group', 'azure']),
  state: oneOf(['eligible', 'active', 'pending']),
  targetId: isStr,
  displayName: isStr,
  grants: (v) => Array.isArray(v) && v.every(isStr),
  assignmentType: orNull(oneOf(['Activated', 'Assigned'])),
  memberType: oneOf(['direct', 'group', 'inherited']),
  viaGroupName: (v) => v === undefined || v === null || isStr(v),
  scopeName: orNull(isStr),
  startDateTime: orNull(isStr),
  endDateTime: orNull(isStr),
};
const FIELD_NAMES = Object.keys(FIELDS) as (keyof BadgeAssignment)[];

/** The badge's fields of one stored assignment, or null when any of them is off. */
export function parseAssignment(v: unknown): BadgeAssignment | null {
  if (!isObj(v) || !FIELD_NAMES.every((f) => FIELDS[f](v[f]))) return null;
  // Every field was checked against the model's type just above.
  return Object.fromEntries(FIELD_NAMES.map((f) => [f, v[f]])) as BadgeAssignment;
}

export interface Layout {
  corner?: Corner;
  collapsed?: boolean;
}

/** The account a badge speaks for (issue 16): id, the user's label and its colour (CSS). */
export interface BadgeAccount {
  id: string;
  label: string;
  colour: string;
}

export interface BadgeState {
  /** The account the rows belong to; null with a single account (nothing to tell apart). */
  account: BadgeAccount | null;
  /** The accounts the user may switch this badge to (the URL names no tenant and several are signed in). */
  accounts: BadgeAccount[];
  assignments: BadgeAssignment[];
  /** Service clock minus local clock, from the snapshot: PIM's rules run on Microsoft's clock. */
  skewMs: number;
  pref: PortalPref;
  layout: Layout;
}

/** Each assignment on its own: one entry this version does not understand hides itself, not the whole badge. */
export function parseAssignments(raw: unknown): BadgeAssignment[] {
  if (!isObj(raw) || !Array.isArray(raw.assignments)) return [];
  return raw.assignments.map(parseAssignment).filter((a): a is BadgeAssignment => a !== null);
}

function entry(raw: unknown, portalId: PortalId): Obj {
  const value = isObj(raw) && Object.hasOwn(raw, portalId) ? raw[portalId] : undefined;
  return isObj(value) ? value : {};
}

export function parsePref(raw: unknown, portalId: PortalId): PortalPref {
  const { enabled, pinned } = entry(raw, portalId);
  return { enabled: enabled !== false, pinned: Array.isArray(pinned) ? pinned.filter(isStr) : [] };
}

export function parseLayout(raw: unknown, portalId: PortalId): Layout {
  const { corner, collapsed } = entry(raw, portalId);
  return { ...(oneOf(CORNERS)(corner) ? { corner } : {}), ...(typeof collapsed === 'boolean' ? { collapsed } : {}) };
}

/** One portal's layout as the background sends it (already that portal's entry). */
const ownLayout = (raw: unknown, portalId: PortalId): Layout => parseLayout({ [portalId]: raw }, portalId);

function parseAccount(v: unknown): BadgeAccount | null {
  if (!isObj(v) || !isStr(v.id) || !isStr(v.label) || !isStr(v.colour)) return null;
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(v.id) || !/^#[0-9a-fA-F]{6}$/.test(v.colour)) return null;
  return { id: v.id, label: v.label.slice(0, 40), colour: v.colour };
}

/** A BadgeView (lib/messaging.ts) for `portalId` as the badge state, or null when it is anything else. */
export function parseView(raw: unknown, portalId: PortalId): BadgeState | null {
  if (!isObj(raw) || raw.portalId !== portalId) return null;
  return {
    account: parseAccount(raw.account),
    accounts: Array.isArray(raw.accounts)
      ? raw.accounts.map(parseAccount).filter((a): a is BadgeAccount => a !== null)
      : [],
    assignments: parseAssignments(raw),
    skewMs: typeof raw.skewMs === 'number' && Number.isFinite(raw.skewMs) ? raw.skewMs : 0,
    pref: parsePref({ [portalId]: raw.pref }, portalId),
    layout: ownLayout(raw.layout, portalId),
  };
}

export interface BadgeStore {
  /** What the badge shows now, or null when the background says this page is not a portal of the signed-in tenant. */
  load(url?: string): Promise<BadgeState | null>;
  /** Calls back with each update the background pushes; returns the unwatch function. Never polling. */
  watch(cb: (patch: Partial<BadgeState>) => void): () => void;
  saveLayout(layout: Layout): Promise<void>;
  /** The user picked another account in the badge: the background answers with what the badge shows for it. */
  pickAccount(accountId: string): Promise<BadgeState | null>;
}

type OnMessage = (
  message: unknown,
  sender: { id?: string; tab?: unknown },
  reply: (r: unknown) => void,
) => boolean | undefined;

/** How the badge reaches the background: runtime messaging, or a direct line to the background's handlers in tests. */
export interface BadgeTransport {
  send(message: { name: string; payload: unknown }): Promise<unknown>;
  onMessage: { addListener(l: OnMessage): void; removeListener(l: OnMessage): void };
  /** This extension's id: messages from anyone else are ignored. */
  id: string;
}

const runtimeTransport = (): BadgeTransport => ({
  send: (m) => browser.runtime.sendMessage(m),
  onMessage: browser.runtime.onMessage,
  id: browser.runtime.id,
});

/** The `{ok, value}` envelope of lib/messaging.ts; anything else is null. */
const valueOf = (reply: unknown): unknown => (isObj(reply) && reply.ok === true ? reply.value : null);

export function createBadgeStore(portalId: PortalId, transport: BadgeTransport = runtimeTransport()): BadgeStore {
  return {
    async load(url) {
      return parseView(valueOf(await transport.send({ name: 'portal.hello', payload: url ? { url } : {} })), portalId);
    },
    watch(cb) {
      const listener: OnMessage = (message, sender, reply) => {
        // Only our own background (never a tab) pushes to the badge.
        if (sender.id !== transport.id || sender.tab !== undefined || !isObj(message)) return undefined;
        if (message.name === 'portal.ping') {
          reply(true);
          return undefined;
        }
        const state = message.name === 'portal.update' ? parseView(message.view, portalId) : null;
        if (state) cb(state);
        return undefined;
      };
      transport.onMessage.addListener(listener);
      return () => transport.onMessage.removeListener(listener);
    },
    async saveLayout(next) {
      await transport.send({ name: 'portal.layout', payload: next });
    },
    async pickAccount(accountId) {
      return parseView(valueOf(await transport.send({ name: 'portal.account', payload: { accountId } })), portalId);
    },
  };
}
