import { describe, expect, it } from 'vitest';
import { watchThenRead, type Watched } from '../../lib/watched-reads';

/** A stored item whose read answers when the test says, and whose watch the test fires. */
function item<T>(stored: T) {
  let listener: ((next: T) => void) | null = null;
  let answer: (() => void) | null = null;
  const events: string[] = [];
  const it: Watched<T> & { write(next: T): void; answerRead(): void; events: string[] } = {
    events,
    get: () =>
      new Promise<T>((resolve) => {
        events.push('get');
        const read = stored; // what storage held when the read was made
        answer = () => resolve(read);
      }),
    watch: (cb) => {
      events.push('watch');
      listener = cb;
      return () => {
        events.push('unwatch');
        listener = null;
      };
    },
    write: (next) => {
      stored = next;
      listener?.(next);
    },
    answerRead: () => answer!(),
  };
  return it;
}

describe('watchThenRead', () => {
  it('watches each item before reading it, and answers every value read when nothing arrived', async () => {
    const a = item(1);
    const b = item('x');
    const stops: (() => void)[] = [];
    const pending = watchThenRead<{ a: number; b: string }>({ a, b }, () => undefined, stops);
    expect(a.events).toEqual(['watch', 'get']);
    expect(b.events).toEqual(['watch', 'get']);
    a.answerRead();
    b.answerRead();
    expect(await pending).toEqual({ a: 1, b: 'x' });
    expect(stops).toHaveLength(2);
    stops.forEach((s) => s());
    expect(a.events.at(-1)).toBe('unwatch');
  });

  it('a value a watch delivers while the reads are under way is not undone by the older value read', async () => {
    const approvals = item<string[] | null>(null);
    const auth = item('signed-in');
    const changes: [string, unknown][] = [];
    const pending = watchThenRead<{ approvals: string[] | null; auth: string }>(
      { approvals, auth },
      (name, next) => changes.push([name, next]),
      [],
    );
    // The approvals read was made (null); the refresh writes the rows before the other read answers.
    approvals.write(['role request']);
    approvals.answerRead();
    auth.answerRead();
    const read = await pending;
    expect(changes).toEqual([['approvals', ['role request']]]);
    expect(read).toEqual({ auth: 'signed-in' });
    expect('approvals' in read).toBe(false);
  });

  it('a write after the reads answered is only a change', async () => {
    const snapshot = item(1);
    const changes: unknown[] = [];
    const pending = watchThenRead<{ snapshot: number }>({ snapshot }, (_n, next) => changes.push(next), []);
    snapshot.answerRead();
    expect(await pending).toEqual({ snapshot: 1 });
    snapshot.write(2);
    expect(changes).toEqual([2]);
  });
});
