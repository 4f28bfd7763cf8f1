/** The words the popup shows about an assignment, from the pure structures of lib/pim via t(). */
import { t } from '../../lib/i18n';
import type { Assignment } from '../../lib/pim/model';
import type { TimeLeft } from '../../lib/pim/time';

export function kindLabel(a: Assignment): string {
  return a.kind === 'role' ? t('kindRole') : a.kind === 'azure' ? t('kindAzure') : t('kindGroup');
}

/**
 * "Tenant-wide", the administrative unit's name, or its path when the name is not known. Azure roles: the readable
 * scope path ("Contoso Prod › rg-web › kv-web-01", lib/arm/scope.ts).
 */
export function scopeLabel(a: Assignment): string {
  if (a.kind === 'azure') return a.scopeName ?? a.directoryScopeId;
  if (a.kind === 'group' || a.directoryScopeId === '/' || a.directoryScopeId === '') return t('scopeTenantWide');
  return a.scopeName ?? t('scopeUnnamed', a.directoryScopeId);
}

/** Groups: whether PIM makes the user a member or an owner. */
export function accessLabel(a: Assignment): string | null {
  if (a.accessId === 'owner') return t('accessOwner');
  if (a.accessId === 'member') return t('accessMember');
  return null;
}

export function timeLeftText(left: TimeLeft): string {
  switch (left.kind) {
    case 'ended':
      return t('timeLeftEnded');
    case 'underMinute':
      return t('timeLeftUnderMinute');
    case 'clock':
      return t('timeLeftClock', left.text);
    case 'minutes':
      return t('timeLeftMinutes', left.minutes);
    case 'hours':
      return left.minutes === 0 ? t('timeLeftHours', left.hours) : t('timeLeftHoursMinutes', left.hours, left.minutes);
  }
}

/** Graph request statuses as a person would say them; unknown ones are "in progress" (Graph adds values over time). */
export function pendingStatusText(status: string | null): string {
  switch ((status ?? '').toLowerCase()) {
    case 'pendingapproval':
    case 'pendingadmindecision':
      return t('pendingStatusApproval');
    case 'granted':
    case 'pendingschedulecreation':
    case 'schedulecreated':
      return t('pendingStatusScheduled');
    case 'pendingprovisioning':
      return t('pendingStatusProvisioning');
    default:
      return status ? t('pendingStatusOther', status) : t('pendingStatusProvisioning');
  }
}

/** An approved request whose start lies ahead (Granted until it starts, reference §1.3). */
export function isScheduled(status: string | null): boolean {
  return ['granted', 'pendingschedulecreation', 'schedulecreated'].includes((status ?? '').toLowerCase());
}

/** Searchable words the UI adds to an assignment (what the user sees, so what they will type). */
export function searchLabels(a: Assignment): string[] {
  return [kindLabel(a), scopeLabel(a), accessLabel(a) ?? ''];
}
