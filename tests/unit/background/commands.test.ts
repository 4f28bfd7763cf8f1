import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { a1 } from '../account-fixture';
import {
  assignment,
  created,
  graphError,
  GROUP,
  input,
  K,
  ME,
  NOW,
  policy,
  ROLE,
  setup,
  template,
} from './command-harness';

const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const MIN = 60_000;

beforeEach(() => fakeBrowser.reset());

describe('pim.activate', () => {
  it('one click uses the remembered template and duration: exactly one POST with the policy-valid body', async () => {
    const t = await setup({
      assignments: [assignment(K.exchange, 'eligible')],
      policies: { [K.exchange]: policy({ requireTicket: true }) },
      remembered: {
        [K.exchange]: {
          templateId: template.id,
          durationMinutes: 120,
          ticketNumber: null,
          ticketSystem: null,
          justification: null,
        },
      },
    });
    const { results } = await t.h['pim.activate']({ accountId: 'a1', keys: [K.exchange], input: null }, t.sender);
    expect(t.posts).toHaveLength(1);
    expect(t.calls).toHaveLength(1); // policy cached: no read before the write
    expect(t.posts[0]!.path).toBe('/roleManagement/directory/roleAssignmentScheduleRequests');
    expect(t.posts[0]!.body).toEqual({
      action: 'selfActivate',
      principalId: ME,
      roleDefinitionId: ROLE.exchange,
      directoryScopeId: '/',
      justification: 'Mail flow change for Exchange Administrator (CHG-42)',
      scheduleInfo: { startDateTime: NOW.toISOString(), expiration: { type: 'afterDuration', duration: 'PT2H' } },
      ticketInfo: { ticketNumber: 'CHG-42', ticketSystem: 'ServiceNow' },
    });
    expect(results).toEqual([
      {
        key: K.exchange,
        kind: 'ok',
        status: 'Provisioned',
        text: expect.stringContaining('Exchange Administrator is active'),
        field: null,
        requestId: 'req-1',
      },
    ]);
    expect(t.refresh).toHaveBeenCalledOnce();
    expect((await a1.remembered.get())[K.exchange]).toEqual({
      templateId: template.id,
      durationMinutes: 120,
      ticketNumber: 'CHG-42',
      ticketSystem: 'ServiceNow',
      justification: null,
    });
    expect(await a1.activity.get()).toEqual([
      expect.objectContaining({
        action: 'activate',
        key: K.exchange,
        outcome: 'Provisioned',
        durationMinutes: 120,
        requestId: 'req-1',
        justification: 'Mail flow change for Exchange Administrator (CHG-42)',
      }),
    ]);
  });

  it('clamps the remembered duration to the policy maximum (PT1H45M)', async () => {
    const t = await setup({
      assignments: [assignment(K.reader, 'eligible')],
      policies: { [K.reader]: policy({ maxDuration: 'PT1H45M', maxMinutes: 105 }) },
      remembered: {
        [K.reader]: {
          templateId: template.id,
          durationMinutes: 480,
          ticketNumber: null,
          ticketSystem: null,
          justification: null,
        },
      },
    });
    await t.h['pim.activate']({ accountId: 'a1', keys: [K.reader], input: null }, t.sender);
    expect(
      (t.posts[0]!.body as { scheduleInfo: { expiration: { duration: string } } }).scheduleInfo.expiration.duration,
    ).toBe('PT1H45M');
  });

  it('a missing justification is a `field` result and nothing is sent', async () => {
    const t = await setup({ assignments: [assignment(K.exchange, 'eligible')], policies: { [K.exchange]: policy() } });
    const { results } = await t.h['pim.activate']({ accountId: 'a1', keys: [K.exchange], input: null }, t.sender);
    expect(results[0]).toMatchObject({ kind: 'field', field: 'justification', status: null });
    expect(results[0]!.text).toContain('needs a reason');
    expect(t.posts).toHaveLength(0);
    expect(t.refresh).not.toHaveBeenCalled();
  });

  it('a policy read refused with 403 means: a justification is required (and the 403 is cached, not fatal)', async () => {
    const t = await setup({ assignments: [assignment(K.exchange, 'eligible')] });
    const { results } = await t.h['pim.activate'](
      { accountId: 'a1', keys: [K.exchange], input: input({ durationMinutes: 60 }) },
      t.sender,
    );
    expect(results[0]).toMatchObject({ kind: 'field', field: 'justification' });
    expect(t.posts).toHaveLength(0);
    expect((await a1.policies.get())[K.exchange]).toMatchObject({
      policy: null,
      error: expect.stringContaining('403'),
    });
    const typed = await t.h['pim.activate'](
      { accountId: 'a1', keys: [K.exchange], input: input({ justification: 'Fix mail flow for ticket 1234' }) },
      t.sender,
    );
    expect(typed.results[0]).toMatchObject({ kind: 'ok' });
    expect(t.posts).toHaveLength(1);
  });

  it.each([
    ['Provisioned', 'ok', 'Exchange Administrator is active'],
    ['PendingApproval', 'ok', 'needs approval: request sent to the approvers'],
    ['Granted', 'ok', 'Exchange Administrator is scheduled: starts 14:00.'],
  ])('maps %s to %s', async (status, kind, text) => {
    const t = await setup({
      assignments: [assignment(K.exchange, 'eligible')],
      policies: { [K.exchange]: policy() },
      post: () => created(status),
    });
    const startAt = status === 'Granted' ? '2026-11-22T14:00:00Z' : null;
    const { results } = await t.h['pim.activate'](
      { accountId: 'a1', keys: [K.exchange], input: input({ justification: 'Update the mail flow rule', startAt }) },
      t.sender,
    );
    expect(results[0]).toMatchObject({ kind, status, requestId: 'req-1' });
    expect(results[0]!.text).toContain(text);
    if (startAt)
      expect((t.posts[0]!.body as { scheduleInfo: { startDateTime: string } }).scheduleInfo.startDateTime).toBe(
        '2026-11-22T14:00:00.000Z',
      );
  });

  it.each([
    ['RoleAssignmentExists', 'The Role assignment already exists.', 'is already active'],
    [
      'PendingRoleAssignmentRequest',
      'There is already an existing pending Role assignment request.',
      'already waiting for approval',
    ],
  ])('%s is a state, not an error', async (code, message, text) => {
    const t = await setup({
      assignments: [assignment(K.exchange, 'eligible')],
      policies: { [K.exchange]: policy() },
      post: () => graphError(code, message),
    });
    const { results } = await t.h['pim.activate'](
      { accountId: 'a1', keys: [K.exchange], input: input({ justification: 'Update the mail flow rule' }) },
      t.sender,
    );
    expect(results[0]).toMatchObject({ kind: 'state' });
    expect(results[0]!.text).toContain(text);
    expect((await a1.activity.get())[0]).toMatchObject({ outcome: code });
  });

  it('a policy validation error names the field and invalidates the cached policy for that key', async () => {
    const t = await setup({
      assignments: [assignment(K.user, 'eligible')],
      policies: { [K.user]: policy(), [K.exchange]: policy() },
      post: () =>
        graphError(
          'RoleAssignmentRequestPolicyValidationFailed',
          'The following policy rules failed: ["TicketingRule"]',
        ),
    });
    const { results } = await t.h['pim.activate'](
      { accountId: 'a1', keys: [K.user], input: input({ justification: 'Reset passwords for the Oslo office' }) },
      t.sender,
    );
    expect(results[0]).toMatchObject({ kind: 'field', field: 'ticket' });
    expect(Object.keys(await a1.policies.get())).toEqual([K.exchange]);
  });

  it('concurrent identical commands share one request (never two POSTs)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = await setup({
      assignments: [assignment(K.exchange, 'eligible')],
      policies: { [K.exchange]: policy() },
      post: async () => (await gate, created('Provisioned')),
    });
    const msg = { accountId: 'a1', keys: [K.exchange], input: input({ justification: 'Update the mail flow rule' }) };
    const both = Promise.all([t.h['pim.activate'](msg, t.sender), t.h['pim.activate'](msg, t.sender)]);
    await expect.poll(() => t.posts.length).toBe(1);
    release();
    const [a, b] = await both;
    expect(t.posts).toHaveLength(1);
    expect(a.results).toEqual(b.results);
    expect(await a1.activity.get()).toHaveLength(1);
  });

  it('journals every write before the POST and clears it after the answer', async () => {
    const seen: unknown[] = [];
    const t = await setup({
      assignments: [assignment(K.exchange, 'eligible')],
      policies: { [K.exchange]: policy() },
      post: async () => (seen.push(await a1.journal.get()), created('Provisioned')),
    });
    await t.h['pim.activate'](
      { accountId: 'a1', keys: [K.exchange], input: input({ justification: 'Update the mail flow rule' }) },
      t.sender,
    );
    expect(seen).toEqual([
      [
        expect.objectContaining({
          requestKey: expect.any(String),
          key: K.exchange,
          action: 'activate',
          at: NOW.toISOString(),
          request: expect.objectContaining({ path: '/roleManagement/directory/roleAssignmentScheduleRequests' }),
        }),
      ],
    ]);
    expect(await a1.journal.get()).toEqual([]);
  });

  it('refuses keys that are not eligible in its own snapshot, without a request', async () => {
    const t = await setup({ assignments: [assignment(K.exchange, 'active', { endDateTime: at(30 * MIN) })] });
    const { results } = await t.h['pim.activate'](
      { accountId: 'a1', keys: [K.exchange, 'role:nope:/'], input: null },
      t.sender,
    );
    expect(results.map((r) => r.kind)).toEqual(['state', 'fatal']);
    expect(t.posts).toHaveLength(0);
  });
});

describe('pim.activateBundle', () => {
  it('skips active items, activates the rest with the bundle template, and reports a failure per item', async () => {
    const t = await setup({
      assignments: [
        assignment(K.exchange, 'eligible'),
        assignment(K.user, 'eligible'),
        assignment(K.reader, 'active', { endDateTime: at(40 * MIN) }),
        assignment(K.group, 'eligible'),
      ],
      policies: {
        [K.exchange]: policy(),
        [K.user]: policy(),
        [K.group]: policy({ maxMinutes: 240, maxDuration: 'PT4H', requireJustification: false }),
      },
      bundles: [
        {
          id: 'b1',
          name: 'Teams kit',
          items: [K.exchange, K.user, K.reader, K.group],
          templateId: template.id,
          durationMinutes: 90,
        },
      ],
      post: (p) =>
        (p.body as { roleDefinitionId?: string }).roleDefinitionId === ROLE.user
          ? graphError(
              'RoleAssignmentRequestPolicyValidationFailed',
              'The following policy rules failed: ["TicketingRule"]',
            )
          : created('Provisioned'),
    });
    const { results } = await t.h['pim.activateBundle']({ accountId: 'a1', bundleId: 'b1' }, t.sender);
    expect(results.map((r) => [r.key, r.kind])).toEqual([
      [K.exchange, 'ok'],
      [K.user, 'field'],
      [K.reader, 'state'],
      [K.group, 'ok'],
    ]);
    expect(results[2]!.text).toContain('skipped');
    expect(t.posts).toHaveLength(3);
    const group = t.posts.find((p) => p.path.startsWith('/identityGovernance'))!;
    expect(group.body).toMatchObject({
      action: 'selfActivate',
      groupId: GROUP,
      accessId: 'member',
      principalId: ME,
      scheduleInfo: { expiration: { duration: 'PT1H30M' } },
    });
    expect(t.refresh).toHaveBeenCalledOnce();
  });
});

describe('pim.deactivate', () => {
  it('refuses before the 5-minute floor without a request, then sends selfDeactivate', async () => {
    const active = assignment(K.exchange, 'active', { startDateTime: at(-3 * MIN), endDateTime: at(60 * MIN) });
    const early = await setup({ assignments: [active] });
    const { results } = await early.h['pim.deactivate']({ accountId: 'a1', key: K.exchange }, early.sender);
    expect(results[0]).toMatchObject({ kind: 'state' });
    expect(results[0]!.text).toContain('10:02');
    expect(early.posts).toHaveLength(0);

    const later = await setup({
      assignments: [{ ...active, startDateTime: at(-6 * MIN) }],
      post: () => created('Revoked'),
    });
    const done = await later.h['pim.deactivate']({ accountId: 'a1', key: K.exchange }, later.sender);
    expect(later.posts[0]!.body).toEqual({
      action: 'selfDeactivate',
      principalId: ME,
      roleDefinitionId: ROLE.exchange,
      directoryScopeId: '/',
    });
    expect(done.results[0]).toMatchObject({
      kind: 'ok',
      status: 'Revoked',
      text: 'Exchange Administrator is deactivated.',
    });
  });

  it('deactivates a group membership through the group endpoint', async () => {
    const t = await setup({
      assignments: [assignment(K.group, 'active', { startDateTime: at(-30 * MIN), endDateTime: at(30 * MIN) })],
      post: () => created('Revoked'),
    });
    await t.h['pim.deactivate']({ accountId: 'a1', key: K.group }, t.sender);
    expect(t.posts[0]).toMatchObject({
      path: '/identityGovernance/privilegedAccess/group/assignmentScheduleRequests',
      body: { action: 'selfDeactivate', groupId: GROUP, accessId: 'member', principalId: ME },
    });
  });
});

describe('pim.cancel', () => {
  it('POSTs …/{id}/cancel for the pending request and reports it withdrawn (204)', async () => {
    const t = await setup({
      assignments: [assignment(K.global, 'pending', { id: 'req-77' })],
      post: () => ({ status: 204 }),
    });
    const { results } = await t.h['pim.cancel']({ accountId: 'a1', key: K.global }, t.sender);
    expect(t.posts.map((p) => p.path)).toEqual([
      '/roleManagement/directory/roleAssignmentScheduleRequests/req-77/cancel',
    ]);
    expect(results[0]).toMatchObject({
      kind: 'ok',
      status: 'Canceled',
      requestId: 'req-77',
      text: 'The request for Global Administrator is withdrawn.',
    });
  });
});

describe('pim.extend', () => {
  it('a new activation starting at the current end, clamped to the policy maximum', async () => {
    const end = at(10 * MIN);
    const t = await setup({
      assignments: [
        assignment(K.exchange, 'active', { startDateTime: at(-50 * MIN), endDateTime: end }),
        assignment(K.exchange, 'eligible'),
      ],
      policies: { [K.exchange]: policy({ maxDuration: 'PT1H', maxMinutes: 60 }) },
      remembered: {
        [K.exchange]: {
          templateId: template.id,
          durationMinutes: 60,
          ticketNumber: null,
          ticketSystem: null,
          justification: null,
        },
      },
      post: () => created('Granted'),
    });
    const { results } = await t.h['pim.extend'](
      { accountId: 'a1', key: K.exchange, durationMinutes: 240, renew: false },
      t.sender,
    );
    expect(t.posts[0]!.body).toMatchObject({
      action: 'selfActivate',
      scheduleInfo: {
        startDateTime: new Date(end).toISOString(),
        expiration: { type: 'afterDuration', duration: 'PT1H' },
      },
    });
    expect(results[0]).toMatchObject({
      kind: 'ok',
      status: 'Granted',
      text: 'Exchange Administrator is scheduled: starts 10:10.',
    });
  });
});

describe('pim.extend when PIM refuses a second activation (RoleAssignmentExists)', () => {
  const exists = () => graphError('RoleAssignmentExists', 'The Role assignment already exists.');
  const remembered = {
    [K.exchange]: {
      templateId: template.id,
      durationMinutes: 60,
      ticketNumber: null,
      ticketSystem: null,
      justification: null,
    },
  };

  it('offers the renewal first and sends nothing more; confirmed, it deactivates and activates again at once', async () => {
    const t = await setup({
      assignments: [
        assignment(K.exchange, 'active', { startDateTime: at(-50 * MIN), endDateTime: at(10 * MIN) }),
        assignment(K.exchange, 'eligible'),
      ],
      policies: { [K.exchange]: policy({ maxDuration: 'PT1H', maxMinutes: 60 }) },
      remembered,
      post: (_p, n) => (n <= 1 ? exists() : created(n === 2 ? 'Revoked' : 'Provisioned', `req-${n}`)),
    });
    const offered = (
      await t.h['pim.extend']({ accountId: 'a1', key: K.exchange, durationMinutes: null, renew: false }, t.sender)
    ).results[0]!;
    expect(offered).toMatchObject({ kind: 'state', next: 'renew' });
    expect(offered.text).toContain('Renew it instead?');
    expect(t.posts.map((p) => (p.body as { action: string }).action)).toEqual(['selfActivate']);
    // A notification's Extend hears that it was not extended, never "done".
    await expect(t.commands.portal.extend(K.exchange)).rejects.toThrow(/Renew it instead/);
    const { results } = await t.h['pim.extend'](
      { accountId: 'a1', key: K.exchange, durationMinutes: null, renew: true },
      t.sender,
    );
    // Confirmed: PIM is not asked to extend again; deactivate, then activate from now.
    expect(t.posts.map((p) => (p.body as { action: string }).action)).toEqual([
      'selfActivate',
      'selfActivate',
      'selfDeactivate',
      'selfActivate',
    ]);
    expect(t.posts[3]!.body).toMatchObject({
      scheduleInfo: { startDateTime: NOW.toISOString(), expiration: { duration: 'PT1H' } },
    });
    expect(results[0]).toMatchObject({ kind: 'ok', status: 'Provisioned' });
  });

  it("a notification's Extend that PIM refuses asks in the popup whether to renew, and sends nothing more", async () => {
    const confirm = vi.fn(async () => undefined);
    const t = await setup({
      assignments: [
        assignment(K.exchange, 'active', { startDateTime: at(-50 * MIN), endDateTime: at(10 * MIN) }),
        assignment(K.exchange, 'eligible'),
      ],
      policies: { [K.exchange]: policy({ maxDuration: 'PT1H', maxMinutes: 60 }) },
      remembered,
      confirm,
      post: () => exists(),
    });
    expect(await t.commands.portal.extend(K.exchange)).toEqual({ outcome: 'confirm-opened' });
    expect(confirm).toHaveBeenCalledWith({ command: 'renew', key: K.exchange, portalId: '' });
    expect(t.posts).toHaveLength(1);
  });

  it('tells the user at once, with a one-click retry, when the renewal deactivated the role and the new activation failed', async () => {
    const notify = vi.fn();
    const t = await setup({
      assignments: [
        assignment(K.exchange, 'active', { startDateTime: at(-50 * MIN), endDateTime: at(10 * MIN) }),
        assignment(K.exchange, 'eligible'),
      ],
      policies: { [K.exchange]: policy({ maxDuration: 'PT1H', maxMinutes: 60 }) },
      remembered,
      notify,
      post: (_p, n) =>
        n === 0
          ? created('Revoked', 'off')
          : graphError(
              'RoleAssignmentRequestPolicyValidationFailed',
              'The following policy rules failed: ["ExpirationRule"]',
            ),
    });
    const { results } = await t.h['pim.extend'](
      { accountId: 'a1', key: K.exchange, durationMinutes: null, renew: true },
      t.sender,
    );
    expect(t.posts.map((p) => (p.body as { action: string }).action)).toEqual(['selfDeactivate', 'selfActivate']);
    expect(results[0]).toMatchObject({ kind: 'fatal', next: 'activate' });
    expect(results[0]!.text).toMatch(
      /^Exchange Administrator was deactivated for renewal, but activating it again failed: .* You are without the role now: activate it again\.$/,
    );
    expect(notify).toHaveBeenCalledWith({
      key: K.exchange,
      title: 'Exchange Administrator is no longer active',
      message: results[0]!.text,
    });
  });

  it.each([
    [
      'approval is required (the user would be left waiting without the role)',
      { approvalRequired: true },
      -50,
      'a new activation needs approval',
    ],
    ['the activation is younger than five minutes', {}, -3, 'active for less than 5 minutes'],
  ])(
    'keeps the role and says truthfully it was not extended, and why, when %s',
    async (_, over, startedMinutesAgo, why) => {
      const t = await setup({
        assignments: [
          assignment(K.exchange, 'active', { startDateTime: at(startedMinutesAgo * MIN), endDateTime: at(10 * MIN) }),
          assignment(K.exchange, 'eligible'),
        ],
        policies: { [K.exchange]: policy({ maxDuration: 'PT1H', maxMinutes: 60, ...over }) },
        remembered,
        post: () => exists(),
      });
      const { results } = await t.h['pim.extend'](
        { accountId: 'a1', key: K.exchange, durationMinutes: null, renew: false },
        t.sender,
      );
      expect(t.posts).toHaveLength(1);
      expect(results[0]).toMatchObject({ kind: 'fatal' });
      expect(results[0]!.text).toMatch(/^Exchange Administrator was not extended\. /);
      expect(results[0]!.text).toContain(why);
      // The badge and notifications hear a failure, never "Done".
      await expect(t.commands.portal.extend(K.exchange)).rejects.toThrow(/was not extended/);
    },
  );
});

describe('pim.requestExtension', () => {
  it('sends selfExtend on the role eligibility ending within 14 days; groups get an explanation and no request', async () => {
    const t = await setup({
      assignments: [
        assignment(K.user, 'eligible', { endDateTime: at(10 * 24 * 60 * MIN) }),
        assignment(K.group, 'eligible', { endDateTime: at(3 * 24 * 60 * MIN) }),
      ],
      post: () => ({ status: 201, body: { id: 'ext-1', status: 'PendingAdminDecision' } }),
    });
    const group = await t.h['pim.requestExtension'](
      { accountId: 'a1', key: K.group, justification: 'Still running the Teams rollout' },
      t.sender,
    );
    expect(group.results[0]).toMatchObject({ kind: 'fatal' });
    expect(group.results[0]!.text).toContain('no self-service extension for PIM groups');
    expect(t.posts).toHaveLength(0);
    const role = await t.h['pim.requestExtension'](
      { accountId: 'a1', key: K.user, justification: 'Still onboarding the Oslo office' },
      t.sender,
    );
    expect(t.posts[0]).toMatchObject({
      path: '/roleManagement/directory/roleEligibilityScheduleRequests',
      body: { action: 'selfExtend', principalId: ME, roleDefinitionId: ROLE.user, directoryScopeId: '/' },
    });
    expect(role.results[0]).toMatchObject({ kind: 'ok', status: 'PendingAdminDecision', requestId: 'ext-1' });
  });
});

describe('the commands behind notification buttons', () => {
  it('one click from a notification opens the popup form when something is missing, else activates', async () => {
    const t = await setup({
      assignments: [assignment(K.exchange, 'eligible'), assignment(K.global, 'eligible')],
      policies: { [K.exchange]: policy(), [K.global]: policy({ approvalRequired: true }) },
      post: () => created('PendingApproval'),
    });
    expect(await t.commands.portal.activate(K.exchange)).toEqual({ outcome: 'form-opened' });
    expect(t.openPopup).toHaveBeenCalledOnce();
    await a1.remembered.set({
      [K.global]: {
        templateId: template.id,
        durationMinutes: 60,
        ticketNumber: null,
        ticketSystem: null,
        justification: null,
      },
    });
    expect(await t.commands.portal.activate(K.global)).toEqual({ outcome: 'pending-approval' });
    expect(t.posts).toHaveLength(1);
  });
});
