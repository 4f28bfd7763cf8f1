/**
 * Formatting the commands' sentences need. The sentences themselves live in the messages files (cmd… keys) and are read
 * through lib/i18n's t() where the result is made (./activation.ts, ./commands.ts).
 */

/** "14:00" today, "Tue 14:00" within a week, else the date and time. */
export function formatStart(at: Date, now: Date, locale: string, timeZone?: string): string {
  const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' }).format(at);
  if (day(at) === day(now)) return time;
  const soon = at.getTime() - now.getTime() < 6 * 24 * 3_600_000;
  const date = new Intl.DateTimeFormat(locale, soon ? { timeZone, weekday: 'short' } : { timeZone, dateStyle: 'medium' }).format(at);
  return `${date} ${time}`;
}
