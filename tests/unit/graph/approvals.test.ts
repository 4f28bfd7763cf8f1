import { describe, expect, it } from 'vitest';
import { createGraphClient } from '../../../lib/graph/client';
import {
  APPROVER_READS,
  approverJustificationRequired,
  completeApprovalDetails,
  readApproverAnswers,
} from '../../../lib/graph/approvals';
import type { BatchItemResponse } from '../../../lib/graph/client';
import { approval } from '../pim/approval-fixtures';
import { batches, batchHandler, fakeFetch, GRAPH, type Handler } from './fake-graph';
import { refreshSnapshot } from '../../../lib/graph/reads';

const now = new Date('2026-11-22T10:00:00Z');
const answer = (id: string, body: unknown, status = 200): [string, BatchItemResponse] => [
  id,
  { id, status, headers: {}, body },
];

const roleRequest = {
  id: 'r1',
  approvalId: 'ap1',
  status: 'PendingApproval',
  principalId: 'megan',
  roleDefinitionId: 'ga',
  directoryScopeId: '/',
  justification: 'Fix CA',
  createdDateTime: '2026-11-22T09:55:00Z',
  scheduleInfo: { startDateTime: '2026-11-22T09:55:00Z', expiration: { type: 'afterDuration', duration: 'PT2H' } },
  ticketInfo: { ticketNumber: 'CHG-1', ticketSystem: 'SNOW' },
  roleDefinition: { id: 'ga', displayName: 'Global Administrator' },
  principal: { id: 'megan', displayName: 'Megan Bowen', userPrincipalName: 'megan@contoso.onmicrosoft.com' },
};
const groupRequest = {
  id: 'g1',
  approvalId: 'g1',
  status: 'PendingApproval',
  principalId: 'megan',
  groupId: 'grp',
  accessId: 'member',
  justification: null,
  createdDateTime: '2026-11-22T09:56:00Z',
  scheduleInfo: { startDateTime: '2026-11-22T09:56:00Z', expiration: { type: 'afterDuration', duration: 'PT1H' } },
  group: { id: 'grp', displayName: 'PIM – INT' },
  principal: { id: 'megan', displayName: 'Megan Bowen', userPrincipalName: 'megan@contoso.onmicrosoft.com' },
};

describe('approver answers', () => {
  it('the two reads use the documented approver views, waiting requests only, with the requester expanded', () => {
    expect(APPROVER_READS.map((r) => r.url)).toEqual([
      "/roleManagement/directory/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')?$expand=roleDefinition,directoryScope,principal&$filter=status eq 'PendingApproval'",
      "/identityGovernance/privilegedAccess/group/assignmentScheduleRequests/filterByCurrentUser(on='approver')?$expand=group,principal&$filter=status eq 'PendingApproval'",
    ]);
  });

  it('maps who, what, when, why and the ticket; keeps what was learned about a known request', () => {
    const known = approval({ id: 'r1', stepId: 'step-9', justificationRequired: false });
    const r = readApproverAnswers(
      new Map([
        answer('apRole', { value: [roleRequest, { ...roleRequest, id: 'done', status: 'Provisioned' }] }),
        answer('apGroup', { value: [groupRequest] }),
      ]),
      { principalId: 'me', fetchedAt: null, items: [known], error: null, quietUntil: null, left: [] },
      now,
    );
    expect(r.ok && r.items).toEqual([
      expect.objectContaining({
        id: 'r1',
        kind: 'role',
        approvalId: 'ap1',
        stepId: 'step-9',
        justificationRequired: false,
        requester: { id: 'megan', displayName: 'Megan Bowen', upn: 'megan@contoso.onmicrosoft.com' },
        targetName: 'Global Administrator',
        durationMinutes: 120,
        justification: 'Fix CA',
        ticketNumber: 'CHG-1',
        ticketSystem: 'SNOW',
      }),
      expect.objectContaining({ id: 'g1', kind: 'group', approvalId: 'g1', stepId: null, accessId: 'member' }),
    ]);
  });

  it.each([
    [
      'a 403 on one list',
      [
        answer('apRole', { value: [] }),
        answer('apGroup', { error: { code: 'Authorization_RequestDenied', message: 'no' } }, 403),
      ],
    ],
    ['a list left out', [answer('apRole', { value: [] })]],
    ['a body that is not a list', [answer('apRole', { nope: 1 }), answer('apGroup', { value: [] })]],
  ])('%s is a failure with a reason, not an empty list', (_, items) => {
    const r = readApproverAnswers(new Map(items), null, now);
    expect(r.ok).toBe(false);
  });

  it('reads isApproverJustificationRequired from the approval rule; null when absent', () => {
    const policy = (required: unknown) => ({
      value: [
        {
          policy: {
            rules: [
              { id: 'Expiration_EndUser_Assignment' },
              {
                id: 'Approval_EndUser_Assignment',
                setting: { approvalStages: [{ isApproverJustificationRequired: required }] },
              },
            ],
          },
        },
      ],
    });
    expect(approverJustificationRequired(policy(true))).toBe(true);
    expect(approverJustificationRequired(policy(false))).toBe(false);
    expect(approverJustificationRequired(policy(undefined))).toBeNull();
    expect(approverJustificationRequired({ value: [] })).toBeNull();
  });
});

describe('approval details (only for requests seen for the first time)', () => {
  function client(handler: Handler) {
    const f = fakeFetch(handler);
    return {
      graph: createGraphClient({ getToken: async () => 't', graphBase: GRAPH, fetch: f.fetch, maxRetries: 0 }),
      calls: f.calls,
    };
  }
  const policyBody = {
    value: [
      {
        policy: {
          rules: [
            {
              id: 'Approval_EndUser_Assignment',
              setting: { approvalStages: [{ isApproverJustificationRequired: true }] },
            },
          ],
        },
      },
    ],
  };

  it('role steps from beta (outside the v1.0 batch), group stages and policies in one v1.0 batch', async () => {
    const { graph, calls } = client((req) => {
      if (req.url.startsWith(`${GRAPH}/beta/roleManagement/directory/roleAssignmentApprovals/ap1`))
        return {
          body: {
            id: 'ap1',
            steps: [
              { id: 's-other', status: 'Completed', assignedToMe: false },
              { id: 's-mine', status: 'InProgress', assignedToMe: true },
            ],
          },
        };
      if (req.url === `${GRAPH}/v1.0/$batch`) {
        const { requests } = req.body as { requests: { id: string; url: string }[] };
        return {
          body: {
            responses: requests.map((r) => ({
              id: r.id,
              status: 200,
              body: r.id.startsWith('apv-')
                ? { id: 'g1', stages: [{ id: 'st-1', status: 'InProgress', assignedToMe: true }] }
                : policyBody,
            })),
          },
        };
      }
      return { status: 404, body: { error: { code: 'NotFound', message: req.url } } };
    });
    const role = approval({ id: 'r1', approvalId: 'ap1', stepId: null, justificationRequired: null });
    const group = approval({
      id: 'g1',
      kind: 'group',
      approvalId: 'g1',
      targetId: 'grp',
      accessId: 'member',
      stepId: null,
    });
    const known = approval({ id: 'x', stepId: 'done' });
    const r = await completeApprovalDetails(graph, [role, group, known], now);
    expect(r.items.map((a) => [a.id, a.stepId, a.justificationRequired])).toEqual([
      ['r1', 's-mine', true],
      ['g1', 'st-1', true],
      ['x', 'done', true],
    ]);
    const batch = calls.find((c) => c.url.endsWith('/$batch'))!.body as { requests: { url: string }[] };
    expect(batch.requests.every((x) => !x.url.includes('roleAssignmentApprovals'))).toBe(true);
    expect(calls.filter((c) => c.url.includes('/beta/'))).toHaveLength(1);
  });

  it('beta answering differently than documented leaves the request to the portal, with the reason', async () => {
    const { graph } = client((req) =>
      req.url.includes('/beta/') ? { body: { id: 'ap1', stages: 'changed' } } : { body: { responses: [] } },
    );
    const r = await completeApprovalDetails(graph, [approval({ stepId: null })], now);
    expect(r.items[0]).toMatchObject({ stepId: null, detailError: expect.stringMatching(/without steps/) });
  });

  it('a transient failure (503) leaves the details unread, to be asked again at the next refresh', async () => {
    const { graph } = client((req) =>
      req.url.includes('/beta/')
        ? { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'busy' } } }
        : { body: { responses: [] } },
    );
    const r = await completeApprovalDetails(graph, [approval({ stepId: null })], now);
    expect(r.items[0]).toMatchObject({ stepId: null, detailError: null });
  });
});

describe('the approver reads in a refresh', () => {
  it('ride in the same first $batch as the own reads, followed to their last page, and reach settle', async () => {
    const f = fakeFetch(
      batchHandler((item) => {
        if (item.id === 'apRole' && !item.url.includes('skiptoken'))
          return {
            body: {
              value: [roleRequest],
              '@odata.nextLink': `${GRAPH}/v1.0${item.url}&$skiptoken=p2`,
            },
          };
        if (item.id === 'apRole') return { body: { value: [{ ...roleRequest, id: 'r2' }] } };
        return { body: { value: [] } };
      }),
    );
    const graph = createGraphClient({ getToken: async () => 't', graphBase: GRAPH, fetch: f.fetch, maxRetries: 0 });
    const seen: ReadonlyMap<string, BatchItemResponse>[] = [];
    await refreshSnapshot({
      graph,
      principalId: 'me',
      previous: null,
      groupInfo: {},
      now,
      extraReads: { items: APPROVER_READS, settle: async (answers) => void seen.push(answers) },
    });
    const sent = batches(f.calls);
    expect(sent[0]!.map((r) => r.id)).toEqual(['rElig', 'rAct', 'gElig', 'gAct', 'rReq', 'gReq', 'apRole', 'apGroup']);
    expect(seen).toHaveLength(1);
    const roles = readApproverAnswers(seen[0]!, null, now);
    expect(roles.ok && roles.items.map((a) => a.id)).toEqual(['r1', 'r2']);
  });
});
