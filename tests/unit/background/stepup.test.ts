import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { stepUpClaims } from '../../../lib/auth/claims';
import { createStepUps, STEP_UP_TTL_MS, tokenExpiresAt } from '../../../lib/background/stepup';
import { a1 } from '../account-fixture';
import { assignment, created, graphError, input, K, NOW, policy, setup, template, unreadable } from './command-harness';

const C1 = stepUpClaims({ acrs: 'c1' });
const remembered = {
  templateId: template.id,
  durationMinutes: 60,
  ticketNumber: null,
  ticketSystem: null,
  justification: null,
};
const jwt = (payload: object) =>
  `h.${btoa(JSON.stringify(payload)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.s`;

beforeEach(() => fakeBrowser.reset());

describe('step-up through the commands', () => {
  const acrsRoles = () => ({
    assignments: [assignment(K.app, 'eligible'), assignment(K.cloudApp, 'eligible')],
    policies: {
      [K.app]: policy({ maxDuration: 'PT2H', maxMinutes: 120, authContext: 'c1' }),
      [K.cloudApp]: policy({ authContext: 'c1' }),
    },
    remembered: { [K.app]: remembered, [K.cloudApp]: remembered },
  });

  it('a role needing authentication context c1: stepUp result and the sign-in tab, no POST, no token stored', async () => {
    const t = await setup(acrsRoles());
    const { results } = await t.h['pim.activate']({ accountId: 'a1', keys: [K.app], input: null }, t.sender);
    expect(results[0]).toMatchObject({
      kind: 'stepUp',
      text: 'Verify your identity in the sign-in tab to activate Application Administrator.',
    });
    expect(t.posts).toHaveLength(0);
    expect(t.openTab).toHaveBeenCalledExactlyOnceWith(
      `chrome-extension://ext/signin.html?stepup=id-1&claims=${encodeURIComponent(C1)}`,
    );
    const [pending] = await a1.stepUps.get();
    expect(pending).toMatchObject({
      stepUpId: 'id-1',
      claims: C1,
      items: [{ key: K.app, action: 'activate', input: null }],
    });
  });

  it('stepUpDone retries WITH the given token, and a second role needing the same claims does not prompt again', async () => {
    const t = await setup(acrsRoles());
    await t.h['pim.activate']({ accountId: 'a1', keys: [K.app], input: null }, t.sender);
    const done = await t.h['auth.stepUpDone'](
      { accountId: 'a1', stepUpId: 'id-1', accessToken: 'acrs-token', error: null },
      t.sender,
    );
    expect(done.results).toEqual([
      expect.objectContaining({
        key: K.app,
        kind: 'ok',
        status: 'Provisioned',
        text: expect.stringContaining('Application Administrator is active'),
      }),
    ]);
    expect(t.posts.map((p) => p.token)).toEqual(['acrs-token']);
    expect(t.refresh).toHaveBeenCalled();
    expect(await a1.stepUps.get()).toEqual([]);

    const second = await t.h['pim.activate']({ accountId: 'a1', keys: [K.cloudApp], input: null }, t.sender);
    expect(second.results[0]).toMatchObject({ kind: 'ok' });
    expect(t.openTab).toHaveBeenCalledOnce();
    expect(t.posts.map((p) => p.token)).toEqual(['acrs-token', 'acrs-token']);
  });

  it('several roles needing the same context in one command → one prompt, then all retried', async () => {
    const t = await setup(acrsRoles());
    const { results } = await t.h['pim.activate'](
      { accountId: 'a1', keys: [K.app, K.cloudApp], input: null },
      t.sender,
    );
    expect(results.map((r) => r.kind)).toEqual(['stepUp', 'stepUp']);
    expect(t.openTab.mock.calls.length + t.focusTab.mock.calls.length).toBe(2);
    expect(t.openTab).toHaveBeenCalledOnce();
    const [pending, ...others] = await a1.stepUps.get();
    expect(others).toEqual([]);
    expect(pending!.items.map((i) => i.key)).toEqual([K.app, K.cloudApp]);
    const done = await t.h['auth.stepUpDone'](
      { accountId: 'a1', stepUpId: pending!.stepUpId, accessToken: 'acrs-token', error: null },
      t.sender,
    );
    expect(done.results.map((r) => r.kind)).toEqual(['ok', 'ok']);
    expect(t.posts.map((p) => p.token)).toEqual(['acrs-token', 'acrs-token']);
  });

  it('learns the claims from an ACRS refusal when the policy was unreadable, and gives up if the new token is refused too', async () => {
    const claims = encodeURIComponent(C1);
    const t = await setup({
      assignments: [assignment(K.app, 'eligible')],
      policies: { [K.app]: unreadable },
      post: () =>
        graphError(
          'RoleAssignmentRequestAcrsValidationFailed',
          `The Role assignment request requires the authentication context 'c1'. &claims=${claims}`,
        ),
    });
    const first = await t.h['pim.activate'](
      { accountId: 'a1', keys: [K.app], input: input({ justification: 'Register the payroll app' }) },
      t.sender,
    );
    expect(first.results[0]).toMatchObject({ kind: 'stepUp' });
    expect(t.posts.map((p) => p.token)).toEqual(['silent-token']);
    const [pending] = await a1.stepUps.get();
    expect(pending!.claims).toBe(C1);
    expect(pending!.items[0]!.input).toMatchObject({ justification: 'Register the payroll app' });
    const done = await t.h['auth.stepUpDone'](
      { accountId: 'a1', stepUpId: pending!.stepUpId, accessToken: 'acrs-token', error: null },
      t.sender,
    );
    expect(t.posts.map((p) => p.token)).toEqual(['silent-token', 'acrs-token']);
    expect(done.results[0]).toMatchObject({ kind: 'fatal' });
    expect(t.openTab).toHaveBeenCalledOnce();
  });

  it('MFA required by the policy asks for amr mfa', async () => {
    const t = await setup({
      assignments: [assignment(K.exchange, 'eligible')],
      policies: { [K.exchange]: policy({ requireMfa: true }) },
      remembered: { [K.exchange]: remembered },
    });
    await t.h['pim.activate']({ accountId: 'a1', keys: [K.exchange], input: null }, t.sender);
    expect((await a1.stepUps.get())[0]!.claims).toBe(stepUpClaims('mfa'));
  });

  it('a cancelled step-up answers "cancelled" for each item and leaves nothing waiting', async () => {
    const t = await setup(acrsRoles());
    await t.h['pim.activate']({ accountId: 'a1', keys: [K.app], input: null }, t.sender);
    const done = await t.h['auth.stepUpDone'](
      { accountId: 'a1', stepUpId: 'id-1', accessToken: null, error: 'cancelled' },
      t.sender,
    );
    expect(done.results[0]).toMatchObject({ kind: 'fatal', text: expect.stringContaining('cancelled') });
    expect(await a1.stepUps.get()).toEqual([]);
    expect(t.posts).toHaveLength(0);
    await expect(
      t.h['auth.stepUpDone']({ accountId: 'a1', stepUpId: 'id-1', accessToken: 'late', error: null }, t.sender),
    ).rejects.toMatchObject({ code: 'unknown-step-up' });
  });

  it('retries an extension waiting for a step-up as an extension', async () => {
    const end = new Date(NOW.getTime() + 10 * 60_000).toISOString();
    const t = await setup({
      assignments: [
        assignment(K.app, 'active', { startDateTime: NOW.toISOString(), endDateTime: end }),
        assignment(K.app, 'eligible'),
      ],
      policies: { [K.app]: policy({ authContext: 'c1' }) },
      remembered: { [K.app]: remembered },
      post: () => created('Granted'),
    });
    expect(
      (await t.h['pim.extend']({ accountId: 'a1', key: K.app, durationMinutes: 30, renew: false }, t.sender))
        .results[0],
    ).toMatchObject({ kind: 'stepUp' });
    const done = await t.h['auth.stepUpDone'](
      { accountId: 'a1', stepUpId: 'id-1', accessToken: 'acrs-token', error: null },
      t.sender,
    );
    expect(done.results[0]).toMatchObject({ kind: 'ok', status: 'Granted' });
    expect(t.posts[0]!.body).toMatchObject({ scheduleInfo: { startDateTime: end, expiration: { duration: 'PT30M' } } });
  });
});

describe('step-up store', () => {
  function store(now = { t: NOW.getTime() }) {
    let n = 0;
    const deps = {
      item: a1.stepUps,
      now: () => new Date(now.t),
      newId: () => `s${++n}`,
      openTab: vi.fn(async () => 5),
      focusTab: vi.fn(async () => true),
      pageUrl: (q: string) => `ext:${q}`,
    };
    return { s: createStepUps(deps), deps, now };
  }
  const item = (key: string) => ({
    key,
    displayName: key,
    action: 'activate' as const,
    input: null,
    durationMinutes: null,
  });

  it('reads a JWT expiry; an opaque token gets none', () => {
    expect(tokenExpiresAt(jwt({ exp: 1_800_000_000 }))).toBe(1_800_000_000_000);
    expect(tokenExpiresAt('opaque')).toBeNull();
  });

  it('does not hand out a token about to expire, nor one for other claims or another account', () => {
    const { s } = store();
    s.remember(C1, 'me', jwt({ exp: NOW.getTime() / 1000 + 30 }));
    expect(s.tokenFor(C1, 'me')).toBeNull();
    s.remember(C1, 'me', jwt({ exp: NOW.getTime() / 1000 + 3600 }));
    expect(s.tokenFor(C1, 'me')).not.toBeNull();
    expect(s.tokenFor(stepUpClaims('mfa'), 'me')).toBeNull();
    expect(s.tokenFor(C1, 'someone-else')).toBeNull();
  });

  it('joins a waiting step-up with the same claims and brings its tab forward; reopens the tab when it was closed', async () => {
    const { s, deps } = store();
    expect(await s.request(C1, [item('a')])).toBe('s1');
    expect(await s.request(C1, [item('b'), item('a')])).toBe('s1');
    expect(deps.focusTab).toHaveBeenCalledExactlyOnceWith(5);
    expect(deps.openTab).toHaveBeenCalledOnce();
    deps.focusTab.mockResolvedValueOnce(false);
    await s.request(C1, [item('c')]);
    expect(deps.openTab).toHaveBeenCalledTimes(2);
    expect((await a1.stepUps.get())[0]!.items.map((i) => i.key)).toEqual(['a', 'b', 'c']);
  });

  it('forgets a step-up nobody finished within its time', async () => {
    const { s, now } = store();
    await s.request(C1, [item('a')]);
    now.t += STEP_UP_TTL_MS + 1;
    expect(await s.take('s1')).toBeNull();
    expect(await s.request(C1, [item('a')])).toBe('s2');
  });
});
