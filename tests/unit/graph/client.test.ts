import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGraphClient, type GraphClientDeps } from '../../../lib/graph/client';
import { GraphRequestError } from '../../../lib/graph/errors';
import { fakeFetch, GRAPH, type Handler } from './fake-graph';

function setup(handler: Handler, extra: Partial<GraphClientDeps> = {}) {
  const { fetch, calls } = fakeFetch(handler);
  let issued = 0;
  const getToken = vi.fn(
    async ({ forceRefresh }: { forceRefresh: boolean }) => `token-${++issued}${forceRefresh ? '-forced' : ''}`,
  );
  const graph = createGraphClient({ getToken, graphBase: GRAPH, fetch, ...extra });
  return { graph, calls, getToken };
}

async function failure(promise: Promise<unknown>): Promise<GraphRequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphRequestError);
  return error as GraphRequestError;
}

const invalidToken = {
  status: 401,
  body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' } },
};

afterEach(() => {
  vi.useRealTimers();
});

describe('createGraphClient', () => {
  it('GETs base + v1.0 + path with the bearer token, through the injected fetch', async () => {
    const { graph, calls } = setup(() => ({ body: { value: [1] } }));
    await expect(
      graph.get(
        "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition",
      ),
    ).resolves.toEqual({ value: [1] });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(
      "https://graph.microsoft.com/v1.0/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition",
    );
    expect(calls[0]!.headers.authorization).toBe('Bearer token-1');
  });

  it('uses beta when asked', async () => {
    const { graph, calls } = setup(() => ({ status: 204 }));
    await expect(
      graph.patch(
        '/roleManagement/directory/roleAssignmentApprovals/a/steps/s',
        { reviewResult: 'Approve' },
        { version: 'beta' },
      ),
    ).resolves.toBeNull();
    expect(calls[0]).toMatchObject({
      method: 'PATCH',
      url: `${GRAPH}/beta/roleManagement/directory/roleAssignmentApprovals/a/steps/s`,
      body: { reviewResult: 'Approve' },
    });
  });

  it.each([
    ['national cloud', 'https://graph.microsoft.us'],
    ['stand-in host with a port', 'https://graph.localtest:8443'],
  ])('attaches the token for a %s', async (_name, graphBase) => {
    const { graph, calls } = setup(() => ({ body: {} }), { graphBase });
    await graph.get('/me');
    expect(calls[0]!.url).toBe(`${graphBase}/v1.0/me`);
    expect(calls[0]!.headers.authorization).toBe('Bearer token-1');
  });

  it('POSTs JSON and returns the created object', async () => {
    const { graph, calls } = setup(() => ({ status: 201, body: { id: 'req-1', status: 'Provisioned' } }));
    await expect(
      graph.post('/roleManagement/directory/roleAssignmentScheduleRequests', { action: 'selfActivate' }),
    ).resolves.toEqual({
      id: 'req-1',
      status: 'Provisioned',
    });
    expect(calls[0]).toMatchObject({ method: 'POST', body: { action: 'selfActivate' } });
    expect(calls[0]!.headers['content-type']).toMatch(/application\/json/);
  });

  describe('401 InvalidAuthenticationToken', () => {
    it('gets a token with forceRefresh once and retries once', async () => {
      const { graph, calls, getToken } = setup((_req, n) => (n === 0 ? invalidToken : { body: { ok: true } }));
      await expect(graph.get('/me')).resolves.toEqual({ ok: true });
      expect(calls.map((c) => c.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2-forced']);
      expect(getToken.mock.calls.map(([o]) => o.forceRefresh)).toEqual([false, true]);
    });

    it('gives up after the one retry', async () => {
      const { graph, calls } = setup(() => invalidToken);
      const error = await failure(graph.get('/me'));
      expect(error.error).toMatchObject({ status: 401, code: 'InvalidAuthenticationToken' });
      expect(calls).toHaveLength(2);
    });

    it('does not retry a claims challenge: the caller must step up', async () => {
      const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
      const { graph, calls } = setup(() => ({
        ...invalidToken,
        headers: { 'WWW-Authenticate': `Bearer realm="", error="insufficient_claims", claims="${btoa(claims)}"` },
      }));
      const error = await failure(graph.get('/me'));
      expect(error.error.claims).toBe(claims);
      expect(calls).toHaveLength(1);
    });

    it('does not retry other 401s', async () => {
      const { graph, calls } = setup(() => ({ status: 401, body: { error: { code: 'Unauthorized', message: 'no' } } }));
      await failure(graph.get('/me'));
      expect(calls).toHaveLength(1);
    });
  });

  describe('RetryHandler', () => {
    it('waits a fractional Retry-After before retrying a 429', async () => {
      vi.useFakeTimers();
      const { graph, calls } = setup((_req, n) =>
        n === 0
          ? {
              status: 429,
              headers: { 'Retry-After': '2.128' },
              body: { error: { code: 'TooManyRequests', message: 'slow down' } },
            }
          : { body: { ok: 1 } },
      );
      const result = graph.get('/me');
      await vi.advanceTimersByTimeAsync(2100);
      expect(calls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(50);
      expect(calls).toHaveLength(2);
      await expect(result).resolves.toEqual({ ok: 1 });
      expect(calls[1]!.headers['retry-attempt']).toBe('1');
    });

    it('does not wait out a Retry-After beyond the cap: the 429 comes back with it', async () => {
      const { graph, calls } = setup(() => ({
        status: 429,
        headers: { 'Retry-After': '120' },
        body: { error: { code: 'TooManyRequests', message: 'later' } },
      }));
      const error = await failure(graph.get('/me'));
      expect(error.error).toMatchObject({ status: 429, code: 'TooManyRequests', retryAfterSeconds: 120 });
      expect(calls).toHaveLength(1);
    });

    it('retries 503 at most maxRetries times', async () => {
      vi.useFakeTimers();
      const { graph, calls } = setup(
        () => ({ status: 503, body: { error: { code: 'ServiceUnavailable', message: 'busy' } } }),
        { maxRetries: 2 },
      );
      const result = failure(graph.get('/me'));
      await vi.advanceTimersByTimeAsync(30_000);
      expect((await result).error.status).toBe(503);
      expect(calls).toHaveLength(3);
    });

    it('does not retry a 500', async () => {
      const { graph, calls } = setup(() => ({
        status: 500,
        body: { error: { code: 'UnknownError', message: 'boom' } },
      }));
      expect((await failure(graph.get('/me'))).error.status).toBe(500);
      expect(calls).toHaveLength(1);
    });
  });

  it('turns a network failure into status 0 NetworkError', async () => {
    const { graph } = setup(() => 'network-error');
    expect((await failure(graph.get('/me'))).error).toMatchObject({ status: 0, code: 'NetworkError' });
  });

  it.each([
    ['the first token', [false]],
    ['the forced token after a 401', [false, true]],
  ])(
    'passes a token-provider failure (%s) through as itself: sign-in needed is not a network error',
    async (_name, asked) => {
      const signIn = Object.assign(new Error('Your sign-in has expired.'), {
        name: 'SignInRequiredError',
        code: 'sign-in-required',
      });
      const invalidToken = { status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'expired' } } };
      const { fetch, calls } = fakeFetch(() => invalidToken);
      const getToken = vi.fn(async ({ forceRefresh }: { forceRefresh: boolean }) => {
        if (forceRefresh === asked[asked.length - 1]) throw signIn;
        return 'token';
      });
      const graph = createGraphClient({ getToken, graphBase: GRAPH, fetch });
      const thrown = await graph.batch([{ id: '1', method: 'GET', url: '/me' }]).then(
        () => null,
        (e: unknown) => e,
      );
      expect(thrown).toBe(signIn);
      expect(getToken.mock.calls.map(([o]) => o.forceRefresh)).toEqual(asked);
      expect(calls).toHaveLength(asked.length - 1);
    },
  );

  it('rejects a 2xx that is not JSON', async () => {
    const { graph } = setup(() => ({ body: '<html>captive portal</html>' }));
    expect((await failure(graph.get('/me'))).error.code).toBe('InvalidResponse');
  });

  describe('batch', () => {
    it('sends one $batch with the items verbatim and returns the answers in request order', async () => {
      const { graph, calls } = setup(() => ({
        body: {
          responses: [
            {
              id: 'B',
              status: 403,
              headers: { 'Content-Type': 'application/json' },
              body: { error: { code: 'Forbidden', message: 'no' } },
            },
            { id: 'a', status: 200, body: { value: [] } },
          ],
        },
      }));
      const answers = await graph.batch([
        { id: 'a', method: 'GET', url: "/x/filterByCurrentUser(on='principal')?$filter=status eq 'PendingApproval'" },
        { id: 'b', method: 'POST', url: '/y', body: { z: 1 } },
      ]);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ method: 'POST', url: `${GRAPH}/v1.0/$batch` });
      expect(calls[0]!.body).toEqual({
        requests: [
          { id: 'a', method: 'GET', url: "/x/filterByCurrentUser(on='principal')?$filter=status eq 'PendingApproval'" },
          { id: 'b', method: 'POST', url: '/y', headers: { 'Content-Type': 'application/json' }, body: { z: 1 } },
        ],
      });
      // Graph matches ids case-insensitively; callers get their own spelling back.
      expect(answers.map((a) => [a.id, a.status])).toEqual([
        ['a', 200],
        ['b', 403],
      ]);
      expect(answers[1]!.headers).toEqual({ 'content-type': 'application/json' });
    });

    it.each([
      ['no requests', 0],
      ['21 requests', 21],
    ])('refuses %s', async (_name, n) => {
      const { graph, calls } = setup(() => ({ body: { responses: [] } }));
      const requests = Array.from({ length: n }, (_, i) => ({ id: `r${i}`, method: 'GET' as const, url: '/me' }));
      await expect(graph.batch(requests)).rejects.toBeInstanceOf(RangeError);
      expect(calls).toHaveLength(0);
    });

    it('refuses ids that differ only in case', async () => {
      const { graph } = setup(() => ({ body: { responses: [] } }));
      await expect(
        graph.batch([
          { id: 'x', method: 'GET', url: '/a' },
          { id: 'X', method: 'GET', url: '/b' },
        ]),
      ).rejects.toBeInstanceOf(RangeError);
    });

    it.each([
      [
        'an error status',
        () => ({ status: 500, body: { error: { code: 'InternalServerError', message: 'down' } } }),
        500,
      ],
      ['an unreadable answer', () => ({ body: { nope: true } }), 200],
      ['a network failure', () => 'network-error' as const, 0],
    ])('throws GraphRequestError on %s', async (_name, reply, status) => {
      const { graph } = setup(reply);
      const error = await failure(graph.batch([{ id: 'a', method: 'GET', url: '/me' }]));
      expect(error.status).toBe(status);
    });
  });
});
