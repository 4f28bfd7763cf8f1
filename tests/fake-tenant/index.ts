export { openTenants, startFakeTenant } from './server.ts';
export type { ControlClient, FakeTenant, FaultSpec, LogEntry, Scenario, TenantState } from './server.ts';
export { DEFAULT_SCENARIO_PATH } from './scenario.ts';
