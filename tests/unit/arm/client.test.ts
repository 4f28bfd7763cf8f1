import { describe, expect, it } from 'vitest';
import { createArmClient } from '../../../lib/arm/client';
import { GraphRequestError } from '../../../lib/graph/errors';

type Call = { url: string; method: string; auth: string };

/** A fetch that answers from a queue and records what was asked. */
function fakeFetch(answers: Array<{ status: number; body?: unknown; headers?: Record<string, string> }>) {
  const calls: Call[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({
      url: input instanceof Request ? input.url : input.toString(),
      method: init?.method ?? 'GET',
      auth: new Headers(init?.headers).get('authorization') ?? '',
    });
    const a = answers.shift() ?? { status: 500, body: { error: { code: 'NoMore', message: 'no answer queued' } } };
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), { status: a.status, headers: a.headers });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const client = (f: ReturnType<typeof fakeFetch>, slept: number[] = []) =>
  createArmClient({
    getToken: async ({ forceRefresh }) => (forceRefresh ? 'fresh' : 'cached'),
    base: 'https://management.azure.com',
    fetch: f.fetch,
    sleep: async (ms) => void slept.push(ms),
  });

describe('ARM client', () => {
  it('adds the api-version and the token, and follows nextLink on the ARM host only', async () => {
    const f = fakeFetch([
      {
        status: 200,
        body: {
          value: [1],
          nextLink:
            'https://management.azure.com/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=2020-10-01&$skiptoken=1',
        },
      },
      { status: 200, body: { value: [2], nextLink: 'https://evil.example/steal?api-version=2020-10-01' } },
    ]);
    await expect(
      client(f).list('/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?$filter=asTarget()'),
    ).rejects.toBeInstanceOf(GraphRequestError);
    expect(f.calls.map((c) => c.url)).toEqual([
      'https://management.azure.com/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?%24filter=asTarget%28%29&api-version=2020-10-01',
      'https://management.azure.com/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=2020-10-01&$skiptoken=1',
    ]);
    expect(f.calls.every((c) => c.auth === 'Bearer cached')).toBe(true);
  });

  it('asks once more with a fresh token after a 401', async () => {
    const f = fakeFetch([
      { status: 401, body: { error: { code: 'ExpiredAuthenticationToken', message: 'x' } } },
      { status: 200, body: { value: [] } },
    ]);
    expect(await client(f).list('/providers/Microsoft.Authorization/roleAssignmentScheduleInstances')).toEqual([]);
    expect(f.calls.map((c) => c.auth)).toEqual(['Bearer cached', 'Bearer fresh']);
  });

  it('waits out a short Retry-After once on a GET; a long one fails the read with ARM’s error', async () => {
    const slept: number[] = [];
    const short = fakeFetch([
      { status: 429, headers: { 'Retry-After': '2' }, body: { error: { code: 'TooManyRequests', message: 'slow' } } },
      { status: 200, body: { value: ['ok'] } },
    ]);
    expect(await client(short, slept).list('/x/providers/Microsoft.Authorization/y')).toEqual(['ok']);
    expect(slept).toEqual([2000]);
    const long = fakeFetch([
      { status: 429, headers: { 'Retry-After': '60' }, body: { error: { code: 'TooManyRequests', message: 'slow' } } },
    ]);
    const error = await client(long)
      .get('/x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphRequestError);
    expect((error as GraphRequestError).error).toMatchObject({
      status: 429,
      code: 'TooManyRequests',
      retryAfterSeconds: 60,
    });
  });

  it('never resends a PUT', async () => {
    const f = fakeFetch([
      { status: 429, headers: { 'Retry-After': '1' }, body: { error: { code: 'TooManyRequests', message: 'slow' } } },
    ]);
    await expect(
      client(f).put('/s/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/g', {}),
    ).rejects.toMatchObject({
      status: 429,
    });
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0]!.method).toBe('PUT');
  });
});
