/** Everything one running stand-in holds. A scenario load replaces the state, clock, log, faults and sessions. */
import { Clock, resolveTime } from './clock.ts';
import { FaultBook } from './faults.ts';
import { IdpState } from './idp-state.ts';
import { Signer } from './jwt.ts';
import { RequestLog } from './log.ts';
import type { ParsedScenario } from './scenario.ts';
import { Store } from './store.ts';
import { ArmState } from './arm/state.ts';

export class TenantContext {
  readonly signer = new Signer();
  readonly log = new RequestLog();
  readonly faults = new FaultBook();
  clock!: Clock;
  scenario!: ParsedScenario;
  store!: Store;
  arm!: ArmState;
  idp!: IdpState;

  constructor(
    scenario: ParsedScenario,
    /** The start time used when a scenario names none (startFakeTenant's `now`, else the real time). */
    private readonly defaultNow?: Date,
  ) {
    this.load(scenario);
  }

  load(scenario: ParsedScenario): void {
    const start = scenario.clock.start
      ? resolveTime(scenario.clock.start, new Date())
      : (this.defaultNow ?? new Date());
    this.clock = new Clock(start);
    this.scenario = scenario;
    this.store = new Store(scenario, this.clock);
    this.arm = new ArmState(scenario, this.clock);
    this.idp = new IdpState();
    this.log.clear();
    this.faults.clear();
  }
}
