/**
 * How long: the presets that fit the policy (30 min … plus the maximum itself, e.g. 1 h 45 min) and a custom
 * hours/minutes pair, clamped to the maximum so the request never fails PIM's ExpirationRule.
 */
import { useId, useState } from 'preact/hooks';
import { t } from '../../lib/i18n';
import { durationPresets, formatMinutes } from '../../lib/pim/duration';

/** The protocol's floor (ActivationInput.durationMinutes); PIM itself has none below the policy maximum. */
export const MIN_MINUTES = 5;

export function clampDuration(minutes: number, max: number): number {
  if (!Number.isFinite(minutes)) return max;
  return Math.min(Math.max(MIN_MINUTES, Math.floor(max)), Math.max(MIN_MINUTES, Math.round(minutes)));
}

export interface DurationFieldProps {
  max: number;
  value: number;
  /** PIM's own sentence (ExpirationRule). */
  error: string | null;
  onChange(minutes: number): void;
}

export function DurationField({ max, value, error, onChange }: DurationFieldProps) {
  const id = useId();
  const presets = durationPresets(max).filter((p) => p >= MIN_MINUTES);
  const [custom, setCustom] = useState(!presets.includes(value));
  const [hours, setHours] = useState(String(Math.floor(value / 60)));
  const [minutes, setMinutes] = useState(String(value % 60));
  const typed = (Number(hours) || 0) * 60 + (Number(minutes) || 0);

  const setTyped = (h: string, m: string) => {
    setHours(h);
    setMinutes(m);
    onChange(clampDuration((Number(h) || 0) * 60 + (Number(m) || 0), max));
  };
  // Show what will be sent once the user leaves the box, so "3 h" on a 1 h 45 min policy visibly becomes 1 h 45 min.
  const normalise = () => {
    setHours(String(Math.floor(value / 60)));
    setMinutes(String(value % 60));
  };

  return (
    <fieldset class="act-field act-fieldset" data-field="duration" aria-describedby={`${id}-msg`}>
      <legend class="act-label">
        {t('actFormDuration')} <span class="act-hint">{t('actFormDurationMax', formatMinutes(max, t))}</span>
      </legend>
      <div class="act-chips">
        {presets.map((p) => (
          <label class="act-chip" key={p}>
            <input
              type="radio"
              name={id}
              value={String(p)}
              checked={!custom && value === p}
              data-testid="duration-preset"
              onChange={() => {
                setCustom(false);
                onChange(p);
              }}
            />
            <span>{formatMinutes(p, t)}</span>
          </label>
        ))}
        <label class="act-chip">
          <input
            type="radio"
            name={id}
            value="custom"
            checked={custom}
            data-testid="duration-custom"
            onChange={() => {
              setCustom(true);
              normalise();
            }}
          />
          <span>{t('actFormDurationCustom')}</span>
        </label>
      </div>
      {custom && (
        <div class="act-custom">
          <input
            type="number"
            class="act-input act-number"
            min={0}
            max={Math.floor(max / 60)}
            value={hours}
            aria-label={t('actFormHours')}
            data-testid="duration-hours"
            onInput={(e) => setTyped(e.currentTarget.value, minutes)}
            onBlur={normalise}
          />
          <span aria-hidden="true">{t('actFormHoursUnit')}</span>
          <input
            type="number"
            class="act-input act-number"
            min={0}
            max={59}
            step={5}
            value={minutes}
            aria-label={t('actFormMinutes')}
            data-testid="duration-minutes"
            onInput={(e) => setTyped(hours, e.currentTarget.value)}
            onBlur={normalise}
          />
          <span aria-hidden="true">{t('actFormMinutesUnit')}</span>
          {typed > max && (
            <span class="act-hint" data-testid="duration-clamped">
              {t('actFormDurationClamped', formatMinutes(max, t))}
            </span>
          )}
        </div>
      )}
      <span id={`${id}-msg`} class="act-error" data-testid="duration-error">
        {error}
      </span>
    </fieldset>
  );
}
