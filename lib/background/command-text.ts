/**
 * The sentences the commands add to lib/pim/errors.ts's table (step-up, skipped bundle items, refusals made before any
 * request). Same voice: what happened, then what to do next. Kept together for a later move to i18n.
 */
export const COMMAND_TEXT = {
  notSignedIn: 'Sign in to PIM Companion first, then try again.',
  notInList: '{name} is not in your PIM list (any more). The list is being refreshed; try again then.',
  alreadyActive: '{name} is already active.',
  alreadyPending: 'A request for {name} is already waiting for approval.',
  notActive: '{name} is not active, so there is nothing to {verb}. The list is being refreshed.',
  noPending: 'There is no pending request for {name} to cancel. The list is being refreshed.',
  scheduled: '{name} is scheduled: starts {time}.',
  stepUp: 'Verify your identity in the sign-in tab to {verb} {name}.',
  stepUpFailed: 'PIM still refused {name} after the extra sign-in check: {detail} Ask your PIM admin whether the role settings and Conditional Access match.',
  stepUpCancelled: 'Verification cancelled, so {name} was not {done}. Start again from PIM Companion when you are ready.',
  stepUpGone: 'This verification is no longer waiting (it expired or was already used). Start the activation again from PIM Companion.',
  skippedActive: '{name} is already active; skipped.',
  skippedPending: 'A request for {name} is already waiting for approval; skipped.',
  missingItem: '{name} is no longer in your PIM list; skipped. Edit the bundle to remove it.',
  unknownBundle: 'That bundle no longer exists. Reopen the list of bundles and try again.',
  deactivateTooSoon: '{name} was activated less than 5 minutes ago; PIM allows deactivating it from {time}.',
  deactivateNotActivated: '{name} was assigned by an admin rather than activated by you, so only an admin can remove it.',
  deactivateViaGroup: '{name} is held through a group; deactivate the group membership instead.',
  extensionGroup: 'Microsoft Graph has no self-service extension for PIM groups. Ask your PIM admin to extend your eligibility for {name}.',
  extensionNotEnding: 'Your eligibility for {name} does not end within 14 days, so there is nothing to extend yet.',
  extensionRequested: 'Extension requested for {name}: your PIM admins will decide, and the new end date shows here once approved.',
  reloadUnavailable: 'PIM Companion could not look for open admin portal tabs ({detail}). Reload the admin center yourself.',
  formNeeded: '{text} Open PIM Companion from the toolbar to fill it in.',
} as const;

export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole));
}

/** "14:00" today, "Tue 14:00" within a week, else the date and time. */
export function formatStart(at: Date, now: Date, locale: string, timeZone?: string): string {
  const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' }).format(at);
  if (day(at) === day(now)) return time;
  const soon = at.getTime() - now.getTime() < 6 * 24 * 3_600_000;
  const date = new Intl.DateTimeFormat(locale, soon ? { timeZone, weekday: 'short' } : { timeZone, dateStyle: 'medium' }).format(at);
  return `${date} ${time}`;
}
