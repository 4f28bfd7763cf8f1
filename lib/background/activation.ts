/**
 * The per-assignment work behind the commands: the one write path (journal → POST → answer → journal cleared), one
 * in-flight request per action + key, and activation / extension with policy checks, remembered choices, step-up
 * and the outcome sentence. Dependencies come in as arguments so tests drive it with fakes.
 */
import type { GraphClient } from '../graph/client';
import type { ArmClient } from '../arm/client';
import { readAzurePolicies } from '../arm/policies';
import { z } from 'zod';
import { GraphRequestError, type GraphError } from '../graph/errors';
import { fetchPolicies } from '../graph/policies';
import { stepUpClaims } from '../auth/claims';
import { SignInRequiredError } from '../auth/errors';
import { FORM_RULES, learnable, learnFromRefusal } from './policy-learning';
import { ActivationInput, type CommandResult } from '../messaging';
import { t, type MessageKey } from '../i18n';
import { actionVerb, describeError, describeOutcome, type ErrorDescription, type StepUpNeed } from '../pim/errors';
import type { Assignment, Snapshot } from '../pim/model';
import { ownSnapshot } from '../pim/snapshot';
import {
  activate,
  canDeactivate,
  deactivate,
  extendActivation,
  requestOutcome,
  ScheduleRequestResponse,
  type GraphRequest,
} from '../pim/requests';
import type { Template } from '../pim/templates';
import type { Account, AuthState, JournalEntry, Connection, PolicyEntry, Remembered, ValidatedItem } from '../storage';
import type { Bundle } from '../pim/bundles';
import { resolveActivation } from './activation-input';
import { formatMinutes } from '../pim/duration';
import type { ActivityLog } from './activity';
import { formatMoment, type TimeFormat } from '../pim/time';
import type { Journal } from './journal';
import type { PolicyStore } from './policy-store';
import type { StepUps } from './stepup';
import { createUpdater } from './update';
import { createReconciler, type Reconciler } from './reconcile';

/** An ARM request's answer (the PutRoleAssignmentScheduleRequest example's 201): what tells us what happened. */
const ArmRequestResponse = z.looseObject({
  id: z.string(),
  properties: z.looseObject({ status: z.string() }),
});

export interface ActivationDeps {
  now: () => Date;
  /** A Graph client for the connection; with `token`, every call carries that token (a step-up token) instead. */
  graph: (connection: Connection, token?: string) => GraphClient;
  /** The ARM client for Azure resource roles (lib/background/azure.ts); absent: Azure writes are refused. */
  arm?: (connection: Connection, claims?: string) => ArmClient;
  items: {
    connection: Pick<ValidatedItem<Connection | null>, 'get'>;
    authState: Pick<ValidatedItem<AuthState>, 'get'>;
    snapshot: Pick<ValidatedItem<Snapshot | null>, 'get'>;
    remembered: Pick<ValidatedItem<Record<string, Remembered>>, 'get' | 'set'>;
    templates: Pick<ValidatedItem<Template[]>, 'get'>;
    bundles: Pick<ValidatedItem<Bundle[]>, 'get'>;
  };
  policies: PolicyStore;
  journal: Journal;
  activity: ActivityLog;
  stepUps: StepUps;
  /** A forced snapshot refresh (the refresher: single-flight). */
  refresh: () => Promise<unknown>;
  /** BCP 47 locale for {date} and "starts 14:00" (browser.i18n.getUILanguage()). */
  locale: string;
  timeZone?: string;
  /** Tells the user at once when something left them worse off than they asked (a renewal that lost the role). */
  notify?: (n: { key: string; title: string; message: string }) => void;
}

/** What one command works with: read once, so every key of a batch sees the same snapshot and policies. */
export interface Env {
  connection: Connection;
  account: Account;
  snapshot: Snapshot;
  now: Date;
  policies: Record<string, PolicyEntry>;
  remembered: Record<string, Remembered>;
  templates: Template[];
  /** Requests sent on behalf of this command (a refresh follows when > 0). */
  made: { count: number };
}

/** A CommandResult plus, for the portal badge, which state a `state` result stands for (stripped before replying). */
export type InternalResult = CommandResult & {
  state?: ErrorDescription['state'] | 'active' | 'pending' | 'not-extended' | 'renew-offer';
};

/** What a write got back: PIM's status and request id, or Graph's error. */
export type Answer = { ok: true; status: string | null; requestId: string | null } | { ok: false; error: GraphError };
/** A token to send with (a step-up token) and the claims it was acquired for. */
export interface TokenChoice {
  token?: string;
  claims?: string;
}

export function result(
  key: string,
  kind: CommandResult['kind'],
  text: string,
  extra: {
    status?: string | null;
    field?: CommandResult['field'] | undefined;
    requestId?: string | null;
    state?: InternalResult['state'];
    next?: CommandResult['next'];
  } = {},
): InternalResult {
  return {
    key,
    kind,
    status: extra.status ?? null,
    text,
    field: extra.field ?? null,
    requestId: extra.requestId ?? null,
    ...(extra.state ? { state: extra.state } : {}),
    ...(extra.next ? { next: extra.next } : {}),
  };
}

export const sentence = (d: ErrorDescription) => (d.next ? `${d.text} ${d.next}` : d.text);

/** A snapshot entry whose end has passed is stale: it no longer holds. */
export const current = (a: Assignment, now: Date) =>
  a.endDateTime === null || Date.parse(a.endDateTime) > now.getTime();

const claimsOf = (need: StepUpNeed) =>
  typeof need === 'object' && 'claims' in need ? need.claims : stepUpClaims(need);

/**
 * A privileged write for `send`: which key and action it is (journal, activity), the request, an optional step-up
 * token.
 */
export interface Write {
  key: string;
  action: JournalEntry['action'];
  request: GraphRequest;
  token?: string;
  /** The claims `token` was acquired for: an Azure write asks ARM's token with them instead. */
  claims?: string;
}

/** The per-assignment work behind lib/background/commands.ts (createActivation). */
export interface Activation {
  /** The command's Env (connection, account, own snapshot, policies, memory), or null when signed out. */
  load(): Promise<Env | null>;
  /** The one write path: journal, POST, answer (a lost answer is asked of Graph, never resent). */
  send(env: Env, write: Write): Promise<Answer>;
  /** Concurrent identical commands (`<action>:<key>`) share one run. */
  once(id: string, run: () => Promise<InternalResult>): Promise<InternalResult>;
  /** An `auth` result per key: nobody is signed in. */
  signedOut(keys: readonly string[]): InternalResult[];
  activity: ActivityLog;
  /** A moment in a command's sentence, by the rule every context uses (lib/pim/time.ts formatMoment). */
  moment(at: Date, now: Date): string;
  /** Reads the policies of `keys` not cached (or stale) into env and the store; a failure leaves what is there. */
  ensurePolicies(env: Env, keys: readonly string[]): Promise<void>;
  /** `input` null: one click (remembered input over the policy); else the form's input. */
  activateOne(env: Env, key: string, input: ActivationInput | null, choice: TokenChoice): Promise<InternalResult>;
  /** `renew`: the user confirmed renewing after PIM refused the extension. */
  extendOne(
    env: Env,
    key: string,
    durationMinutes: number | null,
    choice: TokenChoice,
    renew?: boolean,
  ): Promise<InternalResult>;
  /** A step-up's stored form input, or null when there was none or it no longer parses. */
  parseStoredInput(raw: Record<string, unknown> | null): ActivationInput | null;
  reconciler: Reconciler;
}

export function createActivation(deps: ActivationDeps): Activation {
  const inFlight = new Map<string, Promise<InternalResult>>();
  const updateRemembered = createUpdater(deps.items.remembered);
  const activity = deps.activity;
  const format: TimeFormat = {
    locale: deps.locale,
    ...(deps.timeZone === undefined ? {} : { timeZone: deps.timeZone }),
  };
  /** A moment in a command's sentence, by the rule every context uses: "14:00" today, "3 Dec, 14:00" another day. */
  const moment = (at: Date, now: Date) => formatMoment(at.getTime(), now.getTime(), format);
  const reconciler = createReconciler({
    journal: deps.journal,
    activity,
    now: deps.now,
    refresh: deps.refresh,
    context: async () => {
      const [connection, auth] = await Promise.all([deps.items.connection.get(), deps.items.authState.get()]);
      return connection && auth.status !== 'signed-out' && auth.account
        ? { graph: deps.graph(connection), ...(deps.arm ? { arm: deps.arm(connection) } : {}) }
        : null;
    },
  });

  /** Concurrent identical commands (same action + key) share one run, so never two POSTs. */
  function once(id: string, run: () => Promise<InternalResult>): Promise<InternalResult> {
    let p = inFlight.get(id);
    if (!p) {
      p = run().finally(() => inFlight.delete(id));
      inFlight.set(id, p);
    }
    return p;
  }

  async function load(): Promise<Env | null> {
    const i = deps.items;
    const [connection, auth, snapshot, policies, remembered, templates] = await Promise.all([
      i.connection.get(),
      i.authState.get(),
      i.snapshot.get(),
      deps.policies.get(),
      i.remembered.get(),
      i.templates.get(),
    ]);
    if (!connection || auth.status === 'signed-out' || !auth.account) return null;
    const mine = ownSnapshot(snapshot, auth);
    const now = deps.now();
    return {
      connection,
      account: auth.account,
      now,
      policies,
      remembered,
      templates,
      made: { count: 0 },
      snapshot: mine ?? { fetchedAt: now.toISOString(), principalId: auth.account.oid, assignments: [], sections: {} },
    };
  }

  const signedOut = (keys: readonly string[]) => keys.map((key) => result(key, 'auth', t('cmdNotSignedIn')));

  /**
   * The one write path: an earlier life's unresolved write for this key is reconciled first (never resent); then the
   * journal entry, the POST, and the entry cleared once Graph answered. When the answer is lost (no response, 504) the
   * outcome is asked of Graph at once; if even that fails the entry stays for the next reconciliation.
   */
  async function send(env: Env, w: Write): Promise<Answer> {
    const earlier = await reconciler.before(w.key, w.action);
    if (earlier?.outcome === 'landed') return { ok: true, status: earlier.status, requestId: earlier.requestId };
    const displayName = env.snapshot.assignments.find((a) => a.key === w.key)?.displayName ?? w.key;
    if (earlier?.outcome === 'unknown')
      return { ok: false, error: { status: 0, code: 'NetworkError', message: t('reconcileUnknown', displayName) } };
    const body =
      w.request.body && typeof w.request.body === 'object' ? (w.request.body as Record<string, unknown>) : null;
    const entry = { key: w.key, action: w.action, displayName, request: { path: w.request.path, body } };
    const requestKey = await deps.journal.begin(entry);
    env.made.count++;
    let keep = false;
    try {
      if (w.request.api === 'arm') {
        if (!deps.arm) throw new Error(t('cmdAzureOff'));
        const arm = deps.arm(env.connection, w.token ? w.claims : undefined);
        const answer =
          w.request.method === 'PUT'
            ? await arm.put(w.request.path, w.request.body)
            : await arm.post(w.request.path, w.request.body);
        const parsed = ArmRequestResponse.safeParse(answer);
        // Cancel answers 200 with no body: it was canceled.
        return parsed.success
          ? { ok: true, status: parsed.data.properties.status, requestId: parsed.data.id }
          : { ok: true, status: w.action === 'cancel' ? 'Canceled' : null, requestId: null };
      }
      const answer = await deps.graph(env.connection, w.token).post(w.request.path, w.request.body);
      const parsed = ScheduleRequestResponse.safeParse(answer);
      return {
        ok: true,
        status: parsed.success ? parsed.data.status : null,
        requestId: parsed.success ? parsed.data.id : null,
      };
    } catch (e) {
      if (e instanceof GraphRequestError) {
        if (e.status !== 0 && e.status !== 504) return { ok: false, error: e.error };
        // The request may have reached PIM with its answer lost: ask, never resend.
        const v = await reconciler.check({ ...entry, requestKey, at: env.now.toISOString() });
        if (v.outcome === 'landed') return { ok: true, status: v.status, requestId: v.requestId };
        if (v.outcome === 'unknown') {
          keep = true;
          deps.journal.keep(requestKey);
          return { ok: false, error: { ...e.error, message: t('reconcileUnknown', displayName) } };
        }
        return { ok: false, error: e.error };
      }
      // Token failures (sign-in needed) and the like: no answer from Graph, described as a 401 / unknown.
      const code = (e as { code?: unknown })?.code;
      const signIn = e instanceof SignInRequiredError;
      return {
        ok: false,
        error: {
          status: signIn ? 401 : 0,
          code: typeof code === 'string' && !signIn ? code : '',
          message: e instanceof Error ? e.message : String(e),
        },
      };
    } finally {
      if (!keep) await deps.journal.end(requestKey);
    }
  }

  /**
   * Read the policies of `keys` that are not cached (or stale) into env and the store; failures leave what is there.
   */
  async function ensurePolicies(env: Env, keys: readonly string[]): Promise<void> {
    const wanted = env.snapshot.assignments.filter((a) => a.state === 'eligible' && keys.includes(a.key));
    try {
      const { updates } = await fetchPolicies({
        graph: deps.graph(env.connection),
        assignments: wanted,
        cache: env.policies,
        now: env.now,
      });
      const azure = deps.arm
        ? await readAzurePolicies({
            arm: deps.arm(env.connection),
            assignments: wanted,
            cache: env.policies,
            now: env.now,
          })
        : { updates: {} };
      const all = { ...updates, ...azure.updates };
      if (Object.keys(all).length === 0) return;
      env.policies = { ...env.policies, ...all };
      await deps.policies.merge(all, env.now);
    } catch (e) {
      console.warn(`PIM Companion: could not read activation policies (${String(e)}); PIM will say what is missing.`);
    }
  }

  function parseStoredInput(raw: Record<string, unknown> | null): ActivationInput | null {
    if (raw === null) return null;
    const parsed = ActivationInput.safeParse(raw);
    return parsed.success ? parsed.data : null;
  }

  async function askStepUp(
    key: string,
    name: string,
    action: 'activate' | 'extend',
    claims: string,
    stored: { input: ActivationInput | null; durationMinutes: number | null },
  ) {
    try {
      await deps.stepUps.request(claims, [
        { key, displayName: name, action, input: stored.input, durationMinutes: stored.durationMinutes },
      ]);
    } catch (e) {
      return result(key, 'fatal', `${t('cmdStepUp', name, actionVerb(action, t))} (${String(e)})`);
    }
    return result(key, 'stepUp', t('cmdStepUp', name, actionVerb(action, t)));
  }

  /** What `request` is asked to do: activate the eligibility, or extend the active assignment `target`. */
  interface Ask {
    key: string;
    action: 'activate' | 'extend';
    target: Assignment;
    input: ActivationInput | null;
    durationMinutes: number | null;
  }
  type Resolved = Extract<ReturnType<typeof resolveActivation>, { ok: true }>;

  /**
   * Activation or extension of `target` (the eligibility, or for extend the active assignment). One read of the
   * policy's needs tells the two paths apart: a step-up the user has not done yet asks for it (nothing is sent);
   * otherwise the write path runs (journal → POST → answer) and its answer is accepted or refused.
   */
  async function request(env: Env, a: Ask, choice: TokenChoice): Promise<InternalResult> {
    const resolved = resolveActivation({
      assignment: a.target,
      action: a.action,
      input: a.input,
      remembered: env.remembered[a.key],
      templates: env.templates,
      policy: env.policies[a.key]?.policy ?? null,
      durationMinutes: a.durationMinutes,
      now: env.now,
      locale: deps.locale,
      timeZone: deps.timeZone,
    });
    if (!resolved.ok)
      return result(a.key, resolved.description.kind, sentence(resolved.description), {
        field: resolved.description.field,
      });

    let { token, claims } = choice;
    if (!token && resolved.rules.stepUp) {
      claims = stepUpClaims(resolved.rules.stepUp);
      token = deps.stepUps.tokenFor(claims, env.account.oid) ?? undefined;
      if (!token) return askStepUp(a.key, a.target.displayName, a.action, claims, a);
    }
    const answer = await write(env, a, resolved, { token, claims });
    return answer.ok ? accepted(env, a, resolved, answer) : refused(env, a, resolved, answer.error, { token, claims });
  }

  /** The write path: the request body from the resolved input, through `send` (journal, POST, answer). */
  function write(env: Env, a: Ask, resolved: Resolved, { token, claims }: TokenChoice): Promise<Answer> {
    const body = {
      justification: resolved.justification,
      durationMinutes: resolved.durationMinutes,
      now: env.now,
      ticket: resolved.ticket,
    };
    const graphRequest =
      a.action === 'extend'
        ? extendActivation(a.target, env.account.oid, { ...body, maxMinutes: resolved.rules.fields.duration.max })
        : activate(a.target, env.account.oid, { ...body, startAt: resolved.startAt });
    return send(env, { key: a.key, action: a.action, request: graphRequest, token, claims });
  }

  function log(a: Ask, resolved: Resolved, outcome: string, text: string, requestId: string | null) {
    return activity.record({
      action: a.action,
      key: a.key,
      displayName: a.target.displayName,
      justification: resolved.justification || null,
      durationMinutes: resolved.durationMinutes,
      outcome,
      text,
      requestId,
    });
  }

  /** PIM took the request: the outcome in words, the activity log, and the choices remembered for next time. */
  async function accepted(
    env: Env,
    a: Ask,
    resolved: Resolved,
    answer: Extract<Answer, { ok: true }>,
  ): Promise<InternalResult> {
    const { key, action, target } = a;
    const name = target.displayName;
    const status = answer.status ?? 'Accepted';
    const outcome = requestOutcome(status);
    const start =
      action === 'extend'
        ? target.endDateTime
          ? new Date(target.endDateTime)
          : env.now
        : (resolved.startAt ?? env.now);
    const text =
      outcome === 'scheduled'
        ? t('cmdScheduled', name, moment(start, env.now))
        : describeOutcome(outcome, { displayName: name }, t);
    await log(a, resolved, status, text, answer.requestId);
    if (outcome === 'failed' || outcome === 'denied')
      return result(key, 'fatal', text, { status, requestId: answer.requestId });
    await updateRemembered((all) => ({ ...all, [key]: resolved.remember })).catch((e: unknown) => {
      console.warn(`PIM Companion: could not remember the choices for ${name} (${String(e)}).`);
    });
    return result(key, 'ok', text, { status, requestId: answer.requestId });
  }

  /**
   * PIM refused: logged; a policy-validation refusal teaches the form what to ask for (when the policy is unreadable);
   * a step-up refusal retries with a token another role already got for the same claims, or asks for one.
   */
  async function refused(
    env: Env,
    a: Ask,
    resolved: Resolved,
    error: GraphError,
    { token, claims }: TokenChoice,
  ): Promise<InternalResult> {
    const { key, action, target } = a;
    const name = target.displayName;
    const policy = env.policies[key]?.policy ?? null;
    const d = describeError(
      error,
      {
        displayName: name,
        action,
        kind: target.kind,
        maxMinutes: resolved.rules.fields.duration.max,
        authContext: policy?.authContext ?? null,
      },
      t,
    );
    await log(a, resolved, error.code || `HTTP ${error.status}`, sentence(d), null);
    if (error.code.toLowerCase() === 'roleassignmentrequestpolicyvalidationfailed') {
      const entry = env.policies[key];
      const failedRules = error.failedRules ?? [];
      if (!learnable(entry)) await deps.policies.invalidate(key);
      else if (failedRules.some((r) => FORM_RULES.has(r))) {
        // No readable policy: learn from this refusal (and one dry run for the maximum) what to ask for next.
        const learned = await learnFromRefusal({
          graph: deps.graph(env.connection, token),
          target,
          principalId: env.account.oid,
          entry,
          failedRules,
          justification: resolved.justification,
          ticket: resolved.ticket,
          now: env.now,
          probeReason: t('learnProbeReason'),
        });
        env.policies = { ...env.policies, [key]: learned };
        await deps.policies.merge({ [key]: learned }, env.now);
        const asked = describeError(
          error,
          { displayName: name, action, kind: target.kind, maxMinutes: learned.policy!.maxMinutes, authContext: null },
          t,
        );
        if (asked.kind === 'field')
          return result(key, asked.kind, sentence(asked), { field: asked.field, state: asked.state });
      }
    }
    if (d.kind === 'stepUp' && d.stepUp) {
      const needed = claimsOf(d.stepUp);
      if (token && claims === needed) return result(key, 'fatal', t('cmdStepUpFailed', name, d.text));
      // Another role already stepped up for these claims: use that token rather than prompting again.
      const known = deps.stepUps.tokenFor(needed, env.account.oid);
      if (known && known !== token) return request(env, a, { token: known, claims: needed });
      return askStepUp(key, name, action, needed, a);
    }
    return result(key, d.kind, sentence(d), { field: d.field, state: d.state });
  }

  async function activateOne(
    env: Env,
    key: string,
    input: ActivationInput | null,
    choice: TokenChoice,
  ): Promise<InternalResult> {
    const all = env.snapshot.assignments.filter((a) => a.key === key);
    const eligible = all.find((a) => a.state === 'eligible');
    const active = all.find((a) => a.state === 'active' && current(a, env.now));
    const pending = all.find((a) => a.state === 'pending');
    const name = (eligible ?? active ?? pending)?.displayName ?? key;
    if (active) return result(key, 'state', t('cmdAlreadyActive', name), { state: 'active' });
    if (pending) return result(key, 'state', t('cmdAlreadyPending', name), { state: 'pending' });
    if (!eligible) return result(key, 'fatal', t('cmdNotInList', name));
    return request(env, { key, action: 'activate', target: eligible, input, durationMinutes: null }, choice);
  }

  /** `renew`: the user confirmed the deactivate-then-activate fallback this offered before (CommandResult.next). */
  async function extendOne(
    env: Env,
    key: string,
    durationMinutes: number | null,
    choice: TokenChoice,
    renew = false,
  ): Promise<InternalResult> {
    const active = env.snapshot.assignments.find((a) => a.key === key && a.state === 'active' && current(a, env.now));
    if (!active) return result(key, 'state', t('cmdNotActive', key, actionVerb('extend', t)), { state: 'not-active' });
    // Confirmed: PIM already refused the extension (that is how the renewal was offered), so it is not asked again.
    const first = renew
      ? null
      : await request(env, { key, action: 'extend', target: active, input: null, durationMinutes }, choice);
    if (first && (first.kind !== 'state' || first.state !== 'active')) return first;
    return renewInPlace(env, key, active, durationMinutes, choice, first?.status ?? null, renew);
  }

  /**
   * PIM refuses a second activation while one is in force (RoleAssignmentExists, reference §7). Its documented
   * self-service workaround: deactivate, then activate again at once. Only when nothing can leave the user without the
   * role: no approval to wait for, past the 5-minute floor, and the new request's inputs already resolved.
   */
  async function renewInPlace(
    env: Env,
    key: string,
    active: Assignment,
    durationMinutes: number | null,
    choice: TokenChoice,
    refusedStatus: string | null,
    confirmed: boolean,
  ): Promise<InternalResult> {
    const eligible = env.snapshot.assignments.find((a) => a.key === key && a.state === 'eligible');
    const policy = env.policies[key]?.policy ?? null;
    // PIM refused and nothing was extended: say so, why, and until when the role still holds (never "Done").
    const notExtended = (reason: MessageKey) => {
      const end = active.endDateTime ? moment(new Date(active.endDateTime), env.now) : '—';
      return result(key, 'fatal', t('cmdExtendNotDone', active.displayName, t(reason), end), {
        status: refusedStatus,
        state: 'not-extended',
      });
    };
    if (!eligible) return notExtended('cmdRenewNoEligibility');
    if (!policy) return notExtended('cmdRenewNoPolicy');
    if (policy.approvalRequired) return notExtended('cmdRenewApproval');
    if (!canDeactivate(active, env.now).ok) return notExtended('cmdRenewTooSoon');
    const ready = resolveActivation({
      assignment: eligible,
      action: 'activate',
      input: null,
      remembered: env.remembered[key],
      templates: env.templates,
      policy,
      durationMinutes,
      now: env.now,
      locale: deps.locale,
      timeZone: deps.timeZone,
    });
    if (!ready.ok) return notExtended('cmdRenewInputs');
    if (ready.rules.stepUp && !choice.token) return notExtended('cmdRenewStepUp');
    // The user is briefly without the role, and would stay so if PIM refused the new request: they decide.
    if (!confirmed) {
      return result(key, 'state', t('cmdRenewOffer', active.displayName, formatMinutes(ready.durationMinutes, t)), {
        status: refusedStatus,
        state: 'renew-offer',
        next: 'renew',
      });
    }
    const off = await send(env, {
      key,
      action: 'deactivate',
      request: deactivate(active, env.account.oid),
      token: choice.token,
      claims: choice.claims,
    });
    if (!off.ok) {
      const d = describeError(
        off.error,
        { displayName: active.displayName, action: 'deactivate', kind: active.kind },
        t,
      );
      return result(key, d.kind, sentence(d), { field: d.field, state: d.state });
    }
    const again = await request(
      env,
      { key, action: 'activate', target: eligible, input: null, durationMinutes },
      choice,
    );
    if (again.kind === 'ok' || again.kind === 'stepUp') return again;
    // Deactivated and not active again: told at once, here and by a notification, with a one-click retry (the same
    // remembered inputs: the eligible row's Activate).
    const text = t('cmdRenewFailed', active.displayName, again.text);
    deps.notify?.({ key, title: t('cmdRenewFailedTitle', active.displayName), message: text });
    return {
      ...again,
      kind: again.kind === 'state' || again.kind === 'field' ? 'fatal' : again.kind,
      text,
      next: 'activate',
    };
  }

  return {
    load,
    send,
    once,
    signedOut,
    activity,
    moment,
    ensurePolicies,
    activateOne,
    extendOne,
    parseStoredInput,
    reconciler,
  };
}
