/**
 * Default activation length for a template or bundle: none (the popup uses the remembered or the policy's length),
 * a preset, or a custom number of minutes. The popup clamps it to each role's policy maximum when it activates.
 */
import { DURATION_PRESETS_MINUTES, formatMinutes } from '../../lib/pim/duration';
import { t } from '../../lib/i18n';

export interface DurationValue {
  /** '' = no default, a preset's minutes, or 'custom'. */
  choice: string;
  custom: string;
}

export function durationValue(minutes: number | undefined): DurationValue {
  if (minutes === undefined) return { choice: '', custom: '' };
  return DURATION_PRESETS_MINUTES.includes(minutes)
    ? { choice: String(minutes), custom: '' }
    : { choice: 'custom', custom: String(minutes) };
}

/** Minutes, undefined for "no default", or NaN when the custom box holds something that is not a number. */
export function durationMinutes(value: DurationValue): number | undefined {
  if (value.choice === '') return undefined;
  const text = value.choice === 'custom' ? value.custom.trim() : value.choice;
  return text === '' || !/^\d+(\.\d+)?$/.test(text) ? Number.NaN : Number(text);
}

export interface DurationFieldProps {
  id: string;
  value: DurationValue;
  error?: string;
  onChange(value: DurationValue): void;
}

export function DurationField({ id, value, error, onChange }: DurationFieldProps) {
  const customId = `${id}-custom`;
  return (
    <div class="field">
      <label for={id}>{t('optDurationLabel')}</label>
      <div class="field-row">
        <select
          id={id}
          value={value.choice}
          onChange={(e) => onChange({ ...value, choice: e.currentTarget.value })}
          aria-describedby={`${id}-hint`}
        >
          <option value="">{t('optDurationNone')}</option>
          {DURATION_PRESETS_MINUTES.map((m) => (
            <option key={m} value={String(m)}>
              {formatMinutes(m, t)}
            </option>
          ))}
          <option value="custom">{t('optDurationCustom')}</option>
        </select>
        {value.choice === 'custom' && (
          <span class="field-inline">
            <input
              id={customId}
              type="number"
              inputMode="numeric"
              min={5}
              max={1440}
              step={1}
              class="input-narrow"
              value={value.custom}
              onInput={(e) => onChange({ ...value, custom: e.currentTarget.value })}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : `${id}-hint`}
            />
            <label for={customId}>{t('optDurationCustomUnit')}</label>
          </span>
        )}
      </div>
      {error ? (
        <p class="field-error" id={`${id}-error`} data-testid={`${id}-error`}>
          {error}
        </p>
      ) : (
        <p class="field-hint" id={`${id}-hint`}>
          {t('optDurationHint')}
        </p>
      )}
    </div>
  );
}
