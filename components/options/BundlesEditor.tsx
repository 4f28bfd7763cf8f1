/**
 * Create or edit a bundle: a name, the roles and groups it activates (picked from the snapshot's eligible ones, by
 * display name and scope), and optionally the template and duration every item uses. Checked with the Bundle schema.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { AccountScopeField, useLibraryAccounts } from './AccountScope';
import { t } from '../../lib/i18n';
import { Bundle } from '../../lib/pim/bundles';
import type { Assignment } from '../../lib/pim/model';
import { validationText, type Template } from '../../lib/pim/templates';
import { accessLabel, kindLabel, scopeLabel } from '../popup/labels';
import { DurationField, durationMinutes, durationValue, type DurationValue } from './DurationField';
import { errorText } from './format';
import { fieldIssue, sameName } from './templatesCheck';

export interface BundlesEditorProps {
  initial: Bundle | null;
  others: readonly Bundle[];
  /** Eligible roles and groups, once per key (bundleChoices.eligibleChoices). */
  choices: readonly Assignment[];
  /** Names of keys that are not eligible right now (active, or gone), for items already in the bundle. */
  names: ReadonlyMap<string, string>;
  templates: readonly Template[];
  newId(): string;
  onSubmit(bundle: Bundle): Promise<void>;
  onCancel(): void;
}

type Field = 'name' | 'items' | 'templateId' | 'durationMinutes';

export function BundlesEditor(props: BundlesEditorProps) {
  const { initial, choices } = props;
  const [id] = useState(() => initial?.id ?? props.newId());
  const [name, setName] = useState(initial?.name ?? '');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set(initial?.items ?? []));
  const [templateId, setTemplateId] = useState(initial?.templateId ?? '');
  // A bundle names one account's assignment keys: a new one is for the account being edited (issue 16).
  const library = useLibraryAccounts();
  const [accountId, setAccountId] = useState(
    initial ? (initial.accountId ?? '') : library.accounts.length > 1 ? library.selected : '',
  );
  const [duration, setDuration] = useState<DurationValue>(durationValue(initial?.durationMinutes));
  const [submitted, setSubmitted] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => form.current?.querySelector<HTMLElement>('#bundle-name')?.focus(), []);

  // Items of the bundle that are not eligible now stay listed (checked) so they can be kept or removed knowingly.
  const stale = useMemo(
    () => (initial?.items ?? []).filter((key) => !choices.some((c) => c.key === key)),
    [initial, choices],
  );
  const order = useMemo(() => [...choices.map((c) => c.key), ...stale], [choices, stale]);

  const check = useMemo(() => {
    const errors: Partial<Record<Field, string>> = {};
    const minutes = durationMinutes(duration);
    if (Number.isNaN(minutes)) errors.durationMinutes = t('optDurationNotNumber');
    const parsed = Bundle.safeParse({
      id,
      name,
      items: order.filter((key) => selected.has(key)),
      templateId: templateId || undefined,
      durationMinutes: Number.isNaN(minutes) ? undefined : minutes,
      ...(accountId ? { accountId } : {}),
    });
    const labels: Record<Field, string> = {
      name: t('optBundleName'),
      // The schema's item messages read as sentences about the whole bundle ("needs at least one role or group").
      items: t('optBundleItemsSubject'),
      templateId: t('optBundleTemplate'),
      durationMinutes: t('optDurationLabel'),
    };
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as Field | undefined;
        if (field && field in labels && !errors[field])
          errors[field] = fieldIssue(labels[field], validationText(issue, t));
      }
    }
    if (!errors.name && props.others.some((b) => b.id !== id && sameName(b.name, name)))
      errors.name = t('optNameTaken', name.trim());
    return { errors, bundle: parsed.success && Object.keys(errors).length === 0 ? parsed.data : undefined };
  }, [id, name, selected, templateId, duration, order, props.others, accountId]);
  const errors = submitted ? check.errors : {};

  const toggle = (key: string) => {
    const next = new Set(selected);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setSelected(next);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setSubmitted(true);
    if (!check.bundle) {
      const first = (['name', 'items', 'durationMinutes'] as const).find((f) => check.errors[f]);
      const target = {
        name: '#bundle-name',
        items: '#bundle-items input',
        durationMinutes: '#bundle-duration-custom',
      } as const;
      if (first) form.current?.querySelector<HTMLElement>(target[first])?.focus();
      return;
    }
    setSaving(true);
    setFailed(null);
    try {
      await props.onSubmit(check.bundle);
    } catch (err) {
      setFailed(t('saveFailed', errorText(err)));
    } finally {
      setSaving(false);
    }
  };

  const describeItem = (a: Assignment) =>
    [kindLabel(a), a.kind === 'group' ? accessLabel(a) : scopeLabel(a)].filter(Boolean).join(' · ');

  return (
    <form
      ref={form}
      class="form editor"
      noValidate
      onSubmit={submit}
      data-testid="bundle-editor"
      aria-labelledby="bundle-editor-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          props.onCancel();
        }
      }}
    >
      <h3 id="bundle-editor-title">{initial ? t('optBundleEditTitle', initial.name) : t('optBundleNewTitle')}</h3>
      <AccountScopeField id="bundle-account" value={accountId} onChange={setAccountId} />
      <div class="field">
        <label for="bundle-name">{t('optBundleName')}</label>
        <input
          id="bundle-name"
          type="text"
          value={name}
          maxLength={80}
          autocomplete="off"
          placeholder={t('optBundleNamePlaceholder')}
          onInput={(e) => setName(e.currentTarget.value)}
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={errors.name ? 'bundle-name-error' : undefined}
        />
        {errors.name && (
          <p class="field-error" id="bundle-name-error" data-testid="bundle-name-error">
            {errors.name}
          </p>
        )}
      </div>
      <fieldset
        class="field choices"
        id="bundle-items"
        aria-describedby={errors.items ? 'bundle-items-error' : 'bundle-items-hint'}
        aria-invalid={errors.items ? true : undefined}
      >
        <legend class="label">{t('optBundleItems')}</legend>
        {order.length === 0 ? (
          <p class="field-hint" id="bundle-items-hint">
            {t('optBundleNoChoices')}
          </p>
        ) : (
          <>
            <p class="field-hint" id="bundle-items-hint">
              {t('optBundleItemsHint')}
            </p>
            <ul class="choice-list">
              {choices.map((a) => (
                <li key={a.key}>
                  <label class="choice" data-testid="bundle-choice" data-key={a.key}>
                    <input type="checkbox" checked={selected.has(a.key)} onChange={() => toggle(a.key)} />
                    <span class="choice-text">
                      <span class="choice-name">{a.displayName}</span>
                      <span class="choice-sub">{describeItem(a)}</span>
                    </span>
                  </label>
                </li>
              ))}
              {stale.map((key) => (
                <li key={key}>
                  <label class="choice" data-testid="bundle-choice" data-key={key}>
                    <input type="checkbox" checked={selected.has(key)} onChange={() => toggle(key)} />
                    <span class="choice-text">
                      <span class="choice-name">{props.names.get(key) ?? key}</span>
                      <span class="choice-sub">{t('optBundleNotEligible')}</span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          </>
        )}
        {errors.items && (
          <p class="field-error" id="bundle-items-error" data-testid="bundle-items-error">
            {errors.items}
          </p>
        )}
      </fieldset>
      <div class="field">
        <label for="bundle-template">{t('optBundleTemplate')}</label>
        <select
          id="bundle-template"
          value={templateId}
          onChange={(e) => setTemplateId(e.currentTarget.value)}
          aria-describedby="bundle-template-hint"
        >
          <option value="">{t('optBundleTemplateNone')}</option>
          {props.templates.map((tpl) => (
            <option key={tpl.id} value={tpl.id}>
              {tpl.name}
            </option>
          ))}
          {templateId && !props.templates.some((tpl) => tpl.id === templateId) && (
            <option value={templateId}>{t('optBundleTemplateMissing')}</option>
          )}
        </select>
        <p class="field-hint" id="bundle-template-hint">
          {t('optBundleTemplateHint')}
        </p>
      </div>
      <DurationField id="bundle-duration" value={duration} error={errors.durationMinutes} onChange={setDuration} />
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={saving} data-testid="bundle-save">
          {t('optSave')}
        </button>
        <button type="button" class="btn" onClick={props.onCancel} data-testid="bundle-cancel">
          {t('optCancel')}
        </button>
        <span class="form-status" role="status">
          {failed}
          {submitted && !check.bundle && t('optFixErrors')}
        </span>
      </div>
    </form>
  );
}
