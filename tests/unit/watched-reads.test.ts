import { describe, expect, it } from 'vitest';
import { latestRead, watchThenRead, type Watched } from '../../lib/watched-reads';

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

  it('a value a watch delivers while the reads are under way is answered in place of the older value read, not as a change', async () => {
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
    expect(await pending).toEqual({ approvals: ['role request'], auth: 'signed-in' });
    // Nothing was drawn before the answer: a change then would show the rows over a signed-out default.
    expect(changes).toEqual([]);
  });

  it('of several deliveries before the answer, the last one is answered, null included', async () => {
    const snapshot = item<number | null>(1);
    const changes: unknown[] = [];
    const pending = watchThenRead<{ snapshot: number | null }>({ snapshot }, (_n, next) => changes.push(next), []);
    snapshot.write(2);
    snapshot.write(null);
    snapshot.answerRead();
    expect(await pending).toEqual({ snapshot: null });
    expect(changes).toEqual([]);
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

describe('latestRead', () => {
  /** A read whose answer the test gives, run by run. */
  function reads() {
    const answers: ((v: string) => void)[] = [];
    const read = () => new Promise<string>((resolve) => answers.push(resolve));
    return { read, answer: (run: number, v: string) => answers[run]!(v) };
  }

  it('applies each run that no later run overtook', async () => {
    const { read, answer } = reads();
    const applied: string[] = [];
    const load = latestRead(read, (v) => applied.push(v));
    const first = load();
    answer(0, 'one');
    await first;
    const second = load();
    answer(1, 'two');
    await second;
    expect(applied).toEqual(['one', 'two']);
  });

  it('an older run that answers after a newer one started is dropped, whichever answers first', async () => {
    const { read, answer } = reads();
    const applied: string[] = [];
    const load = latestRead(read, (v) => applied.push(v));
    const older = load();
    const newer = load();
    answer(1, 'newer');
    await newer;
    answer(0, 'older');
    await older;
    expect(applied).toEqual(['newer']);

    const third = load();
    const fourth = load();
    answer(2, 'third');
    await third;
    expect(applied).toEqual(['newer']);
    answer(3, 'fourth');
    await fourth;
    expect(applied).toEqual(['newer', 'fourth']);
  });
});
