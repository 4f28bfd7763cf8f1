/**
 * Connection settings: cloud, tenant and client id, checked with the same zod schema storage uses, each field showing
 * the schema's own message (a message key, said in the user's language). Saving is an event: the options entrypoint
 * writes connectionItem. A field the organisation sets by policy (lib/managed.ts) is disabled, shows the managed value
 * and says "Set by your organisation".
 */
import { useEffect, useState } from 'preact/hooks';
import { CLOUDS } from '../../lib/clouds';
import { t } from '../../lib/i18n';
import { validationText } from '../../lib/pim/templates';
import { Connection } from '../../lib/storage';

export interface ConnectionFormProps {
  initial: Connection | null;
  onSave(connection: Connection): Promise<void>;
  /** Fields set by managed policy: read-only here; `initial` carries their managed values. */
  locked?: Partial<Record<Field, boolean>>;
}

type Field = 'cloudId' | 'tenant' | 'clientId';
type Status = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'failed'; message: string };

export function ConnectionForm({ initial, onSave, locked = {} }: ConnectionFormProps) {
  const [values, setValues] = useState<Record<Field, string>>({
    cloudId: initial?.cloudId ?? CLOUDS[0]!.id,
    tenant: initial?.tenant ?? '',
    clientId: initial?.clientId ?? '',
  });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  // A policy can arrive or change while the page is open: locked fields follow it, the user's typing elsewhere stays.
  useEffect(() => {
    setValues((v) => ({
      cloudId: locked.cloudId && initial ? initial.cloudId : v.cloudId,
      tenant: locked.tenant && initial ? initial.tenant : v.tenant,
      clientId: locked.clientId && initial ? initial.clientId : v.clientId,
    }));
  }, [initial?.cloudId, initial?.tenant, initial?.clientId, locked.cloudId, locked.tenant, locked.clientId]);
  const allLocked = !!(locked.cloudId && locked.tenant && locked.clientId);

  const set = (field: Field) => (e: Event) => {
    const value = (e.currentTarget as HTMLInputElement | HTMLSelectElement).value;
    setValues((v) => ({ ...v, [field]: value }));
    setStatus({ kind: 'idle' });
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const parsed = Connection.safeParse(values);
    if (!parsed.success) {
      const next: Partial<Record<Field, string>> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as Field | undefined;
        if (field && !next[field]) next[field] = validationText(issue, t);
      }
      setErrors(next);
      setStatus({ kind: 'idle' });
      return;
    }
    setErrors({});
    setValues({ cloudId: parsed.data.cloudId, tenant: parsed.data.tenant, clientId: parsed.data.clientId });
    setStatus({ kind: 'saving' });
    try {
      await onSave(parsed.data);
      setStatus({ kind: 'saved' });
    } catch (err) {
      setStatus({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  };

  const describe = (field: Field) =>
    [errors[field] ? `${field}-error` : `${field}-hint`, locked[field] ? `${field}-locked` : ''].join(' ').trim();
  const lockNote = (field: Field) =>
    locked[field] && (
      <p class="field-hint field-locked" id={`${field}-locked`} data-testid={`${field}-locked`}>
        {t('managedSetByOrg')}
      </p>
    );

  return (
    <form class="form" onSubmit={submit} noValidate data-testid="connection-form">
      <div class="field">
        <label for="cloudId">{t('fieldCloud')}</label>
        <select
          id="cloudId"
          value={values.cloudId}
          onChange={set('cloudId')}
          aria-describedby={describe('cloudId')}
          disabled={locked.cloudId}
        >
          {CLOUDS.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
        <p class="field-hint" id="cloudId-hint">
          {t('fieldCloudHint')}
        </p>
        {lockNote('cloudId')}
      </div>
      {(['tenant', 'clientId'] as const).map((field) => (
        <div class="field" key={field}>
          <label for={field}>{field === 'tenant' ? t('fieldTenant') : t('fieldClientId')}</label>
          <input
            id={field}
            name={field}
            type="text"
            value={values[field]}
            onInput={set(field)}
            spellcheck={false}
            autocomplete="off"
            placeholder={field === 'tenant' ? 'contoso.onmicrosoft.com' : '00000000-0000-0000-0000-000000000000'}
            aria-invalid={errors[field] ? true : undefined}
            aria-describedby={describe(field)}
            disabled={locked[field]}
          />
          {lockNote(field)}
          {errors[field] ? (
            <p class="field-error" id={`${field}-error`} data-testid={`${field}-error`}>
              {errors[field]}
            </p>
          ) : (
            <p class="field-hint" id={`${field}-hint`}>
              {field === 'tenant' ? t('fieldTenantHint') : t('fieldClientIdHint')}
            </p>
          )}
        </div>
      ))}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={status.kind === 'saving' || allLocked}>
          {t('save')}
        </button>
        <span class="form-status" role="status" data-testid="save-status">
          {status.kind === 'saved' && t('saved')}
          {status.kind === 'failed' && t('saveFailed', status.message)}
        </span>
      </div>
    </form>
  );
}
