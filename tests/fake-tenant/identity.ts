/**
 * People across the stand-in's tenants. A person has one home account (a member of their home tenant) and may have
 * guest (B2B) accounts in other tenants, each with its own object id, linked by `homeUpn`. Sessions and refresh tokens
 * belong to the person (home tenant id + home object id); at a tenant's authority the person is their account there.
 */
import type { StandIn, TenantContext } from './context.ts';
import type { AppConfig, ParsedTenantScenario } from './scenario.ts';

export type AccountT = ParsedTenantScenario['accounts'][number];

export interface Person {
  ctx: TenantContext;
  account: AccountT;
}

const same = (a: string | undefined, b: string | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

/** The UPN a person types (and the picker's data-upn): a guest's home UPN, else the account's own. */
export function signInName(account: AccountT): string {
  return account.homeUpn ?? account.userPrincipalName;
}

/** The account of this tenant a user means by `upn`: its own UPN, or a guest's home UPN. */
export function accountByUpn(ctx: TenantContext, upn: string | null | undefined): AccountT | undefined {
  if (!upn) return undefined;
  return ctx.scenario.accounts.find((a) => same(a.userPrincipalName, upn) || same(a.homeUpn, upn));
}

/** Members (not guests) of every tenant: who may sign in at `organizations` / `common`. */
export function allMembers(world: StandIn): Person[] {
  return world.tenants.flatMap((ctx) =>
    ctx.scenario.accounts.filter((a) => !a.homeUpn).map((account) => ({ ctx, account })),
  );
}

/** The home account of the person behind `account` of `ctx` (itself for a member). */
export function homeOf(world: StandIn, ctx: TenantContext, account: AccountT): Person {
  if (!account.homeUpn) return { ctx, account };
  const home = allMembers(world).find((p) => same(p.account.userPrincipalName, account.homeUpn));
  if (!home) throw new Error(`Guest ${account.userPrincipalName}: no tenant of the stand-in has ${account.homeUpn}`);
  return home;
}

/** The person with this home tenant id and home object id. */
export function person(world: StandIn, tenantId: string, accountId: string): Person | undefined {
  const ctx = world.find(tenantId);
  const account = ctx?.scenario.accounts.find((a) => a.id === accountId && !a.homeUpn);
  return ctx && account ? { ctx, account } : undefined;
}

/** The person's account in `ctx`: the home account there, or their guest account; undefined when they have none. */
export function accountIn(ctx: TenantContext, home: Person): AccountT | undefined {
  if (ctx === home.ctx) return home.account;
  return ctx.scenario.accounts.find((a) => same(a.homeUpn, home.account.userPrincipalName));
}

/** The app registration or consented multi-tenant app with this client id in `ctx`. */
export function appIn(ctx: TenantContext, clientId: string): AppConfig | undefined {
  const s = ctx.scenario;
  return s.app.clientId === clientId ? s.app : s.consentedApps.find((a) => a.clientId === clientId);
}

/** The app as any tenant of the stand-in knows it (for `organizations` / `common`, before the user is known). */
export function appAnywhere(world: StandIn, clientId: string): AppConfig | undefined {
  for (const ctx of world.tenants) {
    const app = appIn(ctx, clientId);
    if (app) return app;
  }
  return undefined;
}
