/**
 * The control API: what a test (or the demo) may do to the tenant behind the browser's back. The same operations
 * exist in-process (ControlClient) and over HTTP under /_control/ on 127.0.0.1.
 */
import { z } from 'zod';
import type { StandIn, TenantContext } from './context.ts';
import { homeOf } from './identity.ts';
import type { FaultSpec } from './faults.ts';
import type { Incoming, Reply } from './http.ts';
import { empty, json } from './http.ts';
import type { LogEntry } from './log.ts';
import type { Scenario } from './scenario.ts';
import { parseScenario, parseTenantScenario } from './scenario.ts';
import * as shape from './graph/shapes.ts';
import { decide, isCurrent } from './store.ts';

export interface TenantState {
  now: string;
  scenario: string;
  tenant: { id: string; domain: string; displayName: string };
  accounts: { id: string; userPrincipalName: string; displayName: string; homeUpn?: string }[];
  eligibilities: Record<string, unknown>[];
  activeAssignments: Record<string, unknown>[];
  requests: Record<string, unknown>[];
  sessions: number;
  pendingFaults: number;
}

/**
 * One tenant's control. `tenant.control` addresses the home tenant; `control.tenant('fabrikam.onmicrosoft.com')` (id
 * or domain) another one. The clock, log, faults and browser sessions are shared by all tenants, so those operations
 * do the same whichever tenant's control calls them.
 */
export interface ControlClient {
  /**
   * Home control: replaces everything (all tenants, from the scenario and its `otherTenants`; clock, log, faults,
   * sessions). Another tenant's control: replaces only that tenant's data (no `otherTenants`; its `clock` is ignored).
   */
  loadScenario(scenario: Scenario | string): Promise<void>;
  /** The control of a tenant of this stand-in by id or domain (any case); throws for an unknown one. */
  tenant(idOrDomain: string): ControlClient;
  /** Ids and domains of every tenant served, home first. */
  tenants(): Promise<{ id: string; domain: string; displayName: string }[]>;
  now(): Promise<string>;
  advance(ms: number): Promise<string>;
  setClock(iso: string): Promise<string>;
  addFault(fault: FaultSpec): Promise<void>;
  log(): Promise<LogEntry[]>;
  clearLog(): Promise<void>;
  /** Every `/groups` or `/directoryObjects` read since the tenant started (clearLog keeps these). */
  directoryReads(): Promise<string[]>;
  approve(requestId: string): Promise<Record<string, unknown>>;
  deny(requestId: string): Promise<Record<string, unknown>>;
  endSessions(): Promise<void>;
  /**
   * What an admin's "Revoke sessions" (Graph `revokeSignInSessions`) does: every refresh token and browser session of
   * the account stops working. Access tokens already issued live until they expire.
   */
  revokeSignIns(upnOrId: string): Promise<void>;
  state(): Promise<TenantState>;
}

export function createControl(world: StandIn, which?: TenantContext): ControlClient {
  // Resolved on each call: a home loadScenario replaces the tenant objects.
  const tenantId = which?.scenario.tenant.id;
  const current = (): TenantContext => {
    if (!tenantId) return world.home;
    const t = world.find(tenantId);
    if (!t) throw new Error(`The stand-in no longer serves tenant ${tenantId}`);
    return t;
  };
  return createTenantControl(world, current, !which);
}

function createTenantControl(world: StandIn, current: () => TenantContext, isHome: boolean): ControlClient {
  const decision = async (id: string, approve: boolean) => {
    const ctx = current();
    ctx.store.settle();
    const r = decide(ctx.store, id, approve);
    if (typeof r === 'string') throw new Error(r);
    return shape.request(r) as Record<string, unknown>;
  };
  return {
    async loadScenario(scenario) {
      if (isHome) world.load(parseScenario(scenario));
      else {
        const ctx = current();
        const parsed = parseTenantScenario(scenario);
        if (!ctx.is(parsed.tenant.id) || !ctx.is(parsed.tenant.domain))
          throw new Error('A tenant keeps its id and domain; change tenants with the home loadScenario.');
        world.check(world.tenants.map((t) => (t === ctx ? parsed : t.scenario)));
        ctx.load(parsed);
      }
    },
    tenant(idOrDomain) {
      const t = world.find(idOrDomain);
      if (!t) throw new Error(`No tenant ${idOrDomain} in this stand-in`);
      return t === world.home ? createControl(world) : createControl(world, t);
    },
    async tenants() {
      return world.tenants.map((t) => ({ ...t.scenario.tenant }));
    },
    async now() {
      return world.clock.iso();
    },
    async advance(ms) {
      world.clock.advance(ms);
      world.settle();
      return world.clock.iso();
    },
    async setClock(iso) {
      const t = Date.parse(iso);
      if (Number.isNaN(t)) throw new Error(`Not an ISO time: ${iso}`);
      world.clock.set(new Date(t));
      world.settle();
      return world.clock.iso();
    },
    async addFault(fault) {
      world.faults.add(fault);
    },
    async log() {
      return world.log.list();
    },
    async clearLog() {
      world.log.clear();
    },
    async directoryReads() {
      return world.log.directoryReads();
    },
    approve: (id) => decision(id, true),
    deny: (id) => decision(id, false),
    async endSessions() {
      world.idp.sessions.clear();
    },
    async revokeSignIns(upnOrId) {
      const ctx = current();
      const account = ctx.scenario.accounts.find(
        (a) => a.id === upnOrId || a.userPrincipalName.toLowerCase() === upnOrId.toLowerCase(),
      );
      if (!account) throw new Error(`No account ${upnOrId}`);
      // Refresh tokens and sessions are the person's (home tenant + home object id), whichever account names them.
      const home = homeOf(world, ctx, account);
      const mine = (x: { tenantId: string; accountId: string }) =>
        x.tenantId === home.ctx.scenario.tenant.id && x.accountId === home.account.id;
      for (const grant of world.idp.refreshTokens.values()) if (mine(grant)) grant.revokedAtMs ??= world.clock.nowMs();
      for (const [id, session] of world.idp.sessions) if (mine(session)) world.idp.sessions.delete(id);
    },
    async state() {
      const ctx = current();
      ctx.store.settle();
      const now = ctx.store.now();
      const st = ctx.store;
      return {
        now: ctx.clock.iso(),
        scenario: ctx.scenario.name,
        tenant: ctx.scenario.tenant,
        accounts: ctx.scenario.accounts,
        eligibilities: st.eligibilities
          .filter((e) => isCurrent(e, now))
          .map((e) =>
            e.target.kind === 'role' ? shape.roleEligibilityInstance(e) : shape.groupEligibilityInstance(e),
          ),
        activeAssignments: st.assignments
          .filter((a) => isCurrent(a, now))
          .map((a) => (a.target.kind === 'role' ? shape.roleAssignmentInstance(a) : shape.groupAssignmentInstance(a))),
        requests: st.requests.map((r) => shape.request(r)),
        sessions: ctx.idp.sessions.size,
        pendingFaults: ctx.faults.pending(),
      };
    },
  };
}

const ClockBody = z.union([z.object({ advanceMs: z.number() }), z.object({ set: z.string() })]);

/** HTTP face of the same operations. Errors come back as 400/404 with {error: message}. */
export async function handleControl(home: ControlClient, req: Incoming): Promise<Reply> {
  let p = req.path.replace(/^\/_control/, '').replace(/\/+$/, '');
  const body = (): unknown => (req.body ? JSON.parse(req.body) : {});
  try {
    if (p === '/tenants' && req.method === 'GET') return json(200, await home.tenants());
    // /_control/tenants/{idOrDomain}/… is the same operation on another tenant.
    const scoped = /^\/tenants\/([^/]+)(\/.*)?$/.exec(p);
    let control = home;
    if (scoped) {
      try {
        control = home.tenant(decodeURIComponent(scoped[1]!));
      } catch (err) {
        return json(404, { error: err instanceof Error ? err.message : String(err) });
      }
      p = scoped[2] ?? '';
    }
    if (p === '/scenario' && req.method === 'POST') {
      await control.loadScenario(body() as Scenario);
      return json(200, await control.state());
    }
    if (p === '/clock' && req.method === 'GET') return json(200, { now: await control.now() });
    if (p === '/clock' && req.method === 'POST') {
      const b = ClockBody.parse(body());
      const now = 'advanceMs' in b ? await control.advance(b.advanceMs) : await control.setClock(b.set);
      return json(200, { now });
    }
    if (p === '/faults' && req.method === 'POST') {
      await control.addFault(body() as FaultSpec);
      return empty(204);
    }
    if (p === '/log' && req.method === 'GET') return json(200, await control.log());
    if (p === '/log' && req.method === 'DELETE') {
      await control.clearLog();
      return empty(204);
    }
    const m = /^\/requests\/([^/]+)\/(approve|deny)$/.exec(p);
    if (m && req.method === 'POST')
      return json(200, m[2] === 'approve' ? await control.approve(m[1]!) : await control.deny(m[1]!));
    if (p === '/sessions' && req.method === 'DELETE') {
      await control.endSessions();
      return empty(204);
    }
    const revoke = /^\/accounts\/([^/]+)\/revokeSignIns$/.exec(p);
    if (revoke && req.method === 'POST') {
      await control.revokeSignIns(decodeURIComponent(revoke[1]!));
      return empty(204);
    }
    if (p === '/state' && req.method === 'GET') return json(200, await control.state());
    return json(404, { error: `No control operation ${req.method} /_control${p}` });
  } catch (err) {
    const message = err instanceof z.ZodError ? z.prettifyError(err) : err instanceof Error ? err.message : String(err);
    return json(400, { error: message });
  }
}
