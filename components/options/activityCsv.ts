/**
 * The activity history as CSV (RFC 4180: CRLF, quotes doubled), newest first. Column names are stable identifiers
 * for scripts, not translated. Role, group and reason texts come from Graph and from users, so a cell that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with an apostrophe (OWASP "CSV injection").
 */
import type { ActivityEntry } from '../../lib/storage';

export const ACTIVITY_CSV_COLUMNS = [
  'time',
  'action',
  'name',
  'key',
  'reason',
  'duration_minutes',
  'outcome',
  'details',
  'request_id',
] as const;

export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Newest first whatever the stored order (the list is kept newest first, but a CSV must not depend on that). */
export function sortActivity(entries: readonly ActivityEntry[]): ActivityEntry[] {
  return [...entries].sort((a, b) => (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0));
}

export function activityCsv(entries: readonly ActivityEntry[]): string {
  const rows = sortActivity(entries).map((e) =>
    [e.at, e.action, e.displayName, e.key, e.justification, e.durationMinutes, e.outcome, e.text, e.requestId]
      .map(csvCell)
      .join(','),
  );
  return [ACTIVITY_CSV_COLUMNS.join(','), ...rows].map((row) => `${row}\r\n`).join('');
}
