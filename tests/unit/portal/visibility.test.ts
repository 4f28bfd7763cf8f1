import { describe, expect, it, vi } from 'vitest';
import { createPortalContext } from '../../../lib/portal/context';
import { createVisibilityProof, VISIBLE_FOR_MS } from '../../../lib/portal/visibility';

/** An IntersectionObserver v2 the test drives: entries with `isVisible` (or without it, as Firefox has). */
function fakeObserver(v2 = true) {
  let cb: ((entries: unknown[]) => void) | null = null;
  const observed: Element[] = [];
  class Observer {
    constructor(callback: (entries: unknown[]) => void) {
      cb = callback;
    }
    observe(el: Element) {
      observed.push(el);
    }
    disconnect() {}
  }
  return {
    Observer: Observer as unknown as typeof IntersectionObserver,
    observed,
    report: (isVisible: boolean, time: number) => cb?.([v2 ? { isVisible, time } : { time }]),
  };
}

describe('visibility proof (IntersectionObserver v2)', () => {
  it('is proven only after the badge has been visible without a break for long enough', () => {
    let now = 1000;
    const io = fakeObserver();
    const el = document.createElement('div');
    const proof = createVisibilityProof(() => el, { now: () => now, Observer: io.Observer });
    proof.observe();
    expect(io.observed).toEqual([el]);
    expect(proof.proven()).toBe(false);
    io.report(true, 1000);
    now = 1000 + VISIBLE_FOR_MS - 1;
    expect(proof.proven()).toBe(false);
    now = 1000 + VISIBLE_FOR_MS;
    expect(proof.proven()).toBe(true);
    // Covered (an overlay, opacity, a transform): no proof until visible again for the whole time.
    io.report(false, now);
    expect(proof.proven()).toBe(false);
    io.report(true, now);
    now += 100;
    expect(proof.proven()).toBe(false);
  });

  it('must hold again for the whole time after the rows change under it (restart)', () => {
    let now = 1000;
    const io = fakeObserver();
    const proof = createVisibilityProof(() => document.createElement('div'), {
      now: () => now,
      Observer: io.Observer,
      setTimeout: () => undefined,
    });
    proof.observe();
    io.report(true, 1000);
    now = 1000 + VISIBLE_FOR_MS;
    expect(proof.proven()).toBe(true);
    // An in-portal navigation swaps the rows: the one-click waits until the new rows have been seen.
    proof.restart();
    expect(proof.proven()).toBe(false);
    now += VISIBLE_FOR_MS;
    expect(proof.proven()).toBe(true);
  });

  it('restart repaints later, never from inside the paint that asked for it', () => {
    const io = fakeObserver();
    const onChange = vi.fn();
    const timers: (() => void)[] = [];
    const proof = createVisibilityProof(() => document.createElement('div'), {
      now: () => 1000,
      Observer: io.Observer,
      onChange,
      setTimeout: (fn) => timers.push(fn),
    });
    proof.observe();
    io.report(true, 1000);
    onChange.mockClear();
    timers.length = 0;
    proof.restart();
    expect(onChange).not.toHaveBeenCalled();
    timers.forEach((fn) => fn());
    expect(onChange).toHaveBeenCalled();
  });

  it('is never proven where the browser has no v2 (Firefox), or without an observer at all', () => {
    const io = fakeObserver(false);
    const proof = createVisibilityProof(() => document.createElement('div'), { now: () => 1e9, Observer: io.Observer });
    proof.observe();
    io.report(true, 0);
    expect(proof.proven()).toBe(false);
    const none = createVisibilityProof(() => document.createElement('div'), { now: () => 1e9, Observer: undefined });
    none.observe();
    expect(none.proven()).toBe(false);
  });

  it('is never proven again once the page touched the badge host', async () => {
    let now = 0;
    const io = fakeObserver();
    const host = document.createElement('pim-companion-badge');
    document.body.append(host);
    const proof = createVisibilityProof(() => host, { now: () => now, Observer: io.Observer, host: () => host });
    proof.observe();
    io.report(true, 0);
    now = 10_000;
    expect(proof.proven()).toBe(true);
    host.style.opacity = '0.01';
    await new Promise((r) => setTimeout(r, 0));
    expect(proof.proven()).toBe(false);
    host.remove();
  });
});

describe('portal content-script context', () => {
  it('ends only when the extension goes away, never on an event the page can send', () => {
    let alive = true;
    const ctx = createPortalContext({ alive: () => alive, navigation: null });
    let ended = 0;
    ctx.onInvalidated(() => ended++);
    document.dispatchEvent(
      new CustomEvent('ext-id:portal:wxt:content-script-started', {
        detail: { contentScriptName: 'portal', messageId: 'x' },
      }),
    );
    window.postMessage({ type: 'ext-id:portal:wxt:content-script-started' }, '*');
    expect(ctx.isInvalid).toBe(false);
    alive = false;
    expect(ctx.isInvalid).toBe(true);
    expect(ended).toBe(1);
  });

  it('reports a URL change once, and removes its listeners when it ends', () => {
    const ctx = createPortalContext({ alive: () => true, navigation: null });
    let changes = 0;
    ctx.onLocationChange(() => changes++);
    history.pushState({}, '', '/somewhere-else');
    window.dispatchEvent(new PopStateEvent('popstate'));
    window.dispatchEvent(new PopStateEvent('popstate'));
    expect(changes).toBe(1);
    ctx.invalidate();
    history.pushState({}, '', '/again');
    window.dispatchEvent(new PopStateEvent('popstate'));
    expect(changes).toBe(1);
  });
});
