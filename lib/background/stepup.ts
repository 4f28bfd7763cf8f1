/**
 * Step-up sign-ins for activations that need MFA or an authentication context (graph-pim.md §4, §9). PIM answers a
 * missing claim with a 400, not a challenge, so the background decides which claims to ask for, records what waits
 * for them (session storage, never the token), and opens the sign-in tab, which acquires a token WITH those claims
 * and hands it back (auth.stepUpDone). MSAL does not cache claims tokens, so the token stays here, in memory, keyed by
 * the claims: other roles needing the same context use it without another prompt while it is valid.
 */
import { z } from 'zod';
import { jwtPayload } from '../base64url';
import type { PendingStepUp, StepUpItem, ValidatedItem } from '../storage';
import { createUpdater } from './update';

/** A step-up the user never finished stops waiting after this; a new activation then asks again. */
export const STEP_UP_TTL_MS = 15 * 60_000;
/** A token this close to its expiry is not handed out: the request could arrive after it. */
const TOKEN_MARGIN_MS = 60_000;
/** Tokens whose expiry cannot be read (not a JWT) are trusted for this long; Entra access tokens live 60–90 min. */
const UNKNOWN_EXPIRY_MS = 30 * 60_000;

export interface StepUpDeps {
  item: Pick<ValidatedItem<PendingStepUp[]>, 'get' | 'set'>;
  now: () => Date;
  newId: () => string;
  /** Opens the sign-in tab at this extension URL; resolves with its tab id when known. */
  openTab(url: string): Promise<number | undefined>;
  /** Brings an already open sign-in tab to the front; false when it is gone (closed by the user). */
  focusTab(tabId: number): Promise<boolean>;
  /** signin.html + search → the page's full extension URL (browser.runtime.getURL). */
  pageUrl(search: string): string;
}

export interface StepUps {
  /**
   * A remembered token for exactly these claims and this account (object id), when still valid. Keyed by account
   * too: after a switch of accounts, the previous account's token must not be sent for the new one.
   */
  tokenFor(claims: string, account: string): string | null;
  remember(claims: string, account: string, token: string): void;
  /**
   * Ask for a step-up: items join the step-up already waiting for the same claims (its tab is brought to the front),
   * or a new one is recorded and its tab opened. Resolves with the stepUpId.
   */
  request(claims: string, items: readonly StepUpItem[]): Promise<string>;
  /** Remove and return a waiting step-up (null when unknown or expired). */
  take(stepUpId: string): Promise<PendingStepUp | null>;
}

/** The sign-in page's query for a step-up: ?stepup=<id>&claims=<URL-encoded claims JSON>. */
export function stepUpSearch(stepUpId: string, claims: string): string {
  return `?stepup=${encodeURIComponent(stepUpId)}&claims=${encodeURIComponent(claims)}`;
}

const JwtPayload = z.looseObject({ exp: z.number().optional() });

/** The `exp` of a JWT access token in ms, or null when the token is opaque. Read only for caching, never trusted. */
export function tokenExpiresAt(token: string): number | null {
  const exp = JwtPayload.safeParse(jwtPayload(token));
  return exp.success && exp.data.exp !== undefined ? exp.data.exp * 1000 : null;
}

export function createStepUps(deps: StepUpDeps): StepUps {
  const tokens = new Map<string, { token: string; expiresAt: number }>();
  const tabs = new Map<string, number>();
  const update = createUpdater(deps.item);
  const live = (p: PendingStepUp, now: number) => now - Date.parse(p.createdAt) < STEP_UP_TTL_MS;

  return {
    tokenFor(claims, account) {
      const key = `${account}\n${claims}`;
      const entry = tokens.get(key);
      if (!entry) return null;
      if (entry.expiresAt - TOKEN_MARGIN_MS <= deps.now().getTime()) {
        tokens.delete(key);
        return null;
      }
      return entry.token;
    },
    remember(claims, account, token) {
      tokens.set(`${account}\n${claims}`, {
        token,
        expiresAt: tokenExpiresAt(token) ?? deps.now().getTime() + UNKNOWN_EXPIRY_MS,
      });
    },
    async request(claims, items) {
      const now = deps.now();
      // Set inside the update (closures defeat control-flow narrowing, hence the holder object).
      const out: { pending: PendingStepUp | null; joined: boolean } = { pending: null, joined: false };
      await update((list) => {
        const current = list.filter((p) => live(p, now.getTime()));
        const existing = current.find((p) => p.claims === claims);
        if (existing) {
          const keys = new Set(existing.items.map((i) => `${i.action}:${i.key}`));
          const joined = {
            ...existing,
            items: [...existing.items, ...items.filter((i) => !keys.has(`${i.action}:${i.key}`))],
          };
          out.pending = joined;
          out.joined = true;
          return current.map((p) => (p === existing ? joined : p));
        }
        out.pending = { stepUpId: deps.newId(), claims, createdAt: now.toISOString(), items: [...items] };
        return [...current, out.pending];
      });
      const pending = out.pending!;
      const tabId = tabs.get(pending.stepUpId);
      const focused = out.joined && tabId !== undefined && (await deps.focusTab(tabId).catch(() => false));
      if (!focused) {
        const opened = await deps.openTab(deps.pageUrl(stepUpSearch(pending.stepUpId, claims)));
        if (opened !== undefined) tabs.set(pending.stepUpId, opened);
      }
      return pending.stepUpId;
    },
    async take(stepUpId) {
      const now = deps.now().getTime();
      const out: { found: PendingStepUp | null } = { found: null };
      await update((list) => {
        out.found = list.find((p) => p.stepUpId === stepUpId && live(p, now)) ?? null;
        return list.filter((p) => p.stepUpId !== stepUpId && live(p, now));
      });
      tabs.delete(stepUpId);
      return out.found;
    },
  };
}
