/**
 * The approver's side in the background (issue 15): which approver reads ride in a refresh, what their answers leave
 * in `session:approvals`, and the decision command (`pim.decide`).
 *
 * Decisions are privileged writes. They start only from the popup (an extension page; lib/messaging.ts checks the
 * sender), name approval ids only, and the background decides from its own state: the approval must be in the list it
 * read itself for the signed-in account, still inside its window, with the step it read; the justification is the one
 * typed in the popup. A decision is not journaled like an activation: PIM answers a repeated PATCH with 409, so a lost
 * answer is found out by the next read instead of being resent.
 */
import { createUpdater } from './update';
import { t } from '../i18n';
import type { CommandResult, Handlers } from '../messaging';
import {
  APPROVER_QUIET_MS,
  leftNotes,
  shouldReadApprovers,
  waitingApprovals,
  type Approval,
  type ApprovalsState,
} from '../pim/approvals';
import { APPROVER_READS, completeApprovalDetails, decideGroupApproval, readApproverAnswers } from '../graph/approvals';
import { decideRoleApprovalStep } from '../graph/beta';
import type { BatchItemResponse, BatchRequestItem, GraphClient } from '../graph/client';
import { GraphRequestError } from '../graph/errors';
import type { AuthState, Connection, ValidatedItem } from '../storage';
import type { ActivityLog } from './activity';

export interface ApprovalsDeps {
  now: () => Date;
  items: {
    approvals: ValidatedItem<ApprovalsState | null>;
    authState: Pick<ValidatedItem<AuthState>, 'get'>;
    connection: Pick<ValidatedItem<Connection | null>, 'get'>;
  };
  graphFor: (connection: Connection) => GraphClient;
  activity: ActivityLog;
  /** A forced refresh (after decisions: the list and the requester's new state). */
  refresh: () => Promise<unknown>;
}

export interface Approvals {
  /** The reads this refresh adds to its `$batch`: the approver lists, unless the user is in a quiet period. */
  reads(principalId: string, now: Date): Promise<readonly BatchRequestItem[]>;
  /** For lib/graph/reads.ts `extraReads`: this refresh's approver reads and what to do with their answers. */
  refreshReads(
    principalId: string,
    now: Date,
    graph: GraphClient,
  ): Promise<{
    items: readonly BatchRequestItem[];
    settle(answers: ReadonlyMap<string, BatchItemResponse>): Promise<void>;
  }>;
  /** Stores what the approver answers of a refresh said (and the details of requests seen for the first time). */
  settle(args: {
    graph: GraphClient;
    principalId: string;
    answers: ReadonlyMap<string, BatchItemResponse>;
    now: Date;
  }): Promise<void>;
  /** Approve or deny, by request ids (the popup's buttons through `pim.decide`, an approval notice's buttons). */
  decide(ids: readonly string[], decision: Decision, justification: string | null): Promise<CommandResult[]>;
  handlers: Required<Pick<Handlers, 'pim.decide'>>;
}

type Decision = 'Approve' | 'Deny';

/** A decision's result; `ifStillWaiting` replaces it when the refresh after it still lists the request. */
interface Outcome {
  result: CommandResult;
  ifStillWaiting?: CommandResult;
}

function result(
  key: string,
  kind: CommandResult['kind'],
  text: string,
  extra: Partial<CommandResult> = {},
): CommandResult {
  return { key, kind, text, status: null, field: null, requestId: null, ...extra };
}

const requesterName = (a: Approval) => a.requester.displayName ?? a.requester.upn ?? a.requester.id;

export function createApprovals(deps: ApprovalsDeps): Approvals {
  const { items } = deps;
  const running = new Map<string, Promise<Outcome>>();
  // One write at a time: decisions (several at once in a multi-select) and a refresh's settle both change the list.
  const update = createUpdater(items.approvals);
  // Requests decided (or found decided) in this worker's life: a refresh that read the list before the PATCH does not
  // bring them back.
  const decided = new Set<string>();

  async function reads(principalId: string, now: Date): Promise<readonly BatchRequestItem[]> {
    return shouldReadApprovers(await items.approvals.get(), principalId, now.getTime()) ? APPROVER_READS : [];
  }

  async function settle(args: Parameters<Approvals['settle']>[0]): Promise<void> {
    const { graph, principalId, answers, now } = args;
    if (!APPROVER_READS.some((r) => answers.has(r.id))) return;
    const stored = await items.approvals.get();
    const previous = stored?.principalId === principalId ? stored : null;
    const read = readApproverAnswers(answers, previous, now);
    const quiet = new Date(now.getTime() + APPROVER_QUIET_MS).toISOString();
    if (!read.ok) {
      const kept = (previous?.items ?? []).filter((a) => !decided.has(a.id));
      await update(() => ({
        principalId,
        fetchedAt: previous?.fetchedAt ?? null,
        items: kept,
        error: t('approvalsReadError', read.error),
        // Refused or broken for someone with nothing waiting: no reason to ask at every refresh either.
        quietUntil: kept.length === 0 ? quiet : null,
        left: previous?.left ?? [],
      }));
      return;
    }
    let list = read.items;
    try {
      list = (await completeApprovalDetails(graph, list, now)).items;
    } catch (e) {
      console.warn(`PIM Companion: reading approval details failed (${String(e)}).`);
    }
    list = list.filter((a) => !decided.has(a.id));
    await update(() => ({
      principalId,
      fetchedAt: now.toISOString(),
      items: list,
      error: null,
      quietUntil: list.length === 0 ? quiet : null,
      // A request decided here left the list because of us: no "no longer waiting" note for it.
      left: leftNotes(
        previous && { ...previous, items: previous.items.filter((a) => !decided.has(a.id)) },
        list,
        now.getTime(),
      ),
    }));
  }

  async function forget(principalId: string, id: string): Promise<void> {
    decided.add(id);
    await update((state) =>
      state?.principalId === principalId ? { ...state, items: state.items.filter((a) => a.id !== id) } : state,
    );
  }

  async function decideOne(
    graph: GraphClient,
    principalId: string,
    a: Approval,
    decision: Decision,
    justification: string,
  ): Promise<Outcome> {
    const name = a.targetName;
    const who = requesterName(a);
    const record = (outcome: string, text: string) =>
      deps.activity.record({
        action: decision === 'Approve' ? 'approve' : 'deny',
        key: `approval:${a.kind}:${a.id}`,
        displayName: `${name} · ${who}`,
        justification: justification || null,
        durationMinutes: a.durationMinutes,
        outcome,
        text,
        requestId: a.id,
      });
    const body = { reviewResult: decision, justification };
    try {
      if (a.kind === 'role') await decideRoleApprovalStep(graph, a.approvalId, a.stepId!, body);
      else await decideGroupApproval(graph, a.id, a.stepId!, body);
    } catch (e) {
      if (!(e instanceof GraphRequestError)) throw e;
      const detail = `HTTP ${e.status}${e.code ? ` ${e.code}` : ''}`;
      let r: Outcome;
      if (e.status === 409) r = { result: result(a.id, 'state', t('approvalAlreadyDecided', who, name)) };
      else if (e.status === 403) r = { result: result(a.id, 'fatal', t('approvalNotApprover', name)) };
      // Gone (expired, withdrawn), or refused for another reason (a reason PIM wanted): the refresh tells which.
      else if (e.status === 404 || e.status === 400)
        r = {
          result: result(a.id, 'state', t('approvalGone', who, name)),
          ifStillWaiting: result(a.id, 'fatal', t('approvalFailed', who, name, `${detail}: ${e.message}`)),
        };
      else
        r = {
          result: result(
            a.id,
            e.status === 0 || e.status >= 500 ? 'retry' : 'fatal',
            t('approvalFailed', who, name, detail),
          ),
        };
      await record(e.code || `HTTP ${e.status}`, r.result.text);
      if (e.status === 409) await forget(principalId, a.id);
      return r;
    }
    const text = decision === 'Approve' ? t('approvalApproved', name, who) : t('approvalDenied', name, who);
    await record(decision === 'Approve' ? 'Approved' : 'Denied', text);
    await forget(principalId, a.id);
    return {
      result: result(a.id, 'ok', text, { status: decision === 'Approve' ? 'Approved' : 'Denied', requestId: a.id }),
    };
  }

  async function decide(
    ids: readonly string[],
    decision: Decision,
    justification: string | null,
  ): Promise<CommandResult[]> {
    const [auth, connection, state] = await Promise.all([
      items.authState.get(),
      items.connection.get(),
      items.approvals.get(),
    ]);
    const unique = [...new Set(ids)];
    if (auth.status !== 'signed-in' || !auth.account || !connection)
      return unique.map((id) => result(id, 'auth', t('cmdNotSignedIn')));
    const principalId = auth.account.oid;
    const waiting = waitingApprovals(state, principalId, deps.now().getTime());
    const reason = (justification ?? '').trim();
    const graph = deps.graphFor(connection);
    let sent = 0;
    const at = (r: CommandResult): Promise<Outcome> => Promise.resolve({ result: r });
    const list = await Promise.all(
      unique.map((id): Promise<Outcome> => {
        const a = waiting.find((x) => x.id === id);
        if (!a) return at(result(id, 'state', t('approvalNotInList')));
        if (!a.stepId) return at(result(id, 'fatal', t('approvalInPortalWhy', a.detailError ?? '—')));
        if (a.justificationRequired === true && !reason)
          return at(result(id, 'field', t('approvalJustificationMissing', a.targetName), { field: 'justification' }));
        sent++;
        // A second click while the first decision is on its way shares it: never two PATCHes for one request.
        const key = `${principalId}:${id}`;
        let run = running.get(key);
        if (!run) {
          run = decideOne(graph, principalId, a, decision, reason).finally(() => running.delete(key));
          running.set(key, run);
        }
        return run;
      }),
    );
    if (sent > 0 || list.some((o) => o.result.kind === 'state'))
      await deps
        .refresh()
        .catch((e: unknown) => console.warn(`PIM Companion: refresh after a decision failed (${String(e)}).`));
    if (!list.some((o) => o.ifStillWaiting)) return list.map((o) => o.result);
    const after = await items.approvals.get();
    const still = new Set(waitingApprovals(after, principalId, deps.now().getTime()).map((a) => a.id));
    return list.map((o) => (o.ifStillWaiting && still.has(o.result.key) ? o.ifStillWaiting : o.result));
  }

  const handlers: Approvals['handlers'] = {
    'pim.decide': async ({ ids, decision, justification }) => ({ results: await decide(ids, decision, justification) }),
  };

  async function refreshReads(principalId: string, now: Date, graph: GraphClient) {
    return {
      items: await reads(principalId, now),
      // The user's own roles never wait on (or fail with) the approver side.
      settle: (answers: ReadonlyMap<string, BatchItemResponse>) =>
        settle({ graph, principalId, answers, now }).catch((e: unknown) =>
          console.warn(`PIM Companion: storing approvals failed (${String(e)}).`),
        ),
    };
  }

  return { reads, refreshReads, settle, decide, handlers };
}
