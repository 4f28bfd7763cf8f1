import { describe, expect, it } from 'vitest';
import { createGraphClient } from '../../../lib/graph/client';
import { learnable, learnFromRefusal, PROBE_MINUTES } from '../../../lib/background/policy-learning';
import { parseDuration } from '../../../lib/pim/duration';
import type { Assignment } from '../../../lib/pim/model';
import { batches, batchHandler, fakeFetch, GRAPH } from '../graph/fake-graph';

const NOW = new Date('2026-05-01T10:00:00Z');
const target: Assignment = {
  key: 'role:exo:/',
  kind: 'role',
  state: 'eligible',
  id: 'e1',
  principalId: 'me',
  targetId: 'exo',
  displayName: 'Exchange Administrator',
  directoryScopeId: '/',
  scopeName: null,
  accessId: null,
  assignmentType: null,
  memberType: 'direct',
  startDateTime: null,
  endDateTime: null,
  grants: [],
  status: null,
  justification: null,
};

/**
 * A PIM that allows at most `maxMinutes` and needs a ticket: validation-only requests answer 201 or 400 like a real
 * one.
 */
function pim(maxMinutes: number) {
  const { fetch, calls } = fakeFetch(
    batchHandler((item) => {
      const body = (
        item as unknown as {
          body: {
            scheduleInfo: { expiration: { duration: string } };
            isValidationOnly?: boolean;
            ticketInfo?: unknown;
          };
        }
      ).body;
      const ok =
        parseDuration(body.scheduleInfo.expiration.duration) <= maxMinutes &&
        body.ticketInfo !== undefined &&
        body.isValidationOnly === true;
      return ok
        ? { status: 201, body: { status: 'Granted' } }
        : {
            status: 400,
            body: {
              error: {
                code: 'RoleAssignmentRequestPolicyValidationFailed',
                message: 'The following policy rules failed: ["ExpirationRule"]',
              },
            },
          };
    }),
  );
  return { graph: createGraphClient({ getToken: async () => 't', graphBase: GRAPH, fetch }), calls };
}

describe('policy learning', () => {
  it('learns the required ticket from the refusal and the maximum from one batch of validation-only requests', async () => {
    const { graph, calls } = pim(120);
    const entry = await learnFromRefusal({
      graph,
      target,
      principalId: 'me',
      entry: undefined,
      failedRules: ['TicketingRule'],
      justification: 'Mailboxes',
      now: NOW,
      probeReason: 'probe',
    });
    expect(entry).toMatchObject({
      learned: true,
      error: null,
      policy: { requireTicket: true, requireJustification: true, maxMinutes: 120, maxDuration: 'PT2H' },
    });
    const sent = batches(calls);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.map((r) => r.id)).toEqual(PROBE_MINUTES.map((m) => `max-${m}`));
    expect(
      sent[0]!.every(
        (r) => r.method === 'POST' && (r as unknown as { body: { isValidationOnly: boolean } }).body.isValidationOnly,
      ),
    ).toBe(true);
  });

  it('an Azure role (policy read refused by ARM): learns the ticket from the refusal and sends Graph no probe', async () => {
    const { graph, calls } = pim(120);
    const entry = await learnFromRefusal({
      graph,
      target: {
        ...target,
        key: 'azure:r:/subscriptions/s',
        kind: 'azure',
        targetId: '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/r',
        directoryScopeId: '/subscriptions/s',
      },
      principalId: 'me',
      entry: { policy: null, fetchedAt: NOW.toISOString(), error: 'AuthorizationFailed' },
      failedRules: ['TicketingRule'],
      justification: 'Deploy',
      now: NOW,
      probeReason: 'probe',
    });
    expect(entry).toMatchObject({ learned: true, policy: { requireTicket: true, requireJustification: true } });
    expect(batches(calls)).toEqual([]);
  });

  it('keeps what it learned and adds to it; a readable policy is not ours to learn', async () => {
    const { graph, calls } = pim(60);
    const first = await learnFromRefusal({
      graph,
      target,
      principalId: 'me',
      entry: undefined,
      failedRules: ['TicketingRule'],
      justification: 'x',
      now: NOW,
      probeReason: 'p',
    });
    expect(learnable(first)).toBe(true);
    const again = await learnFromRefusal({
      graph,
      target,
      principalId: 'me',
      entry: first,
      failedRules: ['JustificationRule'],
      justification: '',
      now: NOW,
      probeReason: 'p',
    });
    expect(again.policy).toMatchObject({ requireTicket: true, requireJustification: true, maxMinutes: 60 });
    // The maximum was already known and PIM did not complain about it: no second dry run.
    expect(batches(calls)).toHaveLength(1);
    expect(learnable({ policy: first.policy, fetchedAt: NOW.toISOString(), error: null })).toBe(false);
    expect(learnable({ policy: null, fetchedAt: NOW.toISOString(), error: 'HTTP 403' })).toBe(true);
  });
});
