/**
 * The local history of requests made from the extension (activityItem), newest first: what, when, reason, duration,
 * outcome and Graph request id, with Export CSV and Clear history (after a confirmation).
 */
import { useRef, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../lib/i18n';
import { formatMoment, type TimeFormat } from '../../lib/pim/time';
import type { ActivityEntry } from '../../lib/storage';
import { activityCsv, sortActivity } from './activityCsv';
import { ConfirmInline } from './ConfirmInline';
import type { DownloadFile } from './download';
import { formatMinutes } from '../../lib/pim/duration';
import { errorText } from './format';
import './library.css';

export const ACTIVITY_FILE_NAME = 'pim-companion-activity.csv';

export interface ActivitySectionProps {
  entries: ActivityEntry[];
  now: number;
  format: TimeFormat;
  onClear(): Promise<void>;
  onDownload(file: DownloadFile): void;
}

const ACTIONS: Record<ActivityEntry['action'], MessageKey> = {
  activate: 'optActivityActivate',
  deactivate: 'optActivityDeactivate',
  extend: 'optActivityExtend',
  cancel: 'optActivityCancel',
  requestExtension: 'optActivityRequestExtension',
  approve: 'optActivityApprove',
  deny: 'optActivityDeny',
};

/** Graph request statuses that mean "done" or "on its way"; anything else (an error code) is shown as a failure. */
const SUCCESS = new Set([
  'provisioned',
  'granted',
  'revoked',
  'canceled',
  'cancelled',
  'schedulecreated',
  'roleassignmentexists',
]);
const PENDING = new Set([
  'pendingapproval',
  'pendingadmindecision',
  'pendingprovisioning',
  'pendingschedulecreation',
  'pendingroleassignmentrequest',
  'scheduled',
]);

function tone(outcome: string): 'ok' | 'pending' | 'error' {
  const o = outcome.toLowerCase();
  return SUCCESS.has(o) ? 'ok' : PENDING.has(o) ? 'pending' : 'error';
}

export function ActivitySection({ entries, now, format, onClear, onDownload }: ActivitySectionProps) {
  const [confirming, setConfirming] = useState(false);
  const [status, setStatus] = useState<{ kind: 'idle' } | { kind: 'clearing' } | { kind: 'failed'; message: string }>({
    kind: 'idle',
  });
  const clearButton = useRef<HTMLButtonElement>(null);
  const exportButton = useRef<HTMLButtonElement>(null);
  const sorted = sortActivity(entries);
  const full = new Intl.DateTimeFormat(format.locale, {
    dateStyle: 'full',
    timeStyle: 'medium',
    timeZone: format.timeZone,
  });

  const clear = async () => {
    setStatus({ kind: 'clearing' });
    try {
      await onClear();
      setConfirming(false);
      setStatus({ kind: 'idle' });
      // The buttons are disabled on an empty history; keep the keyboard inside the section.
      exportButton.current?.closest<HTMLElement>('[data-testid="activity"]')?.focus();
    } catch (err) {
      setStatus({ kind: 'failed', message: t('saveFailed', errorText(err)) });
    }
  };

  return (
    <div class="library activity" data-testid="activity" tabIndex={-1}>
      <div class="form-actions library-toolbar">
        <button
          type="button"
          class="btn"
          ref={exportButton}
          disabled={sorted.length === 0}
          data-testid="activity-export"
          // The BOM makes spreadsheet apps read the file as UTF-8 (role names and reasons are not ASCII everywhere).
          onClick={() =>
            onDownload({
              name: ACTIVITY_FILE_NAME,
              type: 'text/csv;charset=utf-8',
              text: `\uFEFF${activityCsv(sorted)}`,
            })
          }
        >
          {t('optActivityExport')}
        </button>
        <button
          type="button"
          class="btn"
          ref={clearButton}
          disabled={sorted.length === 0}
          onClick={() => setConfirming(true)}
          data-testid="activity-clear"
        >
          {t('optActivityClear')}
        </button>
      </div>
      {confirming && (
        <ConfirmInline
          testId="activity-clear"
          confirmLabel={t('optActivityClear')}
          busy={status.kind === 'clearing'}
          onConfirm={() => void clear()}
          onCancel={() => {
            setConfirming(false);
            setStatus({ kind: 'idle' });
            clearButton.current?.focus();
          }}
        >
          {t('optActivityClearConfirm', sorted.length)}
        </ConfirmInline>
      )}
      {status.kind === 'failed' && (
        <p class="field-error" role="alert">
          {status.message}
        </p>
      )}
      {sorted.length === 0 ? (
        <p class="library-empty" data-testid="activity-empty">
          {t('optActivityEmpty')}
        </p>
      ) : (
        <div class="table-wrap">
          <table class="activity-table">
            <caption class="visually-hidden">{t('optActivityCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('optActivityWhen')}</th>
                <th scope="col">{t('optActivityWhat')}</th>
                <th scope="col">{t('optActivityReason')}</th>
                <th scope="col">{t('optActivityDuration')}</th>
                <th scope="col">{t('optActivityOutcome')}</th>
                <th scope="col">{t('optActivityRequestId')}</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((e) => {
                const at = Date.parse(e.at);
                return (
                  <tr key={e.id} data-testid="activity-row">
                    <td class="nowrap">
                      <time dateTime={e.at} title={Number.isNaN(at) ? e.at : full.format(at)}>
                        {Number.isNaN(at) ? e.at : formatMoment(at, now, format)}
                      </time>
                    </td>
                    <td>
                      <div class="activity-action">{t(ACTIONS[e.action])}</div>
                      <div>{e.displayName}</div>
                    </td>
                    <td class="activity-reason">{e.justification ?? '—'}</td>
                    <td class="nowrap">{e.durationMinutes === null ? '—' : formatMinutes(e.durationMinutes, t)}</td>
                    <td>
                      <span class={`pill pill-${tone(e.outcome)}`}>{e.outcome}</span>
                      {e.text && <div class="activity-text">{e.text}</div>}
                    </td>
                    <td>{e.requestId ? <code class="request-id">{e.requestId}</code> : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
