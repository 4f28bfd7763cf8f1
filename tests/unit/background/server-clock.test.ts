import { describe, expect, it } from 'vitest';
import { createServerClock, serverNow } from '../../../lib/background/server-clock';

describe('server clock', () => {
  const local = Date.parse('2026-11-22T10:00:00.000Z');

  it.each([
    ['no header', null, 0],
    ['garbage', 'not a date', 0],
    ['within noise', 'Sun, 22 Nov 2026 10:00:01 GMT', 0],
    ['service ahead by 6 minutes', 'Sun, 22 Nov 2026 10:06:00 GMT', 360_000],
    ['service behind by 1 hour', 'Sun, 22 Nov 2026 09:00:00 GMT', -3_600_000],
  ])('%s → skew %i ms', (_, header, skew) => {
    const clock = createServerClock();
    clock.observe(header, local);
    expect(clock.skewMs()).toBe(skew);
  });

  it('keeps the last good observation when a later header is missing', () => {
    const clock = createServerClock();
    clock.observe('Sun, 22 Nov 2026 10:06:00 GMT', local);
    clock.observe(null, local);
    expect(clock.skewMs()).toBe(360_000);
  });

  it('turns a stored skew into the service time', () => {
    expect(serverNow(360_000, local).toISOString()).toBe('2026-11-22T10:06:00.000Z');
    expect(serverNow(undefined, local).toISOString()).toBe('2026-11-22T10:00:00.000Z');
  });
});
