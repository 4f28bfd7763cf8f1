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

export function azureRequestPath(scope: string, name: string): string {
  return `${scope.replace(/\/+$/, '')}${REQUESTS}/${encodeURIComponent(name)}`;
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
  return { method: 'POST', api: 'arm', path: `${requestId.replace(/\/+$/, '')}/cancel` };
}
