/** How the options page says a length and a moment, through t() (lib/pim's formatMinutes is English-only). */
import { t } from '../../lib/i18n';

export function durationText(minutes: number): string {
  const total = Math.max(0, Math.round(minutes));
  const hours = Math.floor(total / 60);
  const mins = total % 60;
  if (hours === 0) return t('optDurationMinutes', mins);
  return mins === 0 ? t('optDurationHours', hours) : t('optDurationHoursMinutes', hours, mins);
}

/** The message of anything thrown, for "Couldn't save: …". */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
