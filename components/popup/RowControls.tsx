/**
 * The activation controls of a row, per state: eligible → select box, Activate (one click or form) and its options
 * button, Request extension (roles whose eligibility ends within 14 days; Graph has no self-extend for groups); active
 * → Deactivate (greyed for PIM's first 5 minutes) and Extend near the end; pending → Cancel. Below the row: what the
 * last command answered, and the open form.
 */
import { t } from '../../lib/i18n';
import { canDeactivate } from '../../lib/pim/deactivate';
import type { Assignment } from '../../lib/pim/model';
import { eligibilityEndsSoon, formatMoment, MINUTE, parseTime } from '../../lib/pim/time';
import { formatMinutes } from '../../lib/pim/duration';
import { ExtensionRequestForm } from '../activation/ExtensionRequestForm';
import type { RowControls, Shown } from './activationContext';
import { ChevronIcon } from './Icons';

/** Extend is offered in the last quarter hour: earlier, PIM would refuse to queue a second activation anyway. */
export const EXTEND_WINDOW_MS = 15 * MINUTE;

const Spinner = () => <span class="spinner" aria-hidden="true" />;

export function SelectBox({ a, c }: { a: Assignment; c: RowControls }) {
  return (
    <input
      type="checkbox"
      class="row-select"
      checked={c.isSelected(a.key)}
      aria-label={t('actSelectRow', a.displayName)}
      data-testid="select"
      onChange={() => c.toggleSelected(a.key)}
    />
  );
}

export function ActivateButton({ a, c }: { a: Assignment; c: RowControls }) {
  const rules = c.rules(a.key);
  const busy = c.isBusy(a.key);
  const duration = formatMinutes(rules.fields.duration.default, t);
  const template = c.memory(a.key).template;
  const label = rules.oneClickReady ? t('actActivateOneClick', duration) : t('actActivateWithForm');
  const tooltip = rules.oneClickReady
    ? template
      ? t('actActivateTooltipTemplate', duration, template.name)
      : t('actActivateTooltip', duration)
    : t('actActivateTooltipForm');
  return (
    <span class="split">
      <button
        type="button"
        class="btn btn-primary btn-small split-main"
        title={tooltip}
        aria-label={`${label} – ${a.displayName}`}
        aria-busy={busy}
        // aria-disabled, not disabled: a disabled button drops keyboard focus to the page while the request runs.
        aria-disabled={busy}
        data-testid="activate"
        data-one-click={rules.oneClickReady}
        onClick={() => {
          if (!busy) c.activate(a);
        }}
      >
        {busy && <Spinner />}
        {label}
      </button>
      <button
        type="button"
        class="btn btn-primary btn-small split-more"
        title={t('actActivateOptions', a.displayName)}
        aria-label={t('actActivateOptions', a.displayName)}
        disabled={busy}
        data-testid="activate-options"
        onClick={() => c.openOptions(a)}
      >
        <ChevronIcon />
      </button>
    </span>
  );
}

/**
 * Activate / Deactivate / Extend / Cancel as a line under the row's facts (not beside them: at 380 px the name needs
 * the width more than the button does).
 */
export function RowButtons({ a, c, now }: { a: Assignment; c: RowControls; now: number }) {
  const busy = c.isBusy(a.key);
  if (a.state === 'eligible') {
    return (
      <div class="row-actions">
        <ActivateButton a={a} c={c} />
        {a.kind === 'role' && eligibilityEndsSoon(a.endDateTime, now) && <RequestExtensionButton a={a} c={c} />}
      </div>
    );
  }
  if (a.state === 'pending') {
    return (
      <div class="row-actions">
        <button
          type="button"
          class="btn btn-small"
          aria-busy={busy}
          disabled={busy}
          data-testid="cancel"
          aria-label={t('actCancelRequestLabel', a.displayName)}
          onClick={() => c.cancel(a)}
        >
          {busy && <Spinner />}
          {t('actCancelRequest')}
        </button>
      </div>
    );
  }
  if (a.state !== 'active') return null;
  const can = canDeactivate(a, new Date(now));
  const end = parseTime(a.endDateTime);
  const extendable =
    a.assignmentType === 'Activated' &&
    a.memberType === 'direct' &&
    end !== null &&
    end > now &&
    end - now <= EXTEND_WINDOW_MS;
  if (!can.ok && can.reason !== 'too-soon' && !extendable) return null;
  const reasonId = `deactivate-reason-${a.id}`;
  const availableAt = !can.ok && can.availableAt ? Date.parse(can.availableAt) : null;
  return (
    <div class="row-actions">
      {(can.ok || can.reason === 'too-soon') && (
        <button
          type="button"
          class="btn btn-small"
          disabled={busy || !can.ok}
          aria-busy={busy}
          aria-describedby={availableAt !== null ? reasonId : undefined}
          aria-label={t('actDeactivateLabel', a.displayName)}
          data-testid="deactivate"
          onClick={() => c.deactivate(a)}
        >
          {busy && <Spinner />}
          {t('actDeactivate')}
        </button>
      )}
      {extendable && (
        <button
          type="button"
          class="btn btn-small"
          disabled={busy}
          aria-label={t('actExtendLabel', a.displayName)}
          data-testid="extend"
          onClick={() => c.extend(a)}
        >
          {t('actExtend')}
        </button>
      )}
      {availableAt !== null && (
        <span class="row-actions-note" id={reasonId} data-testid="deactivate-reason">
          {t('actDeactivateAvailableAt', formatMoment(availableAt, now, c.format))}
        </span>
      )}
    </div>
  );
}

export function RequestExtensionButton({ a, c }: { a: Assignment; c: RowControls }) {
  return (
    <button
      type="button"
      class="btn btn-small btn-subtle"
      aria-expanded={c.extensionOpen(a.key)}
      aria-label={t('actRequestExtensionLabel', a.displayName)}
      data-testid="request-extension"
      onClick={() => c.openExtension(a)}
    >
      {t('actRequestExtension')}
    </button>
  );
}

function resultText(s: Shown, c: RowControls, now: number): string {
  const r = s.result;
  if (r.kind === 'stepUp') return t('actResultStepUp');
  if (r.kind === 'ok' && s.startsAt !== null && /^(granted|schedulecreated)$/i.test(r.status ?? '')) {
    return t('actResultStarts', formatMoment(s.startsAt, now, c.format));
  }
  return r.text;
}

const TONE: Record<Shown['result']['kind'], string> = {
  ok: 'ok',
  state: 'info',
  stepUp: 'info',
  field: 'error',
  auth: 'error',
  retry: 'error',
  fatal: 'error',
};

/** Under the row: the last answer (a field problem is shown in the form instead), then any open form. */
export function RowBelow({ a, c, now }: { a: Assignment; c: RowControls; now: number }) {
  const shown = c.result(a.key);
  const form = a.state === 'eligible' ? c.formAt(a.key) : null;
  const extension = a.state === 'eligible' && c.extensionOpen(a.key);
  if (!shown && !form && !extension) return null;
  return (
    <div class="row-below">
      {shown && !(form && shown.result.kind === 'field') && (
        <p
          class={`row-result row-result-${TONE[shown.result.kind]}`}
          role={TONE[shown.result.kind] === 'error' ? 'alert' : 'status'}
          data-testid="result"
          data-kind={shown.result.kind}
        >
          {resultText(shown, c, now)}
        </p>
      )}
      {shown?.result.next === 'renew' && a.state === 'active' && (
        <button
          type="button"
          class="btn btn-small"
          disabled={c.isBusy(a.key)}
          data-testid="renew"
          onClick={() => c.renew(a)}
        >
          {t('actRenew')}
        </button>
      )}
      {shown?.result.next === 'activate' && a.state === 'eligible' && (
        <button
          type="button"
          class="btn btn-small btn-primary"
          disabled={c.isBusy(a.key)}
          data-testid="activate-again"
          onClick={() => c.activate(a)}
        >
          {t('actActivateAgain')}
        </button>
      )}
      {form}
      {extension && (
        <ExtensionRequestForm
          displayName={a.displayName}
          busy={c.isBusy(a.key)}
          onSubmit={(text) => c.requestExtension(a, text)}
          onCancel={c.closeExtension}
        />
      )}
    </div>
  );
}
