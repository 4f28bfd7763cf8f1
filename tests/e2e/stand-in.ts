/**
 * One stand-in tenant per e2e file and one browser session per test, the way every journey needs them: the tenant
 * starts once, each test starts from the default scenario, and the test's browser is closed after it.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { DEFAULT_SCENARIO_PATH, startFakeTenant, type FakeTenant } from '../fake-tenant/index';
import type { Session } from './harness';

export interface StandIn {
  readonly tenant: FakeTenant;
  /** The test's browser, closed after the test. */
  session: Session | undefined;
}

export function useStandIn(): StandIn {
  let tenant: FakeTenant | undefined;
  const standIn: StandIn = {
    get tenant() {
      if (!tenant) throw new Error('the stand-in tenant is not started yet (use it inside a test or hook)');
      return tenant;
    },
    session: undefined,
  };
  beforeAll(async () => {
    tenant = await startFakeTenant();
  });
  afterAll(async () => {
    await tenant?.close();
  });
  beforeEach(async () => {
    await standIn.tenant.control.loadScenario(DEFAULT_SCENARIO_PATH);
  });
  afterEach(async () => {
    await standIn.session?.close();
    standIn.session = undefined;
  });
  return standIn;
}
