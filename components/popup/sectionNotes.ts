/**
 * Sentences for the parts of a snapshot that could not be read (snapshot.sections[id].error). One note per kind
 * (roles, groups) and kind of failure, naming what is missing, what is shown instead and what to do.
 */
import { t, type MessageKey } from '../../lib/i18n';
import type { SectionError, SectionId, Snapshot } from '../../lib/pim/model';
import { formatMoment, parseTime, type TimeFormat } from '../../lib/pim/time';

const ROLE_SECTIONS: readonly SectionId[] = ['roleEligible', 'roleActive', 'rolePending'];
const GROUP_SECTIONS: readonly SectionId[] = ['groupEligible', 'groupActive', 'groupPending'];
const AZURE_SECTIONS: readonly SectionId[] = ['azureEligible', 'azureActive', 'azurePending'];
/** The code lib/background/azure.ts gives the Azure sections when no ARM token could be had for want of consent. */
export const AZURE_CONSENT_CODE = 'AzureConsentRequired';
type Kind = 'role' | 'group' | 'azure';

const SECTION_NAME: Record<SectionId, MessageKey> = {
  roleEligible: 'sectionNameRoleEligible',
  roleActive: 'sectionNameRoleActive',
  rolePending: 'sectionNameRolePending',
  groupEligible: 'sectionNameGroupEligible',
  groupActive: 'sectionNameGroupActive',
  groupPending: 'sectionNameGroupPending',
  azureEligible: 'sectionNameAzureEligible',
  azureActive: 'sectionNameAzureActive',
  azurePending: 'sectionNameAzurePending',
};

/**
 * The least-privileged delegated permission each read needs (docs: Graph PIM permissions), for the admin to consent to.
 */
const SECTION_PERMISSION: Record<SectionId, string> = {
  roleEligible: 'RoleEligibilitySchedule.Read.Directory',
  roleActive: 'RoleAssignmentSchedule.Read.Directory',
  rolePending: 'RoleAssignmentSchedule.ReadWrite.Directory',
  groupEligible: 'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  groupActive: 'PrivilegedAssignmentSchedule.Read.AzureADGroup',
  groupPending: 'PrivilegedAssignmentSchedule.Read.AzureADGroup',
  azureEligible: 'Azure Service Management user_impersonation',
  azureActive: 'Azure Service Management user_impersonation',
  azurePending: 'Azure Service Management user_impersonation',
};

const ALL_NAME: Record<Kind, MessageKey> = {
  role: 'sectionNameAllRoles',
  group: 'sectionNameAllGroups',
  azure: 'sectionNameAllAzure',
};

type Reason = 'permission' | 'auth' | 'throttled' | 'unavailable' | 'other';

function reasonOf(error: SectionError): Reason {
  if (error.status === 403) return 'permission';
  if (error.status === 401) return 'auth';
  if (error.status === 429) return 'throttled';
  if (error.status === 0 || error.status >= 500) return 'unavailable';
  return 'other';
}

export interface SectionNote {
  /** Stable id for rendering and tests: `${kind}:${reason}`. */
  id: string;
  kind: Kind;
  text: string;
}

function listOf(items: string[], locale: string): string {
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(items);
}

export function sectionNotes(snapshot: Snapshot, now: number, format: TimeFormat): SectionNote[] {
  const failedIds = (ids: readonly SectionId[]) => ids.filter((id) => snapshot.sections[id]?.error);
  const failedRoles = failedIds(ROLE_SECTIONS);
  const failedGroups = failedIds(GROUP_SECTIONS);
  const failedAzure = failedIds(AZURE_SECTIONS);
  const notes: SectionNote[] = [];
  if (failedAzure.some((id) => snapshot.sections[id]!.error!.code === AZURE_CONSENT_CODE))
    notes.push({ id: 'azure:consent', kind: 'azure', text: t('noteAzureConsent') });
  for (const [kind, ids, failed, othersFailed] of [
    ['role', ROLE_SECTIONS, failedRoles, failedGroups.length > 0],
    ['group', GROUP_SECTIONS, failedGroups, failedRoles.length > 0],
    [
      'azure',
      AZURE_SECTIONS,
      failedAzure.filter((id) => snapshot.sections[id]!.error!.code !== AZURE_CONSENT_CODE),
      true,
    ],
  ] as const) {
    const byReason = new Map<Reason, SectionId[]>();
    for (const id of failed) {
      const reason = reasonOf(snapshot.sections[id]!.error!);
      byReason.set(reason, [...(byReason.get(reason) ?? []), id]);
    }
    for (const [reason, sectionIds] of byReason) {
      const whole = sectionIds.length === ids.length;
      const what = whole
        ? t(ALL_NAME[kind])
        : listOf(
            sectionIds.map((id) => t(SECTION_NAME[id])),
            format.locale,
          );
      const showing = showingText(snapshot, sectionIds, kind, whole && !othersFailed, now, format);
      const first = snapshot.sections[sectionIds[0]!]!.error!;
      notes.push({
        id: `${kind}:${reason}`,
        kind,
        text: noteText(reason, what, showing, sectionIds, first, format.locale),
      });
    }
  }
  return notes;
}

/** What the user is looking at instead: the last good data, the other kind only, or the rest. */
function showingText(
  snapshot: Snapshot,
  ids: SectionId[],
  kind: Kind,
  onlyOtherKind: boolean,
  now: number,
  format: TimeFormat,
): string {
  const fetched = ids.map((id) => parseTime(snapshot.sections[id]?.fetchedAt ?? null));
  if (fetched.every((ms): ms is number => ms !== null))
    return t('noteShowingFrom', formatMoment(Math.min(...fetched), now, format));
  if (onlyOtherKind && kind !== 'azure') return t(kind === 'role' ? 'noteShowingGroupsOnly' : 'noteShowingRolesOnly');
  return t('noteShowingRest');
}

function noteText(
  reason: Reason,
  what: string,
  showing: string,
  ids: SectionId[],
  error: SectionError,
  locale: string,
): string {
  switch (reason) {
    case 'permission':
      return t('notePermission', what, showing, listOf([...new Set(ids.map((id) => SECTION_PERMISSION[id]))], locale));
    case 'auth':
      return t('noteAuth', what, showing);
    case 'throttled':
      return t('noteThrottled', what, showing);
    case 'unavailable':
      return t('noteUnavailable', what, showing, error.status === 0 ? t('noteNoAnswer') : String(error.status));
    case 'other':
      return t('noteOther', what, showing, `${error.message} (${error.status} ${error.code})`);
  }
}
