/**
 * The short activation form: only what the policy asks for (and what PIM said was wrong), prefilled from the last
 * template, the first missing field focused, Escape to close. Submits an ActivationInput for every target at once.
 */
import { useId, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { AccountTag, type AccountChoice } from '../popup/AccountSwitcher';
import { t } from '../../lib/i18n';
import type { ActivationInput } from '../../lib/messaging';
import type { Assignment } from '../../lib/pim/model';
import type { Field, FormRules } from '../../lib/pim/form-rules';
import type { Template } from '../../lib/pim/templates';
import { formatMoment, type TimeFormat } from '../../lib/pim/time';
import { scopeLabel } from '../popup/labels';
import { DurationField } from './DurationField';
import { checkJustification, JustificationField } from './JustificationField';
import { renderFor, type FormValues } from './rules';
import { fromLocalInput, StartField } from './StartField';

export interface ActivationFormProps {
  targets: readonly Assignment[];
  rules: FormRules;
  templates: readonly Template[];
  initial: FormValues;
  /** Opened on purpose (the options button): offer the optional reason too. */
  full: boolean;
  /** What PIM said about the last attempt, per field (CommandResult kind 'field'). */
  errors: Partial<Record<Field, string>>;
  busy: boolean;
  now: number;
  format: TimeFormat;
  onSubmit(input: ActivationInput): void;
  onCancel(): void;
  /** The account the activation is for (several accounts, issue 16): shown beside Activate. */
  account?: AccountChoice | null;
}

type Problems = Partial<Record<Field | 'start', string>>;
const FOCUS_ORDER: readonly (Field | 'start')[] = ['justification', 'ticket', 'duration', 'start'];

function focusField(form: HTMLFormElement | null, field: string | undefined): void {
  const el = field ? form?.querySelector<HTMLElement>(`[data-field="${field}"]`) : null;
  const target = el?.matches('fieldset') ? el.querySelector<HTMLElement>('input:checked, input') : el;
  (target ?? form?.querySelector<HTMLElement>('select, textarea, input, button'))?.focus();
}

export function ActivationForm(props: ActivationFormProps) {
  const { targets, rules, templates, initial, errors, busy, now, format } = props;
  const form = useRef<HTMLFormElement>(null);
  const id = useId();
  const [values, setValues] = useState(initial);
  const [edited, setEdited] = useState(false);
  const [startAt, setStartAt] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problems>({});
  /** Fields edited since PIM's last complaint: its sentence no longer describes what is there. */
  const [touched, setTouched] = useState<readonly Field[]>([]);
  const ctx = { targets, now, format };

  const showJustification = rules.fields.justification === 'required' || props.full || !!errors.justification;
  const justificationRequired = rules.fields.justification === 'required' || !!errors.justification;
  const showTicket = rules.fields.ticket === 'required' || !!errors.ticket;
  const live = checkJustification(values.justification, justificationRequired);
  const pimErrors = Object.fromEntries(Object.entries(errors).filter(([f]) => !touched.includes(f as Field)));
  const shownErrors: Problems = { ...pimErrors, ...problems };
  const touch = (field: Field) => {
    if (!touched.includes(field)) setTouched([...touched, field]);
    setProblems(({ [field]: _, ...rest }) => rest);
  };

  // Focus what needs the user: PIM's complaint first, else the first missing field, else the first control.
  const errorKey = FOCUS_ORDER.filter((f) => errors[f as Field]).join();
  // Layout effect: focus lands in the same frame the form appears, before the user can type elsewhere.
  useLayoutEffect(() => {
    setTouched([]);
    focusField(form.current, FOCUS_ORDER.find((f) => errors[f as Field]) ?? rules.missing[0]);
  }, [errorKey]);

  const set = (patch: Partial<FormValues>) => setValues((v) => ({ ...v, ...patch }));
  const template = (templateId: string | null) => templates.find((x) => x.id === templateId) ?? null;

  const chooseTemplate = (templateId: string | null) => {
    const chosen = template(templateId);
    const ticketNumber = chosen?.ticketNumber ?? values.ticketNumber;
    set({
      templateId,
      ticketNumber,
      ticketSystem: chosen?.ticketSystem ?? values.ticketSystem,
      justification: chosen ? renderFor(chosen, ticketNumber, ctx) : values.justification,
      durationMinutes: chosen?.durationMinutes
        ? Math.min(chosen.durationMinutes, rules.fields.duration.max)
        : values.durationMinutes,
    });
    setEdited(false);
  };

  const setTicket = (ticketNumber: string) => {
    const chosen = template(values.templateId);
    // An untouched reason follows the ticket ({ticket} placeholder); a reason the user typed is theirs.
    set(chosen && !edited ? { ticketNumber, justification: renderFor(chosen, ticketNumber, ctx) } : { ticketNumber });
  };

  const submit = (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const found: Problems = {};
    if (showJustification) {
      const check = checkJustification(values.justification, justificationRequired);
      if (check.error) found.justification = check.error;
    }
    if (showTicket && !values.ticketNumber.trim()) found.ticket = t('actFormTicketRequired');
    const start = startAt === null ? null : fromLocalInput(startAt);
    if (startAt !== null && start === null) found.start = t('actFormStartInvalid');
    setProblems(found);
    const first = FOCUS_ORDER.find((f) => found[f]);
    if (first) {
      focusField(form.current, first);
      return;
    }
    const text = values.justification.trim();
    // Several targets with the template's untouched text: let the background render {role} per item.
    const perItem = targets.length > 1 && !edited && values.templateId !== null;
    props.onSubmit({
      templateId: values.templateId,
      justification: showJustification && text && !perItem ? text : null,
      ticketNumber: showTicket ? values.ticketNumber.trim() : null,
      ticketSystem: showTicket ? values.ticketSystem.trim() || null : null,
      durationMinutes: values.durationMinutes,
      startAt: start !== null && start > now ? new Date(start).toISOString() : null,
    });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    e.stopPropagation();
    props.onCancel();
  };

  const names = targets.map((a) => a.displayName).join(', ');
  const scoped = targets.filter((a) => a.kind === 'role' && a.directoryScopeId !== '/' && a.directoryScopeId !== '');
  return (
    <form
      class="act-form"
      ref={form}
      data-testid="activation-form"
      aria-label={t('actFormLabel', names)}
      aria-busy={busy}
      noValidate
      onSubmit={submit}
      onKeyDown={onKeyDown}
    >
      {targets.length > 1 && (
        <p class="act-targets" data-testid="activation-targets">
          {t('actFormTargets', names)}
        </p>
      )}
      {scoped.map((a) => (
        <p class="act-scope" key={a.key} data-testid="activation-scope">
          {targets.length > 1 ? t('actFormScopeOf', a.displayName, scopeLabel(a)) : t('actFormScope', scopeLabel(a))}
        </p>
      ))}
      {templates.length > 0 && (
        <div class="act-field">
          <label class="act-label" for={`${id}-tpl`}>
            {t('actFormTemplate')}
          </label>
          <select
            id={`${id}-tpl`}
            class="act-input"
            value={values.templateId ?? ''}
            data-testid="template"
            onChange={(e) => chooseTemplate(e.currentTarget.value || null)}
          >
            {templates.map((x) => (
              <option value={x.id} key={x.id}>
                {x.id === values.lastUsedTemplateId ? t('actFormTemplateLastUsed', x.name) : x.name}
              </option>
            ))}
            <option value="">{t('actFormTemplateNone')}</option>
          </select>
        </div>
      )}
      {showJustification && (
        <JustificationField
          value={values.justification}
          required={justificationRequired}
          error={shownErrors.justification ?? null}
          liveError={live.error && values.justification.trim() ? live.error : null}
          warning={live.warning}
          onInput={(justification) => {
            set({ justification });
            setEdited(true);
            touch('justification');
          }}
        />
      )}
      {showTicket && (
        <div class="act-field act-ticket">
          <label class="act-label" for={`${id}-sys`}>
            {t('actFormTicketSystem')}
            <input
              id={`${id}-sys`}
              class="act-input"
              value={values.ticketSystem}
              data-testid="ticket-system"
              onInput={(e) => set({ ticketSystem: e.currentTarget.value })}
            />
          </label>
          <label class="act-label" for={`${id}-num`}>
            {t('actFormTicketNumber')}
            <input
              id={`${id}-num`}
              class="act-input"
              value={values.ticketNumber}
              data-field="ticket"
              data-testid="ticket-number"
              aria-required="true"
              aria-invalid={!!shownErrors.ticket}
              aria-describedby={`${id}-ticket-msg`}
              onInput={(e) => {
                setTicket(e.currentTarget.value);
                touch('ticket');
              }}
            />
          </label>
          <span id={`${id}-ticket-msg`} class="act-error" data-testid="ticket-error">
            {shownErrors.ticket}
          </span>
        </div>
      )}
      <DurationField
        max={rules.fields.duration.max}
        value={values.durationMinutes}
        error={shownErrors.duration ?? null}
        onChange={(durationMinutes) => {
          set({ durationMinutes });
          touch('duration');
        }}
      />
      <StartField value={startAt} now={now} error={shownErrors.start ?? null} onChange={setStartAt} />
      {startAt !== null && fromLocalInput(startAt) !== null && (
        <p class="act-hint" data-testid="start-preview">
          {t('actFormStartsAt', formatMoment(fromLocalInput(startAt)!, now, format))}
        </p>
      )}
      {rules.approvalRequired && <p class="act-note">{t('actFormApproval')}</p>}
      {rules.stepUp && <p class="act-note">{t('actFormStepUp')}</p>}
      <div class="act-buttons">
        <AccountTag account={props.account} />
        <button type="submit" class="btn btn-primary" data-testid="activation-submit" aria-busy={busy} disabled={busy}>
          {busy
            ? t('actFormSubmitting')
            : targets.length > 1
              ? t('actFormSubmitMany', targets.length)
              : t('actFormSubmit')}
        </button>
        <button type="button" class="btn btn-subtle" data-testid="activation-cancel" onClick={props.onCancel}>
          {t('actFormCancel')}
        </button>
      </div>
    </form>
  );
}
