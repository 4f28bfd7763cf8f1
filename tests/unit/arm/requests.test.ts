import { describe, expect, it } from 'vitest';
import { azureCancel, azureSelfActivate, azureSelfDeactivate, UnsafeArmPath } from '../../../lib/arm/requests';

const SUB = '/subscriptions/11111111-2222-3333-4444-555555555555';
const RG = `${SUB}/resourceGroups/rg-web`;
const ROLE = `${SUB}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`;
const NAME = '6f1a3b4c-1d2e-4f50-8a9b-0c1d2e3f4a5b';
const REQ = `${RG}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/${NAME}`;
const input = {
  justification: 'Deploy',
  durationMinutes: 60,
  now: new Date('2026-12-02T10:00:00Z'),
};

describe('ARM write paths are built only from ARM ids', () => {
  it('puts a request at the eligibility’s scope, named by a fresh GUID', () => {
    const r = azureSelfActivate({ directoryScopeId: RG, targetId: ROLE }, 'me', input, NAME);
    expect(r.path).toBe(REQ);
    expect(azureCancel(REQ).path).toBe(`${REQ}/cancel`);
  });

  it.each([
    ['a query', `${SUB}/providers/Microsoft.Compute/virtualMachines/vm1/deallocate?api-version=2024-03-01&x=`],
    ['a fragment', `${RG}#x`],
    ['a parent step', `${RG}/../../providers/Microsoft.Authorization/roleAssignments/${NAME}`],
    ['an escape', `${RG}/%2e%2e`],
    ['nothing', ''],
  ])('refuses a scope with %s (a poisoned snapshot cannot redirect the write)', (_what, scope) => {
    expect(() => azureSelfActivate({ directoryScopeId: scope, targetId: ROLE }, 'me', input, NAME)).toThrow(
      UnsafeArmPath,
    );
    expect(() => azureSelfDeactivate({ directoryScopeId: scope, targetId: ROLE }, 'me', NAME)).toThrow(UnsafeArmPath);
  });

  it('refuses a cancel of anything but a role-assignment schedule request', () => {
    expect(() => azureCancel(`${SUB}/providers/Microsoft.Compute/virtualMachines/vm1/deallocate?x=`)).toThrow(
      UnsafeArmPath,
    );
    expect(() => azureCancel(`${RG}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/x?y`)).toThrow(
      UnsafeArmPath,
    );
    expect(() => azureCancel(`${REQ}/../../roleAssignments/${NAME}`)).toThrow(UnsafeArmPath);
  });

  it('says what happened and what to do next', () => {
    expect(() => azureCancel('x')).toThrow(/did not send this Azure request.*Refresh the list and try again/);
  });
});
