/**
 * The stand-in tenant's lifecycle for an e2e file: started once before the file's tests, reset to the default scenario
 * before each test, closed after the last. Returns the tenant itself (usable inside tests and hooks), so a journey file
 * starts with `const tenant = useStandIn();` and nothing more.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { DEFAULT_SCENARIO_PATH, startFakeTenant, type FakeTenant } from '../fake-tenant/index';

export function useStandIn(): FakeTenant {
  let started: FakeTenant | undefined;
  beforeAll(async () => {
    started = await startFakeTenant();
  });
  afterAll(async () => {
    await started?.close();
  });
  beforeEach(async () => {
    await started!.control.loadScenario(DEFAULT_SCENARIO_PATH);
  });
  const current = (): FakeTenant => {
    if (!started) throw new Error('the stand-in tenant is not started yet: use it inside a test or hook');
    return started;
  };
  return new Proxy({} as FakeTenant, {
    get(_, prop) {
      const value: unknown = Reflect.get(current(), prop);
      return typeof value === 'function' ? value.bind(current()) : value;
    },
  });
}
