import { describe, expect, it } from 'vitest';
import {
  BatchResponse,
  GroupAssignmentInstance,
  GroupEligibilityInstance,
  GroupRequest,
  parseList,
  RoleAssignmentInstance,
  RoleEligibilityInstance,
  RoleRequest,
} from '../../../lib/graph/schemas';
import * as P from './payloads';

const baseRole = {
  id: 'i1',
  principalId: P.ME,
  roleDefinitionId: P.ROLE.exchangeAdmin,
  directoryScopeId: '/',
  startDateTime: '2024-01-01T00:00:00Z',
  endDateTime: '2024-02-01T00:00:00Z',
  memberType: 'Direct',
};
const baseGroup = { id: 'g1', principalId: P.ME, groupId: P.GROUP.tier0, accessId: 'member', memberType: 'direct' };

describe('role instances', () => {
  it.each([
    ['Direct', 'direct'],
    ['direct', 'direct'],
    ['DIRECT', 'direct'],
    ['Group', 'group'],
    ['group', 'group'],
    ['Inherited', 'inherited'],
    [null, 'direct'],
    [undefined, 'direct'],
    // Unknown kinds must not look self-manageable.
    ['unknownFutureValue', 'inherited'],
  ])('memberType %s → %s', (memberType, expected) => {
    expect(RoleEligibilityInstance.parse({ ...baseRole, memberType }).memberType).toBe(expected);
  });

  it.each([
    ['Activated', 'Activated'],
    ['activated', 'Activated'],
    ['Assigned', 'Assigned'],
    ['assigned', 'Assigned'],
    [null, null],
    [undefined, null],
    ['somethingElse', null],
  ])('assignmentType %s → %s', (assignmentType, expected) => {
    expect(RoleAssignmentInstance.parse({ ...baseRole, assignmentType }).assignmentType).toBe(expected);
  });

  it.each([
    ['null end = permanent', { endDateTime: null }, null],
    ['missing end = permanent', { endDateTime: undefined }, null],
    ['7 fractional digits', { endDateTime: '2024-04-12T14:44:50.2873456Z' }, '2024-04-12T14:44:50.287Z'],
    ['offset form', { endDateTime: '2024-04-12T16:44:50+02:00' }, '2024-04-12T14:44:50.000Z'],
  ])('endDateTime: %s', (_name, patch, expected) => {
    expect(RoleEligibilityInstance.parse({ ...baseRole, ...patch }).endDateTime).toBe(expected);
  });

  it.each([
    ['/', '/'],
    ['', '/'],
    [null, '/'],
    [undefined, '/'],
    [`/administrativeUnits/${P.AU}`, `/administrativeUnits/${P.AU}`],
  ])('directoryScopeId %s → %s', (directoryScopeId, expected) => {
    expect(RoleEligibilityInstance.parse({ ...baseRole, directoryScopeId }).directoryScopeId).toBe(expected);
  });

  it('keeps expanded names and ignores extra fields', () => {
    const parsed = RoleEligibilityInstance.parse(P.roleEligibility.value[1]);
    expect(parsed.roleDefinition).toEqual({ id: P.ROLE.userAdmin, displayName: 'User Administrator' });
    expect(parsed.directoryScope).toEqual({ id: P.AU, displayName: 'Seattle Office' });
    expect(parsed).not.toHaveProperty('appScopeId');
  });

  it.each([
    ['missing expansions', {}],
    ['null expansions', { roleDefinition: null, directoryScope: null }],
    ['expansion without name', { roleDefinition: { id: 'x', displayName: null } }],
  ])('tolerates %s', (_name, patch) => {
    const parsed = RoleEligibilityInstance.parse({ ...baseRole, ...patch });
    expect(parsed.roleDefinition?.displayName ?? null).toBeNull();
  });

  it.each([
    ['no id', { id: undefined }],
    ['no roleDefinitionId', { roleDefinitionId: undefined }],
    ['bad date', { endDateTime: 'next tuesday' }],
  ])('rejects an item with %s', (_name, patch) => {
    expect(RoleEligibilityInstance.safeParse({ ...baseRole, ...patch }).success).toBe(false);
  });
});

describe('requests', () => {
  it.each([
    ['PendingApproval', 'PendingApproval'],
    ['pendingApproval', 'PendingApproval'],
    ['granted', 'Granted'],
    ['SomethingNew', 'SomethingNew'],
  ])('status %s → %s', (status, expected) => {
    expect(RoleRequest.parse({ ...P.rolePending.value[0], status }).status).toBe(expected);
    expect(GroupRequest.parse({ ...P.groupPending.value[0], status }).status).toBe(expected);
  });

  it('reads schedule and justification, tolerating a missing scheduleInfo', () => {
    const r = RoleRequest.parse(P.rolePending.value[0]);
    expect(r.scheduleInfo?.startDateTime).toBe('2024-05-01T09:55:00.000Z');
    expect(r.justification).toBe('Mailbox migration CHG-1234');
    const bare = RoleRequest.parse({ id: 'r', roleDefinitionId: 'x', status: 'PendingApproval' });
    expect(bare).toMatchObject({ justification: null, directoryScopeId: '/', principalId: null });
    expect(bare.scheduleInfo ?? null).toBeNull();
  });
});

describe('group instances', () => {
  it.each([
    ['member', 'member'],
    ['Member', 'member'],
    ['OWNER', 'owner'],
  ])('accessId %s → %s', (accessId, expected) => {
    expect(GroupEligibilityInstance.parse({ ...baseGroup, accessId }).accessId).toBe(expected);
  });

  it('drops an item whose accessId is unknown, keeping the rest of the list', () => {
    const list = parseList(GroupEligibilityInstance, { value: [{ ...baseGroup, accessId: 'janitor' }, baseGroup] });
    expect(list?.items).toHaveLength(1);
    expect(list?.dropped).toBe(1);
  });

  it('reads the expanded group and an activated assignment', () => {
    const parsed = GroupAssignmentInstance.parse(P.groupActive.value[0]);
    expect(parsed).toMatchObject({
      assignmentType: 'Activated',
      memberType: 'direct',
      group: { displayName: 'Exchange Ops' },
    });
    expect(GroupEligibilityInstance.parse(P.groupEligibility.value[1]).group).toBeNull();
  });
});

describe('parseList', () => {
  it.each([
    ['an error body', { error: { code: 'x' } }],
    ['a bare array', []],
    ['null', null],
    ['a string', 'oops'],
  ])('returns null for %s', (_name, body) => {
    expect(parseList(RoleEligibilityInstance, body)).toBeNull();
  });

  it('reports the next page link', () => {
    expect(parseList(RoleEligibilityInstance, { value: [], '@odata.nextLink': 'https://graph/next' })?.nextLink).toBe(
      'https://graph/next',
    );
  });
});

describe('BatchResponse', () => {
  it('accepts string statuses, missing headers and bodies, and lower-cases header names', () => {
    const parsed = BatchResponse.parse({
      responses: [
        { id: '1', status: '200', body: { value: [] } },
        { id: '2', status: 204 },
        {
          id: '3',
          status: 429,
          headers: { 'Retry-After': 2.128, 'Content-Type': 'application/json' },
          body: { error: {} },
        },
      ],
    });
    expect(parsed.responses.map((r) => r.status)).toEqual([200, 204, 429]);
    expect(parsed.responses[1]).toEqual({ id: '2', status: 204, headers: {}, body: undefined });
    expect(parsed.responses[2]!.headers).toEqual({ 'retry-after': '2.128', 'content-type': 'application/json' });
  });

  it('rejects an answer without responses', () => {
    expect(BatchResponse.safeParse({ error: { code: 'BadRequest' } }).success).toBe(false);
  });
});
