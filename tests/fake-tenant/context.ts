/**
 * Everything one running stand-in holds. It may serve several tenants (the scenario's `otherTenants`): each has its
 * own TenantContext (scenario, PIM state, Azure state), while the clock, token signer, request log, faults and the
 * identity provider's memory (sessions, codes, refresh tokens: login.microsoftonline.com is one service) are shared.
 * Loading the home scenario replaces all of it; loading one other tenant replaces only that tenant's data.
 */
import { Clock, resolveTime } from './clock.ts';
import { FaultBook } from './faults.ts';
import { IdpState } from './idp-state.ts';
import { Signer } from './jwt.ts';
import { RequestLog } from './log.ts';
import type { ParsedScenario, ParsedTenantScenario } from './scenario.ts';
import { Store } from './store.ts';
import { ArmState } from './arm/state.ts';

export class TenantContext {
  scenario!: ParsedTenantScenario;
  store!: Store;
  arm!: ArmState;

  constructor(
    readonly world: StandIn,
    scenario: ParsedTenantScenario,
  ) {
    this.load(scenario);
  }

  get signer(): Signer {
    return this.world.signer;
  }
  get log(): RequestLog {
    return this.world.log;
  }
  get faults(): FaultBook {
    return this.world.faults;
  }
  get clock(): Clock {
    return this.world.clock;
  }
  get idp(): IdpState {
    return this.world.idp;
  }

  /** Replaces this tenant's directory, PIM and Azure data (relative times count from the shared clock's now). */
  load(scenario: ParsedTenantScenario): void {
    this.scenario = scenario;
    this.store = new Store(scenario, this.clock);
    this.arm = new ArmState(scenario, this.clock);
  }

  /** Whether `seg` (a tenant id or domain, any case) names this tenant. */
  is(seg: string): boolean {
    const s = seg.toLowerCase();
    return this.scenario.tenant.id.toLowerCase() === s || this.scenario.tenant.domain.toLowerCase() === s;
  }
}

export class StandIn {
  readonly signer = new Signer();
  readonly log = new RequestLog();
  readonly faults = new FaultBook();
  clock!: Clock;
  idp!: IdpState;
  /** The home tenant (the scenario itself) first, then `otherTenants` in order. */
  tenants: TenantContext[] = [];

  constructor(
    scenario: ParsedScenario,
    /** The start time used when a scenario names none (startFakeTenant's `now`, else the real time). */
    private readonly defaultNow?: Date,
  ) {
    this.load(scenario);
  }

  get home(): TenantContext {
    return this.tenants[0]!;
  }

  load(scenario: ParsedScenario): void {
    const { otherTenants, ...home } = scenario;
    this.check([home, ...otherTenants]);
    const start = scenario.clock.start
      ? resolveTime(scenario.clock.start, new Date())
      : (this.defaultNow ?? new Date());
    this.clock = new Clock(start);
    this.idp = new IdpState();
    this.log.clear();
    this.faults.clear();
    this.tenants = [];
    for (const t of [home, ...otherTenants]) this.tenants.push(new TenantContext(this, t));
  }

  /**
   * Throws unless the tenants have distinct ids and domains and every guest's `homeUpn` is a member of another one.
   */
  check(scenarios: ParsedTenantScenario[]): void {
    const names = scenarios.flatMap((s) => [s.tenant.id.toLowerCase(), s.tenant.domain.toLowerCase()]);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) throw new Error(`Two tenants named ${twice}`);
    const members = (s: ParsedTenantScenario) =>
      s.accounts.filter((m) => !m.homeUpn).map((m) => m.userPrincipalName.toLowerCase());
    for (const t of scenarios)
      for (const a of t.accounts) {
        if (a.homeUpn && !scenarios.some((o) => o !== t && members(o).includes(a.homeUpn!.toLowerCase())))
          throw new Error(`Guest ${a.userPrincipalName}: no other tenant of the stand-in has a member ${a.homeUpn}`);
      }
  }

  /** The tenant with this id or domain (any case), or undefined. */
  find(idOrDomain: string): TenantContext | undefined {
    return this.tenants.find((t) => t.is(idOrDomain));
  }

  /** Settles every tenant's schedules against the shared clock (after the clock moved). */
  settle(): void {
    for (const t of this.tenants) t.store.settle();
  }
}
