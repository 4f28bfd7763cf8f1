/**
 * Create or edit one reason template: the schema (lib/pim/templates Template) and validateJustification decide what
 * blocks saving; one-word reasons and unknown placeholders are warnings. The preview fills the placeholders the way
 * the popup will, for a sample role.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { t } from '../../lib/i18n';
import type { TimeFormat } from '../../lib/pim/time';
import { JUSTIFICATION_MAX, PLACEHOLDERS, Template, renderJustification } from '../../lib/pim/templates';
import { DurationField, durationMinutes, durationValue, type DurationValue } from './DurationField';
import { errorText } from './format';
import { checkTemplate, type TemplateField, type TemplateValues } from './templatesCheck';
import { AccountScopeField } from './AccountScope';

export interface TemplatesEditorProps {
  /** null: a new template. */
  initial: Template | null;
  /** The other templates, whose names this one may not reuse (an export with two equal names could not be imported). */
  others: readonly Template[];
  /** Shown for {role} / {group} in the preview. */
  sampleRole: string;
  now: Date;
  format: TimeFormat;
  newId(): string;
  onSubmit(template: Template): Promise<void>;
  onCancel(): void;
}

type Status = { kind: 'idle' } | { kind: 'saving' } | { kind: 'failed'; message: string };

const FIELD_IDS: Record<TemplateField, string> = {
  name: 'template-name',
  justification: 'template-justification',
  ticketSystem: 'template-ticket-system',
  ticketNumber: 'template-ticket-number',
  durationMinutes: 'template-duration',
};

export function TemplatesEditor(props: TemplatesEditorProps) {
  const { initial } = props;
  const [id] = useState(() => initial?.id ?? props.newId());
  const [values, setValues] = useState<TemplateValues>({
    name: initial?.name ?? '',
    justification: initial?.justification ?? '',
    ticketSystem: initial?.ticketSystem ?? '',
    ticketNumber: initial?.ticketNumber ?? '',
  });
  const [duration, setDuration] = useState<DurationValue>(durationValue(initial?.durationMinutes));
  /** '' = every account (issue 16): templates are shared unless made for one account. */
  const [accountId, setAccountId] = useState(initial?.accountId ?? '');
  const [submitted, setSubmitted] = useState(false);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const form = useRef<HTMLFormElement>(null);
  // Opening the editor is a keyboard action too: start in its first field.
  useEffect(() => form.current?.querySelector<HTMLElement>(`#${FIELD_IDS.name}`)?.focus(), []);

  const check = useMemo(
    () => checkTemplate(id, values, durationMinutes(duration), props.others),
    [id, values, duration, props.others],
  );
  const preview = renderJustification(
    { justification: values.justification.trim(), ticketNumber: values.ticketNumber.trim() || undefined },
    {
      displayName: props.sampleRole,
      kind: 'role',
      now: props.now,
      locale: props.format.locale,
      timeZone: props.format.timeZone,
    },
  );
  const errors = submitted ? check.errors : {};
  const warnings = [
    ...check.warnings,
    ...preview.unknown.map((p) => t('optTplUnknownPlaceholder', p, PLACEHOLDERS.map((n) => `{${n}}`).join(' '))),
    ...([...preview.text.trim()].length > JUSTIFICATION_MAX ? [t('optTplPreviewTooLong', JUSTIFICATION_MAX)] : []),
  ];

  const set = (field: keyof TemplateValues) => (e: Event) => {
    const value = (e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value;
    setValues((v) => ({ ...v, [field]: value }));
    setStatus({ kind: 'idle' });
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setSubmitted(true);
    if (!check.template) {
      const first = (Object.keys(FIELD_IDS) as TemplateField[]).find((f) => check.errors[f]);
      if (first) {
        const el = form.current?.querySelector<HTMLElement>(
          `#${FIELD_IDS[first]}${first === 'durationMinutes' ? '-custom' : ''}`,
        );
        el?.focus();
      }
      return;
    }
    setStatus({ kind: 'saving' });
    try {
      const { accountId: _old, ...template } = check.template;
      await props.onSubmit(accountId ? { ...template, accountId } : template);
    } catch (err) {
      setStatus({ kind: 'failed', message: errorText(err) });
    }
  };

  const described = (field: TemplateField, hint = true) =>
    errors[field] ? `${FIELD_IDS[field]}-error` : hint ? `${FIELD_IDS[field]}-hint` : undefined;
  const fieldError = (field: TemplateField) =>
    errors[field] && (
      <p class="field-error" id={`${FIELD_IDS[field]}-error`} data-testid={`${FIELD_IDS[field]}-error`}>
        {errors[field]}
      </p>
    );
  const length = [...values.justification.trim()].length;

  return (
    <form
      ref={form}
      class="form editor"
      noValidate
      onSubmit={submit}
      data-testid="template-editor"
      aria-labelledby="template-editor-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          props.onCancel();
        }
      }}
    >
      <h3 id="template-editor-title">{initial ? t('optTplEditTitle', initial.name) : t('optTplNewTitle')}</h3>
      <AccountScopeField id="template-account" value={accountId} onChange={setAccountId} />
      <div class="field">
        <label for={FIELD_IDS.name}>{t('optTplName')}</label>
        <input
          id={FIELD_IDS.name}
          type="text"
          value={values.name}
          onInput={set('name')}
          autocomplete="off"
          maxLength={80}
          placeholder={t('optTplNamePlaceholder')}
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={described('name', false)}
        />
        {fieldError('name')}
      </div>
      <div class="field">
        <label for={FIELD_IDS.justification}>{t('optTplJustification')}</label>
        <textarea
          id={FIELD_IDS.justification}
          rows={3}
          value={values.justification}
          onInput={set('justification')}
          placeholder={t('optTplJustificationPlaceholder')}
          aria-invalid={errors.justification ? true : undefined}
          aria-describedby={`${described('justification')} template-warnings`}
        />
        {fieldError('justification')}
        <p class="field-hint" id={`${FIELD_IDS.justification}-hint`}>
          {t('optTplJustificationHint', length, JUSTIFICATION_MAX)}
        </p>
        <ul class="field-warnings" id="template-warnings" data-testid="template-warnings" aria-live="polite">
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      </div>
      <div class="preview">
        <span class="label" id="template-preview-label">
          {t('optTplPreview', props.sampleRole)}
        </span>
        <output class="preview-text" aria-labelledby="template-preview-label" data-testid="template-preview">
          {preview.text.trim() || t('optTplPreviewEmpty')}
        </output>
        {preview.unfilled.includes('ticket') && <p class="field-hint">{t('optTplPreviewTicket')}</p>}
      </div>
      <div class="field-pair">
        <div class="field">
          <label for={FIELD_IDS.ticketSystem}>{t('optTplTicketSystem')}</label>
          <input
            id={FIELD_IDS.ticketSystem}
            type="text"
            value={values.ticketSystem}
            onInput={set('ticketSystem')}
            autocomplete="off"
            placeholder="ServiceNow"
            aria-invalid={errors.ticketSystem ? true : undefined}
            aria-describedby={described('ticketSystem', false)}
          />
          {fieldError('ticketSystem')}
        </div>
        <div class="field">
          <label for={FIELD_IDS.ticketNumber}>{t('optTplTicketNumber')}</label>
          <input
            id={FIELD_IDS.ticketNumber}
            type="text"
            value={values.ticketNumber}
            onInput={set('ticketNumber')}
            autocomplete="off"
            placeholder="CHG0012345"
            aria-invalid={errors.ticketNumber ? true : undefined}
            aria-describedby={described('ticketNumber', false)}
          />
          {fieldError('ticketNumber')}
        </div>
      </div>
      <p class="field-hint field-note">{t('optTplTicketHint')}</p>
      <DurationField
        id={FIELD_IDS.durationMinutes}
        value={duration}
        error={errors.durationMinutes}
        onChange={(v) => {
          setDuration(v);
          setStatus({ kind: 'idle' });
        }}
      />
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={status.kind === 'saving'} data-testid="template-save">
          {t('optSave')}
        </button>
        <button type="button" class="btn" onClick={props.onCancel} data-testid="template-cancel">
          {t('optCancel')}
        </button>
        <span class="form-status" role="status">
          {status.kind === 'failed' && t('saveFailed', status.message)}
          {submitted && !check.template && t('optFixErrors')}
        </span>
      </div>
    </form>
  );
}
