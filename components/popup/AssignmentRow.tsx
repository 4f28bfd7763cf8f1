/**
 * One assignment: what it is, where it applies, how long it lasts, and the star that keeps it near the top. With
 * activation controls in context (RowControlsContext), also what can be done with it and what the last command said.
 */
import { plural, t } from '../../lib/i18n';
import type { Assignment } from '../../lib/pim/model';
import {
  daysLeft,
  eligibilityEndsSoon,
  formatDay,
  formatMoment,
  parseTime,
  timeLeft,
  type TimeFormat,
} from '../../lib/pim/time';
import { StarIcon, WarningIcon } from './Icons';
import { formatMinutes } from '../../lib/pim/duration';
import { accessLabel, isScheduled, kindLabel, pendingStatusText, scopeLabel, timeLeftText } from './labels';
import { useRowControls } from './activationContext';

export interface AssignmentRowProps {
  assignment: Assignment;
  /** Active rows: when the eligibility behind it ends (null: permanent; undefined: none known). */
  eligibleEnd?: string | null;
  now: number;
  format: TimeFormat;
  favourite: boolean;
  onToggleFavourite(key: string): void;
}

export function AssignmentRow({
  assignment: a,
  eligibleEnd,
  now,
  format,
  favourite,
  onToggleFavourite,
}: AssignmentRowProps) {
  const access = accessLabel(a);
  const c = useRowControls(a.key);
  const parts = c?.parts(a, now);
  return (
    <li
      class={`row row-${a.state}`}
      data-testid="assignment"
      data-key={a.key}
      data-state={a.state}
      data-kind={a.kind}
      aria-busy={c?.isBusy(a.key) || undefined}
    >
      {parts && a.state === 'eligible' && parts.select}
      <div class="row-main">
        <div class="row-title">
          <span class={`badge badge-${a.kind}`}>{kindLabel(a)}</span>
          <span class="row-name" title={a.displayName}>
            {a.displayName}
          </span>
        </div>
        <div class="row-meta">
          <span data-testid="scope">{scopeLabel(a)}</span>
          {access && (
            <>
              <span aria-hidden="true"> · </span>
              <span>{access}</span>
            </>
          )}
          <span aria-hidden="true"> · </span>
          <When a={a} now={now} format={format} />
          {a.state === 'active' && eligibleEnd && (
            <>
              <span aria-hidden="true"> · </span>
              <span data-testid="eligible-end">
                {t('eligibleUntil', formatDay(parseTime(eligibleEnd) ?? now, now, format))}
              </span>
            </>
          )}
        </div>
        {a.grants.length > 0 && (
          <div class="row-detail" data-testid="grants" title={a.grants.join(', ')}>
            {t('grants', a.grants.join(', '))}
          </div>
        )}
        {a.memberType === 'group' && (
          <div class="row-detail" data-testid="via">
            {a.viaGroupName ? t('viaGroup', a.viaGroupName) : t('viaSomeGroup')}
          </div>
        )}
        {a.state === 'eligible' && eligibilityEndsSoon(a.endDateTime, now) && (
          <div class="row-warning" data-testid="eligibility-warning">
            <WarningIcon />
            <span>{plural(t, 'eligibilityEndsSoon', daysLeft(a.endDateTime, now) ?? 0)}</span>
          </div>
        )}
        {parts?.buttons}
      </div>
      <div class="row-side">
        {a.state === 'active' && a.assignmentType !== 'Assigned' && <Countdown a={a} now={now} />}
        <button
          type="button"
          class="btn-icon star"
          aria-pressed={favourite}
          aria-label={favourite ? t('unfavourite', a.displayName) : t('favourite', a.displayName)}
          title={favourite ? t('unfavourite', a.displayName) : t('favourite', a.displayName)}
          onClick={() => onToggleFavourite(a.key)}
          data-testid="favourite"
        >
          <StarIcon filled={favourite} />
        </button>
      </div>
      {parts?.below}
    </li>
  );
}

function Countdown({ a, now }: { a: Assignment; now: number }) {
  const left = timeLeft(a.endDateTime, now, { seconds: true });
  if (!left) return null;
  const urgent = left.kind === 'clock' || left.kind === 'ended';
  return (
    <span class={`countdown${urgent ? ' countdown-urgent' : ''}`} data-testid="time-left">
      {timeLeftText(left)}
    </span>
  );
}

/**
 * The time fact that matters for the state. Active: Activated until (with the countdown), Assigned until (an admin's
 * time-bound assignment: no countdown, no Deactivate) or permanent. Pending: the status, when it starts (scheduled:
 * "starts at") and for how long. Eligible: eligible until.
 */
function When({ a, now, format }: { a: Assignment; now: number; format: TimeFormat }) {
  const end = parseTime(a.endDateTime);
  let text: string;
  if (a.state === 'active') {
    const assigned = a.assignmentType === 'Assigned';
    if (end === null) text = assigned ? t('assignedPermanent') : t('activePermanent');
    else
      text = assigned
        ? t('assignedUntil', formatMoment(end, now, format))
        : `${t('stateActivated')} · ${t('activeUntil', formatMoment(end, now, format))}`;
  } else if (a.state === 'pending') {
    const start = parseTime(a.startDateTime);
    const parts = [pendingStatusText(a.status)];
    if (start !== null)
      parts.push(
        isScheduled(a.status)
          ? t('scheduledStart', formatMoment(start, now, format))
          : t('requestedStart', formatMoment(start, now, format)),
      );
    if (start !== null && end !== null && end > start)
      parts.push(t('requestedDuration', formatMinutes(Math.round((end - start) / 60_000), t)));
    text = parts.join(' · ');
  } else {
    text = end === null ? t('eligiblePermanent') : t('eligibleUntil', formatDay(end, now, format));
  }
  return <span data-testid="when">{text}</span>;
}
