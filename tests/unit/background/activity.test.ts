import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ACTIVITY_CAP, createActivityLog, type ActivityRecord } from '../../../lib/background/activity';
import { a1 } from '../account-fixture';

const entry = (key: string): ActivityRecord => ({
  action: 'activate',
  key,
  displayName: key,
  justification: 'Fix the mail flow',
  durationMinutes: 60,
  outcome: 'Provisioned',
  text: `${key} is active.`,
  requestId: `r-${key}`,
});

beforeEach(() => fakeBrowser.reset());

describe('activity log', () => {
  it('records newest first with an id and the time, capped at 500', async () => {
    let n = 0;
    let t = Date.parse('2026-11-22T10:00:00Z');
    const log = createActivityLog({ item: a1.activity, now: () => new Date(t), newId: () => `a${++n}` });
    await a1.activity.set(
      Array.from({ length: ACTIVITY_CAP }, (_, i) => ({
        id: `old${i}`,
        at: '2026-11-01T00:00:00.000Z',
        ...entry(`old${i}`),
      })),
    );
    await log.record(entry('x'));
    t += 1000;
    await log.record(entry('y'));
    const list = await a1.activity.get();
    expect(list).toHaveLength(ACTIVITY_CAP);
    expect(list.slice(0, 2).map((e) => [e.id, e.key, e.at])).toEqual([
      ['a2', 'y', '2026-11-22T10:00:01.000Z'],
      ['a1', 'x', '2026-11-22T10:00:00.000Z'],
    ]);
    expect(list.at(-1)!.key).toBe(`old${ACTIVITY_CAP - 3}`);
  });

  it('keeps every entry when commands record at the same time', async () => {
    let n = 0;
    const log = createActivityLog({ item: a1.activity, now: () => new Date(), newId: () => `a${++n}` });
    await Promise.all(['a', 'b', 'c', 'd'].map((k) => log.record(entry(k))));
    expect((await a1.activity.get()).map((e) => e.key).sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('never turns a done request into an error when storage fails', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const log = createActivityLog({
      item: { get: async () => [], set: async () => Promise.reject(new Error('quota')) },
      now: () => new Date(),
      newId: () => 'a',
    });
    await expect(log.record(entry('x'))).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
