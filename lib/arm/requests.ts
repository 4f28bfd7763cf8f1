/**
 * Azure resource role requests as data (ARM, reference §8; the PutRoleAssignmentScheduleRequest example of
 * Azure/azure-rest-api-specs 2020-10-01): `PUT
 * {scope}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/ {new GUID}` at the eligibility's own scope,
 * which for a management-group eligibility is the management group. The GUID is the request's name, chosen by us: a
 * fresh one per attempt, and the write journal finds out whether a lost PUT landed by reading that very name back
 * (lib/background/reconcile.ts), so nothing is ever sent twice.
 */
import { minutesToIso } from '../pim/duration';
import type { Assignment } from '../pim/model';
import type { ActivationInput, GraphRequest, TicketInfo } from '../pim/requests';
import { parseScope } from './scope';

const REQUESTS = '/providers/Microsoft.Authorization/roleAssignmentScheduleRequests';

export interface AzureRequestBody {
  properties: {
    principalId: string;
    roleDefinitionId: string;
    requestType: 'SelfActivate' | 'SelfDeactivate';
    linkedRoleEligibilityScheduleId?: string;
    justification?: string;
    scheduleInfo?: {
      startDateTime: string;
      expiration: { type: 'AfterDuration'; endDateTime: null; duration: string };
    };
    ticketInfo?: TicketInfo;
  };
}

const newGuid = () => crypto.randomUUID();

/**
 * Thrown instead of building a write whose path is not what it claims: a stored scope or request id that is not an ARM
 * id (`?`, `#`, `%`, `..` or anything else parseScope refuses) would otherwise address another path on the host with
 * the user's token.
 */
export class UnsafeArmPath extends Error {
  constructor(what: string) {
    super(
      `PIM Companion did not send this Azure request: its ${what} is not an Azure Resource Manager id. Refresh the list ` +
        'and try again; if it happens again, sign out and in to start from fresh data.',
    );
    this.name = 'UnsafeArmPath';
  }
}

const REQUEST_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function azureRequestPath(scope: string, name: string): string {
  const parsed = parseScope(scope);
  if (!parsed) throw new UnsafeArmPath('scope');
  if (!REQUEST_NAME.test(name)) throw new UnsafeArmPath('request name');
  return `${parsed.id}${REQUESTS}/${name}`;
}

/** The GUID a PUT path names (its last segment), for the journal. */
export function azureRequestName(path: string): string | null {
  const m = /\/roleAssignmentScheduleRequests\/([^/?]+)$/i.exec(path);
  return m ? decodeURIComponent(m[1]!) : null;
}

function ticket(t: TicketInfo | undefined): { ticketInfo?: TicketInfo } {
  const number = t?.ticketNumber.trim();
  if (!number) return {};
  const system = t?.ticketSystem?.trim();
  return { ticketInfo: system ? { ticketNumber: number, ticketSystem: system } : { ticketNumber: number } };
}

/** SelfActivate, linked to the eligibility's schedule (its name, as in the documented example). */
export function azureSelfActivate(
  a: Pick<Assignment, 'directoryScopeId' | 'targetId' | 'scheduleId'>,
  principalId: string,
  input: ActivationInput,
  name: string = newGuid(),
): GraphRequest<AzureRequestBody> {
  const start = input.startAt && input.startAt.getTime() > input.now.getTime() ? input.startAt : input.now;
  const schedule = a.scheduleId?.split('/').filter(Boolean).pop();
  return {
    method: 'PUT',
    api: 'arm',
    path: azureRequestPath(a.directoryScopeId, name),
    body: {
      properties: {
        principalId,
        roleDefinitionId: a.targetId,
        requestType: 'SelfActivate',
        ...(schedule ? { linkedRoleEligibilityScheduleId: schedule } : {}),
        justification: input.justification.trim(),
        scheduleInfo: {
          startDateTime: start.toISOString(),
          expiration: { type: 'AfterDuration', endDateTime: null, duration: minutesToIso(input.durationMinutes) },
        },
        ...ticket(input.ticket),
      },
    },
  };
}

/** SelfDeactivate at the same scope, with its own fresh GUID. */
export function azureSelfDeactivate(
  a: Pick<Assignment, 'directoryScopeId' | 'targetId'>,
  principalId: string,
  name: string = newGuid(),
): GraphRequest<AzureRequestBody> {
  return {
    method: 'PUT',
    api: 'arm',
    path: azureRequestPath(a.directoryScopeId, name),
    body: { properties: { principalId, roleDefinitionId: a.targetId, requestType: 'SelfDeactivate' } },
  };
}

/** Withdraw a pending request: POST {request id}/cancel (CancelRoleAssignmentScheduleRequestByName). */
export function azureCancel(requestId: string): GraphRequest<never> {
  const m = new RegExp(`^(.+)${REQUESTS}/([^/]+)$`, 'i').exec(requestId.replace(/\/+$/, ''));
  if (!m) throw new UnsafeArmPath('request id');
  return { method: 'POST', api: 'arm', path: `${azureRequestPath(m[1]!, m[2]!)}/cancel` };
}
