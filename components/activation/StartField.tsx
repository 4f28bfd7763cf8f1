/** When: now, or at a chosen time (PIM then answers Granted and the activation starts by itself). */
import { useId } from 'preact/hooks';
import { t } from '../../lib/i18n';

const pad = (n: number) => String(n).padStart(2, '0');

/** ms → the value a datetime-local input shows, in the browser's own zone (which is how the input reads it back). */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value → ms, or null when it is not a complete date and time. */
export function fromLocalInput(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** The next full hour after `now`: a sensible first offer when the user switches to "at a time". */
export function nextHour(now: number): number {
  const d = new Date(now);
  d.setMinutes(0, 0, 0);
  return d.getTime() + 3_600_000;
}

export interface StartFieldProps {
  /** null = now; else the datetime-local text. */
  value: string | null;
  now: number;
  error: string | null;
  onChange(value: string | null): void;
}

export function StartField({ value, now, error, onChange }: StartFieldProps) {
  const id = useId();
  return (
    <div class="act-field act-start" data-field="start">
      <label class="act-label" for={id}>
        {t('actFormStart')}
      </label>
      <div class="act-start-row">
        <select
          id={id}
          class="act-input"
          value={value === null ? 'now' : 'later'}
          data-testid="start-mode"
          onChange={(e) => onChange(e.currentTarget.value === 'now' ? null : toLocalInput(nextHour(now)))}
        >
          <option value="now">{t('actFormStartNow')}</option>
          <option value="later">{t('actFormStartLater')}</option>
        </select>
        {value !== null && (
          <input
            type="datetime-local"
            class="act-input"
            value={value}
            min={toLocalInput(now)}
            aria-label={t('actFormStartAt')}
            aria-invalid={error !== null}
            aria-describedby={`${id}-msg`}
            data-testid="start-at"
            onInput={(e) => onChange(e.currentTarget.value)}
          />
        )}
      </div>
      <span id={`${id}-msg`} class="act-error" data-testid="start-error">
        {error}
      </span>
    </div>
  );
}
