/**
 * The toolbar button: the badge shows the shortest time left of a running activation ("3h", "45m", "9m" in the warning
 * colour, "<1m"), or the number of requests waiting for approval when nothing runs, or nothing; the tooltip lists what
 * is active and until when. `toolbarState` is pure; `applyToolbar` writes it to chrome.action.
 *
 * The text is exact to the minute in the last 15 minutes, when it matters, and coarser before (quarter hours below an
 * hour, then hours, then days), so the one-shot `badge` alarm (lib/background/schedule.ts) that repaints it when the
 * text changes wakes the worker once an hour while a long activation runs, and 17 times in its last hour.
 */
import { browser } from 'wxt/browser';
import { plural, type Translate } from '../i18n';
import type { Snapshot } from '../pim/model';
import type { Settings } from '../storage';
import { formatMoment, MINUTE, parseTime, type TimeFormat } from '../pim/time';
import { badgeText } from './badge-text';
import { pendingRequests, runningActivations } from './schedule';

export { badgeText };

export const BADGE_COLOURS = {
  normal: '#0F6CBD',
  warning: '#C50F1F',
  pending: '#616161',
  /** Requests waiting for the user's own decision (issue 15): something to do, not something to wait for. */
  approvals: '#8A3707',
} as const;

export interface ToolbarState {
  text: string;
  colour: string;
  title: string;
}

/** `tr` gives the tooltip's words (lib/i18n's t); its times follow `format.locale`. */
export function toolbarState(
  snapshot: Snapshot | null,
  settings: Settings,
  nowMs: number,
  format: TimeFormat,
  tr: Translate,
  /** How many requests wait for the user's approval; shown when nothing runs, before the user's own pending count. */
  approvals = 0,
): ToolbarState {
  const skew = snapshot?.clockSkewMs ?? 0;
  const pimNow = nowMs + skew;
  const running = runningActivations(snapshot, pimNow).sort(
    (a, b) => parseTime(a.endDateTime)! - parseTime(b.endDateTime)!,
  );
  const pending = pendingRequests(snapshot);
  const lines: string[] = [tr('appName')];

  for (const a of running) {
    // Shown in local time: the tooltip is read against the user's own clock.
    lines.push(tr('toolbarActiveUntil', a.displayName, formatMoment(parseTime(a.endDateTime)! - skew, nowMs, format)));
  }
  if (pending.length > 0) lines.push(plural(tr, 'toolbarPending', pending.length));
  if (approvals > 0) lines.push(plural(tr, 'toolbarApprovals', approvals));
  if (snapshot && running.length === 0 && pending.length === 0 && approvals === 0)
    lines.push(tr('toolbarNothingActive'));
  const title = lines.join('\n');

  if (running.length > 0) {
    const left = parseTime(running[0]!.endDateTime)! - pimNow;
    const warning = left < settings.warningThresholdMinutes * MINUTE;
    return { text: badgeText(left), colour: warning ? BADGE_COLOURS.warning : BADGE_COLOURS.normal, title };
  }
  if (approvals > 0) return { text: String(Math.min(approvals, 99)), colour: BADGE_COLOURS.approvals, title };
  if (pending.length > 0) return { text: String(pending.length), colour: BADGE_COLOURS.pending, title };
  return { text: '', colour: BADGE_COLOURS.normal, title };
}

/** Writes the state to the toolbar button (white text on the badge colour where the browser supports it). */
export async function applyToolbar(state: ToolbarState): Promise<void> {
  await Promise.all([
    browser.action.setBadgeText({ text: state.text }),
    browser.action.setBadgeBackgroundColor({ color: state.colour }),
    browser.action.setTitle({ title: state.title }),
    // setBadgeTextColor: Chromium 110+, Firefox 109+; absent elsewhere, where the default contrast is used.
    browser.action.setBadgeTextColor?.({ color: '#FFFFFF' }),
  ]);
}
