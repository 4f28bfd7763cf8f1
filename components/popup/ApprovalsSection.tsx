/**
 * "Waiting for your approval" (issue 15): other people's requests the signed-in user approves, each with who asked,
 * for what, when and why, when PIM's 24-hour window ends, a reason field (required when the role's settings say so),
 * Approve and Deny; several can be approved at once with one reason. Props in, events out: the decision goes to the
 * background as `pim.decide` (entrypoints/popup/main.tsx), which checks it against what it read itself.
 */
import { useState } from 'preact/hooks';
import { plural, t } from '../../lib/i18n';
import type { CommandResult } from '../../lib/messaging';
import { approvalExpiresAt, approvalPortalUrl, type Approval, type LeftNote } from '../../lib/pim/approvals';
import { formatMinutes } from '../../lib/pim/duration';
import { formatMoment, parseTime, type TimeFormat } from '../../lib/pim/time';
import { Notice } from './Notice';

export type Decision = 'Approve' | 'Deny';

export interface ApprovalsSectionProps {
  approvals: readonly Approval[];
  /** The last approver read's failure (the list is then the last good one). */
  error: string | null;
  /** Requests that left the list without the user's decision, said once (expired, withdrawn, decided by another). */
  left?: readonly LeftNote[];
  now: number;
  format: TimeFormat;
  onDecide(ids: string[], decision: Decision, justification: string | null): Promise<CommandResult[]>;
}

const JUSTIFICATION_MAX = 500;

export function ApprovalsSection({ approvals, error, left = [], now, format, onDecide }: ApprovalsSectionProps) {
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [results, setResults] = useState<Record<string, CommandResult>>({});
  /** Results of requests that left the list (decided, expired): shown above it until the popup closes. */
  const [done, setDone] = useState<CommandResult[]>([]);
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [shared, setShared] = useState('');

  const decidable = approvals.filter((a) => a.stepId !== null);
  const chosen = decidable.filter((a) => selected.has(a.id));
  const leftShown = left.filter((n) => !done.some((d) => d.key === n.id));
  if (approvals.length === 0 && done.length === 0 && leftShown.length === 0 && !error) return null;

  async function decide(ids: string[], decision: Decision, justification: string) {
    setBusy((b) => new Set([...b, ...ids]));
    let list: CommandResult[];
    try {
      list = await onDecide(ids, decision, justification.trim() || null);
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      list = ids.map((key) => ({ key, kind: 'fatal', text, status: null, field: null, requestId: null }));
    }
    setBusy((b) => new Set([...b].filter((id) => !ids.includes(id))));
    setResults((r) => ({ ...r, ...Object.fromEntries(list.map((x) => [x.key, x])) }));
    // Decided, or no longer waiting: the row goes (storage says so), its sentence stays.
    const gone = list.filter((x) => x.kind === 'ok' || x.kind === 'state');
    if (gone.length) setDone((d) => [...gone, ...d.filter((x) => !gone.some((g) => g.key === x.key))]);
    setSelected((s) => new Set([...s].filter((id) => !gone.some((g) => g.key === id))));
  }

  const shown = new Set(approvals.map((a) => a.id));
  const leftList = done.filter((r) => !shown.has(r.key));
  const sharedRequired = chosen.some((a) => a.justificationRequired === true);

  return (
    <section class="section approvals" data-testid="section-approvals" aria-labelledby="section-approvals-title">
      <h2 class="section-title" id="section-approvals-title">
        {t('sectionApprovals')} <span class="section-count">{approvals.length}</span>
      </h2>
      {error && (
        <Notice id="approvals-error" tone="warning">
          {error}
        </Notice>
      )}
      {leftList.map((r) => (
        <p
          key={r.key}
          class={`row-result ${r.kind === 'ok' ? 'row-result-ok' : ''}`}
          data-testid="approval-result"
          data-kind={r.kind}
          role="status"
        >
          {r.text}
        </p>
      ))}
      {leftShown.map((n) => (
        <p key={n.id} class="row-result" data-testid="approval-left" role="status">
          {t('approvalLeft', n.requester, n.targetName)}
        </p>
      ))}
      <ul class="rows">
        {approvals.map((a) => (
          <ApprovalRow
            key={a.id}
            a={a}
            now={now}
            format={format}
            reason={reasons[a.id] ?? ''}
            onReason={(text) => setReasons((r) => ({ ...r, [a.id]: text }))}
            result={results[a.id]}
            busy={busy.has(a.id)}
            selectable={decidable.length > 1 && a.stepId !== null}
            selected={selected.has(a.id)}
            onSelect={(on) =>
              setSelected((s) => (on ? new Set([...s, a.id]) : new Set([...s].filter((id) => id !== a.id))))
            }
            onDecide={(decision) => void decide([a.id], decision, reasons[a.id] ?? '')}
          />
        ))}
      </ul>
      {chosen.length > 1 && (
        <div class="approvals-bulk" data-testid="approvals-bulk">
          <label class="approval-label" for="approvals-shared">
            {t('approvalSharedJustification')}
            {sharedRequired ? ` · ${t('approvalJustificationRequired')}` : ''}
          </label>
          <textarea
            id="approvals-shared"
            class="approval-input"
            rows={2}
            maxLength={JUSTIFICATION_MAX}
            value={shared}
            onInput={(e) => setShared((e.target as HTMLTextAreaElement).value)}
            data-testid="approvals-shared-justification"
          />
          <button
            type="button"
            class="btn btn-primary btn-small"
            data-testid="approve-selected"
            aria-disabled={chosen.some((a) => busy.has(a.id)) || undefined}
            onClick={() => {
              if (!chosen.some((a) => busy.has(a.id)))
                void decide(
                  chosen.map((a) => a.id),
                  'Approve',
                  shared,
                );
            }}
          >
            {plural(t, 'approvalApproveSelected', chosen.length)}
          </button>
        </div>
      )}
    </section>
  );
}

interface ApprovalRowProps {
  a: Approval;
  now: number;
  format: TimeFormat;
  reason: string;
  onReason(text: string): void;
  result: CommandResult | undefined;
  busy: boolean;
  selectable: boolean;
  selected: boolean;
  onSelect(on: boolean): void;
  onDecide(decision: Decision): void;
}

function ApprovalRow({
  a,
  now,
  format,
  reason,
  onReason,
  result,
  busy,
  selectable,
  selected,
  onSelect,
  onDecide,
}: ApprovalRowProps) {
  const who = a.requester.displayName ?? a.requester.upn ?? a.requester.id;
  const start = parseTime(a.startDateTime);
  const created = parseTime(a.createdDateTime);
  const expires = approvalExpiresAt(a);
  const inputId = `approval-reason-${a.id}`;
  const access = a.accessId === 'owner' ? t('accessOwner') : a.accessId === 'member' ? t('accessMember') : null;
  const where = a.kind === 'group' ? access : (a.scopeName ?? t('scopeTenantWide'));
  return (
    <li class="row approval" data-testid="approval" data-id={a.id} data-kind={a.kind} aria-busy={busy || undefined}>
      {selectable && (
        <input
          type="checkbox"
          class="row-select"
          checked={selected}
          aria-label={t('approvalSelect', a.targetName, who)}
          onChange={(e) => onSelect((e.target as HTMLInputElement).checked)}
          data-testid="approval-select"
        />
      )}
      <div class="row-main">
        <div class="row-title">
          <span class={`badge badge-${a.kind}`}>{a.kind === 'role' ? t('kindRole') : t('kindGroup')}</span>
          <span class="row-name" title={a.targetName}>
            {a.targetName}
          </span>
        </div>
        <div class="row-meta">
          {where && <span>{where}</span>}
          {where && <span aria-hidden="true"> · </span>}
          <span data-testid="approval-requester">{t('approvalRequester', who, a.requester.upn ?? a.requester.id)}</span>
        </div>
        <div class="row-detail">
          {created !== null && <span>{t('approvalRequestedAt', formatMoment(created, now, format))}</span>}
          {start !== null && a.durationMinutes !== null && (
            <>
              <span aria-hidden="true"> · </span>
              <span>
                {t('approvalStartFor', formatMoment(start, now, format), formatMinutes(a.durationMinutes, t))}
              </span>
            </>
          )}
        </div>
        <div class="row-detail approval-reason" data-testid="approval-reason">
          {a.justification ? t('approvalReason', a.justification) : t('approvalNoReason')}
        </div>
        {(a.ticketNumber || a.ticketSystem) && (
          <div class="row-detail">{t('approvalTicket', a.ticketSystem ?? '', a.ticketNumber ?? '')}</div>
        )}
        {expires !== null && (
          <div class="row-detail" data-testid="approval-window">
            {t('approvalWindowEnds', formatMoment(expires, now, format))}
          </div>
        )}
      </div>
      <div class="row-below">
        {a.stepId === null ? (
          <p class="row-actions-note" data-testid="approval-portal">
            {t('approvalInPortalWhy', a.detailError ?? '—')}{' '}
            <a href={approvalPortalUrl(a.kind)} target="_blank" rel="noopener noreferrer">
              {t('approvalInPortal')}
            </a>
          </p>
        ) : (
          <>
            <label class="approval-label" for={inputId}>
              {a.justificationRequired ? t('approvalJustificationRequired') : t('approvalJustificationOptional')}
            </label>
            <textarea
              id={inputId}
              class="approval-input"
              rows={2}
              maxLength={JUSTIFICATION_MAX}
              value={reason}
              required={a.justificationRequired === true}
              aria-invalid={result?.kind === 'field' || undefined}
              onInput={(e) => onReason((e.target as HTMLTextAreaElement).value)}
              data-testid="approval-justification"
            />
            <div class="row-actions">
              <button
                type="button"
                class="btn btn-primary btn-small"
                data-testid="approve"
                aria-disabled={busy || undefined}
                onClick={() => !busy && onDecide('Approve')}
              >
                {t('approvalApprove')}
              </button>
              <button
                type="button"
                class="btn btn-small"
                data-testid="deny"
                aria-disabled={busy || undefined}
                onClick={() => !busy && onDecide('Deny')}
              >
                {t('approvalDeny')}
              </button>
            </div>
          </>
        )}
        {result && result.kind !== 'ok' && (
          <p class="row-result row-result-error" data-testid="approval-row-result" role="alert">
            {result.text}
          </p>
        )}
      </div>
    </li>
  );
}
