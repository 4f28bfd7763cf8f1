/**
 * The background's answers to pim.* commands: activate (one click or with the form's input), bundles, deactivate,
 * cancel, extend, request an eligibility extension, and the step-up round trip. Everything is
 * checked against the background's own snapshot (the sender names keys only) and the role's policy before a request
 * leaves; every privileged write goes through `send` (journal, one in-flight request per action + key, activity).
 * The per-assignment work lives in ./activation.ts; this file is the message surface and the portal badge's commands.
 */
import {
  MessagingError,
  type ActivationInput,
  type CommandResult,
  type Handlers,
  type PortalCommandResult,
} from '../messaging';
import type { PortalIntent } from '../storage';
// Imported as `translate`: `t` is a local name (a target) further down.
import { t as translate } from '../i18n';
import { actionDone, actionVerb, describeError, describeOutcome } from '../pim/errors';
import { planBundle } from '../pim/bundles';
import {
  canDeactivate,
  cancelRequest,
  deactivate,
  requestOutcome,
  roleSelfExtendEligibility,
  targetOf,
  type GraphRequest,
} from '../pim/requests';
import type { Assignment } from '../pim/model';
import { justificationText, validateJustification } from '../pim/templates';
import {
  createActivation,
  current,
  result,
  sentence,
  type ActivationDeps,
  type Env,
  type InternalResult,
} from './activation';
import type { Reconciler } from './reconcile';

/**
 * The commands run for the user's click in an extension-owned surface other than the popup (a notification's buttons).
 */
export interface PortalCommands {
  activate(key: string): Promise<PortalCommandResult>;
  deactivate(key: string): Promise<PortalCommandResult>;
  extend(key: string): Promise<PortalCommandResult>;
}

export type { ActivationDeps as CommandDeps } from './activation';

export interface CommandExtras {
  /** Opens the toolbar popup (browser.action.openPopup); false where the browser does not allow it. */
  openPopup: () => Promise<boolean>;
  /** Asks the user in the popup (session:portalIntent); sends nothing. Absent: the offer is reported as a failure. */
  confirm?: (intent: Omit<PortalIntent, 'at' | 'accountId'>) => Promise<void>;
}

type CommandHandlers = Required<
  Pick<
    Handlers,
    | 'pim.activate'
    | 'pim.activateBundle'
    | 'pim.deactivate'
    | 'pim.cancel'
    | 'pim.extend'
    | 'pim.requestExtension'
    | 'auth.stepUpDone'
  >
>;

export interface Commands {
  handlers: CommandHandlers;
  /** For the scheduler's notification buttons, and the badge's Deactivate (lib/background/portal-commands.ts). */
  portal: PortalCommands;
  /** Resolves writes an earlier worker left unanswered (lib/background/reconcile.ts); run at every worker start. */
  reconcile(): ReturnType<Reconciler['run']>;
}

/** Eligibility extensions are offered when the eligibility ends within this (reference §1.4 selfExtend). */
export const EXTENSION_WINDOW_MS = 14 * 24 * 3_600_000;
/** How far a requested eligibility extension reaches; admins may shorten it when they approve. */
const EXTENSION_LENGTH_MS = 365 * 24 * 3_600_000;

const strip = ({ state: _state, ...r }: InternalResult): CommandResult => r;
const results = (list: InternalResult[]) => ({ results: list.map(strip) });

export function createCommands(deps: ActivationDeps & CommandExtras): Commands {
  const engine = createActivation(deps);
  const { load, send, once, signedOut, activity } = engine;

  /** One forced refresh after a batch of commands that made requests (the refresher shares one in flight). */
  function settle(env: Env): void {
    if (env.made.count > 0) {
      deps
        .refresh()
        .catch((e: unknown) => console.warn(`PIM Companion: refresh after a command failed (${String(e)}).`));
    }
  }

  async function activateKeys(keys: readonly string[], input: ActivationInput | null): Promise<InternalResult[]> {
    const env = await load();
    if (!env) return signedOut(keys);
    const unique = [...new Set(keys)];
    await engine.ensurePolicies(env, unique);
    const list = await Promise.all(
      unique.map((key) => once(`activate:${key}`, () => engine.activateOne(env, key, input, {}))),
    );
    settle(env);
    return list;
  }

  async function extendKey(key: string, durationMinutes: number | null, renew = false): Promise<InternalResult> {
    const env = await load();
    if (!env) return signedOut([key])[0]!;
    await engine.ensurePolicies(env, [key]);
    const r = await once(`extend:${key}`, () => engine.extendOne(env, key, durationMinutes, {}, renew));
    settle(env);
    return r;
  }

  /**
   * A privileged write other than activate/extend (./activation.ts): what to send and how to say its answer. `plan`
   * (below) builds it from the background's own snapshot, or stops with a result when nothing should be sent.
   */
  interface SimpleWrite {
    action: 'deactivate' | 'cancel' | 'requestExtension';
    displayName: string;
    /** What the activity log keeps as the reason. */
    justification: string | null;
    request: GraphRequest;
    /** How PIM's refusal is worded (describeError's context). */
    describeAs: { action: 'deactivate' | 'cancel' | 'extend'; kind: Assignment['kind'] };
    /** The request a refusal refers to (a cancel's pending request), for the log and the row. */
    refusedRequestId?: string;
    /** PIM took it: the status to log, the sentence, and the result the row shows. */
    accepted(answer: { status: string | null; requestId: string | null }): { outcome: string; result: InternalResult };
  }

  /**
   * The command skeleton, once: load the background's own view, let `plan` check it (a result ends the command with
   * nothing sent), one write in flight per action and key, the write through the journal (`send`), its answer in
   * words and in the activity log, then one refresh.
   */
  async function runWrite(key: string, plan: (env: Env) => SimpleWrite | InternalResult): Promise<InternalResult> {
    const env = await load();
    if (!env) return signedOut([key])[0]!;
    const w = plan(env);
    if (!('request' in w)) return w;
    const r = await once(`${w.action}:${key}`, async () => {
      const answer = await send(env, { key, action: w.action, request: w.request });
      let outcome: string;
      let shown: InternalResult;
      let requestId: string | null;
      if (answer.ok) {
        ({ outcome, result: shown } = w.accepted(answer));
        requestId = shown.requestId;
      } else {
        const d = describeError(answer.error, { displayName: w.displayName, ...w.describeAs }, translate);
        outcome = answer.error.code || `HTTP ${answer.error.status}`;
        requestId = w.refusedRequestId ?? null;
        shown = result(key, d.kind, sentence(d), { field: d.field, state: d.state, requestId });
      }
      await activity.record({
        action: w.action,
        key,
        displayName: w.displayName,
        justification: w.justification,
        durationMinutes: null,
        outcome,
        text: shown.text,
        requestId,
      });
      return shown;
    });
    settle(env);
    return r;
  }

  function deactivateKey(key: string): Promise<InternalResult> {
    return runWrite(key, (env) => {
      const active = env.snapshot.assignments.find((a) => a.key === key && a.state === 'active' && current(a, env.now));
      const name = active?.displayName ?? key;
      if (!active)
        return result(key, 'state', translate('cmdNotActive', name, actionVerb('deactivate', translate)), {
          state: 'not-active',
        });
      const can = canDeactivate(active, env.now);
      if (!can.ok) {
        if (can.reason === 'too-soon') {
          const time = engine.moment(new Date(can.availableAt!), env.now);
          return result(key, 'state', translate('cmdDeactivateTooSoon', name, time), { state: 'too-soon' });
        }
        return result(
          key,
          'fatal',
          translate(can.reason === 'via-group' ? 'cmdDeactivateViaGroup' : 'cmdDeactivateNotActivated', name),
        );
      }
      return {
        action: 'deactivate',
        displayName: name,
        justification: null,
        request: deactivate(active, env.account.oid),
        describeAs: { action: 'deactivate', kind: active.kind },
        accepted: (answer) => {
          const status = answer.status ?? 'Revoked';
          const text = describeOutcome(requestOutcome(status), { displayName: name }, translate);
          return { outcome: status, result: result(key, 'ok', text, { status, requestId: answer.requestId }) };
        },
      };
    });
  }

  function cancelKey(key: string): Promise<InternalResult> {
    return runWrite(key, (env) => {
      const pending = env.snapshot.assignments.find((a) => a.key === key && a.state === 'pending');
      if (!pending) return result(key, 'state', translate('cmdNoPending', key), { state: 'changed' });
      const name = pending.displayName;
      return {
        action: 'cancel',
        displayName: name,
        justification: pending.justification,
        request: cancelRequest(pending.kind, pending.id),
        describeAs: { action: 'cancel', kind: pending.kind },
        refusedRequestId: pending.id,
        accepted: () => ({
          outcome: 'Canceled',
          result: result(key, 'ok', describeOutcome('canceled', { displayName: name }, translate), {
            status: 'Canceled',
            requestId: pending.id,
          }),
        }),
      };
    });
  }

  function requestExtension(key: string, justification: string): Promise<InternalResult> {
    return runWrite(key, (env) => {
      const eligible = env.snapshot.assignments.find((a) => a.key === key && a.state === 'eligible');
      if (!eligible) return result(key, 'fatal', translate('cmdNotInList', key));
      const name = eligible.displayName;
      if (eligible.kind === 'group') return result(key, 'fatal', translate('cmdExtensionGroup', name));
      const end = eligible.endDateTime ? Date.parse(eligible.endDateTime) : Number.NaN;
      if (Number.isNaN(end) || end - env.now.getTime() > EXTENSION_WINDOW_MS)
        return result(key, 'state', translate('cmdExtensionNotEnding', name));
      const problem = validateJustification(justification).errors[0];
      if (problem) return result(key, 'field', justificationText(problem, translate), { field: 'justification' });
      const t = targetOf(eligible, env.account.oid);
      if (t.kind !== 'role') return result(key, 'fatal', translate('cmdExtensionGroup', name));
      return {
        action: 'requestExtension',
        displayName: name,
        justification: justification.trim(),
        request: roleSelfExtendEligibility(t.target, {
          justification,
          until: new Date(env.now.getTime() + EXTENSION_LENGTH_MS),
          now: env.now,
        }),
        describeAs: { action: 'extend', kind: 'role' },
        accepted: (answer) => {
          const status = answer.status ?? 'PendingAdminDecision';
          const text = translate('cmdExtensionRequested', name);
          return { outcome: status, result: result(key, 'ok', text, { status, requestId: answer.requestId }) };
        },
      };
    });
  }

  const handlers: CommandHandlers = {
    'pim.activate': async ({ keys, input }) => results(await activateKeys(keys, input)),
    'pim.activateBundle': async ({ bundleId }) => {
      const bundle = (await deps.items.bundles.get()).find((b) => b.id === bundleId);
      if (!bundle) throw new MessagingError('unknown-bundle', translate('cmdUnknownBundle'));
      const snapshot = await deps.items.snapshot.get();
      const plan = planBundle(bundle, snapshot?.assignments ?? [], deps.now());
      const toActivate = plan.steps.flatMap((s) => (s.action === 'activate' ? [s.key] : []));
      const input = {
        templateId: bundle.templateId ?? null,
        durationMinutes: bundle.durationMinutes ?? null,
        justification: null,
        ticketNumber: null,
        ticketSystem: null,
        startAt: null,
      };
      const activated = toActivate.length ? await activateKeys(toActivate, input) : [];
      const list = plan.steps.map((s): InternalResult => {
        if (s.action === 'activate') return activated.find((r) => r.key === s.key)!;
        if (s.action === 'missing') return result(s.key, 'fatal', translate('cmdMissingItem', s.key));
        const text = translate(
          s.reason === 'active' ? 'cmdSkippedActive' : 'cmdSkippedPending',
          s.assignment.displayName,
        );
        return result(s.key, 'state', text, { state: s.reason });
      });
      return results(list);
    },
    'pim.deactivate': async ({ key }) => results([await deactivateKey(key)]),
    'pim.cancel': async ({ key }) => results([await cancelKey(key)]),
    'pim.extend': async ({ key, durationMinutes, renew }) => results([await extendKey(key, durationMinutes, renew)]),
    'pim.requestExtension': async ({ key, justification }) => results([await requestExtension(key, justification)]),
    'auth.stepUpDone': async ({ stepUpId, accessToken, error }) => {
      const pending = await deps.stepUps.take(stepUpId);
      if (!pending) throw new MessagingError('unknown-step-up', translate('cmdStepUpGone'));
      if (!accessToken || error) {
        const list = pending.items.map((i) =>
          result(i.key, 'fatal', translate('cmdStepUpCancelled', i.displayName, actionDone(i.action, translate))),
        );
        return { ok: true as const, ...results(list) };
      }
      const env = await load();
      if (!env) return { ok: true as const, ...results(signedOut(pending.items.map((i) => i.key))) };
      deps.stepUps.remember(pending.claims, env.account.oid, accessToken);
      await engine.ensurePolicies(
        env,
        pending.items.map((i) => i.key),
      );
      const opts = { token: accessToken, claims: pending.claims };
      const list = await Promise.all(
        pending.items.map((i) =>
          i.action === 'extend'
            ? once(`extend:${i.key}`, () => engine.extendOne(env, i.key, i.durationMinutes, opts))
            : once(`activate:${i.key}`, () => engine.activateOne(env, i.key, engine.parseStoredInput(i.input), opts)),
        ),
      );
      settle(env);
      return { ok: true as const, ...results(list) };
    },
  };

  /**
   * What a command's "nothing to do" states mean for its goal: the state the user wanted already holds. Anything else
   * (too soon, changed, a renewal offer, an Extend PIM refused) is not success, and is reported as what it is.
   */
  const ALREADY: Record<
    keyof PortalCommands,
    Partial<Record<NonNullable<InternalResult['state']>, PortalCommandResult['outcome']>>
  > = {
    activate: { active: 'done', pending: 'pending-approval' },
    deactivate: { 'not-active': 'done' },
    extend: {},
  };

  /** A command result → what a badge or notification understands; failures become typed errors they show. */
  async function forPortal(
    command: keyof PortalCommands,
    r: InternalResult,
    ifFormNeeded: boolean,
  ): Promise<PortalCommandResult> {
    if (r.kind === 'ok') {
      const outcome = requestOutcome(r.status ?? '');
      if (outcome === 'done' || outcome === 'revoked' || outcome === 'canceled') return { outcome: 'done' };
      if (outcome === 'scheduled' || outcome === 'pending-approval') return { outcome };
      return { outcome: 'in-progress' };
    }
    const already = r.kind === 'state' && r.state ? ALREADY[command][r.state] : undefined;
    if (already) return { outcome: already };
    // A notification's Extend that PIM refused: renewing could leave the user without the role, so they decide there.
    if (r.state === 'renew-offer' && deps.confirm) {
      await deps.confirm({ command: 'renew', key: r.key, portalId: '' });
      return { outcome: 'confirm-opened' };
    }
    if (r.kind === 'stepUp') return { outcome: 'in-progress' };
    if (r.kind === 'field' && ifFormNeeded) {
      const opened = await deps.openPopup().catch(() => false);
      if (opened) return { outcome: 'form-opened' };
      throw new MessagingError('form-needed', translate('cmdFormNeeded', r.text));
    }
    throw new MessagingError(r.kind, r.text);
  }

  const portal: PortalCommands = {
    activate: async (key) => forPortal('activate', (await activateKeys([key], null))[0]!, true),
    deactivate: async (key) => forPortal('deactivate', await deactivateKey(key), false),
    extend: async (key) => forPortal('extend', await extendKey(key, null), true),
  };

  return { handlers, portal, reconcile: () => engine.reconciler.run() };
}
