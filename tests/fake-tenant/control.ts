/**
 * The control API: what a test (or the demo) may do to the tenant behind the browser's back. The same operations
 * exist in-process (ControlClient) and over HTTP under /_control/ on 127.0.0.1.
 */
import { z } from 'zod';
import type { TenantContext } from './context.ts';
import type { FaultSpec } from './faults.ts';
import type { Incoming, Reply } from './http.ts';
import { empty, json } from './http.ts';
import type { LogEntry } from './log.ts';
import type { Scenario } from './scenario.ts';
import { parseScenario } from './scenario.ts';
import * as shape from './graph/shapes.ts';
import { decide, isCurrent } from './store.ts';

export interface TenantState {
  now: string;
  scenario: string;
  tenant: { id: string; domain: string; displayName: string };
  accounts: { id: string; userPrincipalName: string; displayName: string }[];
  eligibilities: Record<string, unknown>[];
  activeAssignments: Record<string, unknown>[];
  requests: Record<string, unknown>[];
  sessions: number;
  pendingFaults: number;
}

export interface ControlClient {
  loadScenario(scenario: Scenario | string): Promise<void>;
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

export function createControl(ctx: TenantContext): ControlClient {
  const decision = async (id: string, approve: boolean) => {
    ctx.store.settle();
    const r = decide(ctx.store, id, approve);
    if (typeof r === 'string') throw new Error(r);
    return shape.request(r) as Record<string, unknown>;
  };
  return {
    async loadScenario(scenario) {
      ctx.load(parseScenario(scenario));
    },
    async now() {
      return ctx.clock.iso();
    },
    async advance(ms) {
      ctx.clock.advance(ms);
      ctx.store.settle();
      return ctx.clock.iso();
    },
    async setClock(iso) {
      const t = Date.parse(iso);
      if (Number.isNaN(t)) throw new Error(`Not an ISO time: ${iso}`);
      ctx.clock.set(new Date(t));
      ctx.store.settle();
      return ctx.clock.iso();
    },
    async addFault(fault) {
      ctx.faults.add(fault);
    },
    async log() {
      return ctx.log.list();
    },
    async clearLog() {
      ctx.log.clear();
    },
    async directoryReads() {
      return ctx.log.directoryReads();
    },
    approve: (id) => decision(id, true),
    deny: (id) => decision(id, false),
    async endSessions() {
      ctx.idp.sessions.clear();
    },
    async revokeSignIns(upnOrId) {
      const account = ctx.scenario.accounts.find(
        (a) => a.id === upnOrId || a.userPrincipalName.toLowerCase() === upnOrId.toLowerCase(),
      );
      if (!account) throw new Error(`No account ${upnOrId}`);
      for (const grant of ctx.idp.refreshTokens.values())
        if (grant.accountId === account.id) grant.revokedAtMs ??= ctx.clock.nowMs();
      for (const [id, session] of ctx.idp.sessions) if (session.accountId === account.id) ctx.idp.sessions.delete(id);
    },
    async state() {
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
export async function handleControl(control: ControlClient, req: Incoming): Promise<Reply> {
  const p = req.path.replace(/^\/_control/, '').replace(/\/+$/, '');
  const body = (): unknown => (req.body ? JSON.parse(req.body) : {});
  try {
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
