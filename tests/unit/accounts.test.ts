/**
 * Several accounts (issue 16): the pure rules of lib/accounts.ts, the effective list of lib/managed.ts
 * (`overlayAccounts`) and which account a portal tab's badge speaks for (lib/background/portal-tabs.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_COLOURS,
  nextAccountId,
  nextColour,
  tenantOfPortalUrl,
  UNREADABLE_TENANT,
  type AccountEntry,
  type EffectiveAccount,
} from '../../lib/accounts';
import { overlayAccounts } from '../../lib/managed';
import { accountForTab, pickKey, type BadgeAccountState } from '../../lib/background/portal-tabs';
import type { AuthState } from '../../lib/storage';
import type { Snapshot } from '../../lib/pim/model';

const TID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER_TID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const CLIENT = '11111111-2222-4333-8444-555555555555';

describe('tenantOfPortalUrl', () => {
  it('reads the tenant domain of Azure portal and Entra URLs (#@domain)', () => {
    expect(
      tenantOfPortalUrl(
        'https://portal.azure.com/#@contoso.onmicrosoft.com/resource/subscriptions/0b1e7c3a-1111-4222-8333-444455556666/overview',
      ),
    ).toBe('contoso.onmicrosoft.com');
    expect(tenantOfPortalUrl('https://portal.azure.com/#@Fabrikam.COM/dashboard')).toBe('fabrikam.com');
    expect(tenantOfPortalUrl(`https://entra.microsoft.com/#@${TID}/home`)).toBe(TID);
  });

  it('reads a tenant id from an Entra admin center route (…/tenantId/<guid>)', () => {
    expect(
      tenantOfPortalUrl(
        `https://entra.microsoft.com/#view/Microsoft_AAD_IAM/TenantOverview.ReactView/tenantId/${TID.toUpperCase()}`,
      ),
    ).toBe(TID);
    expect(
      tenantOfPortalUrl(
        `https://entra.microsoft.com/#view/Microsoft_AAD_IAM/TenantOverview.ReactView/tenantId/${TID}/x`,
      ),
    ).toBe(TID);
  });

  it('reads realm / tenantId query parameters where a link adds them', () => {
    expect(tenantOfPortalUrl('https://admin.exchange.microsoft.com/?realm=contoso.com#/mailboxes')).toBe('contoso.com');
    expect(tenantOfPortalUrl(`https://admin.microsoft.com/Adminportal/Home?tenantId=${TID}#/homepage`)).toBe(TID);
  });

  it('says null where the URL names no tenant', () => {
    expect(tenantOfPortalUrl('https://admin.exchange.microsoft.com/#/mailboxes')).toBeNull();
    expect(tenantOfPortalUrl('https://admin.exchange.microsoft.com/#/')).toBeNull();
    expect(tenantOfPortalUrl('https://portal.azure.com/#home')).toBeNull();
    expect(tenantOfPortalUrl('not a url')).toBeNull();
    expect(tenantOfPortalUrl(undefined)).toBeNull();
    expect(tenantOfPortalUrl('')).toBeNull();
  });

  it('says UNREADABLE_TENANT where the URL names a tenant it cannot read (then no account speaks for the page)', () => {
    for (const url of [
      'https://portal.azure.com/#@<script>/x',
      'https://portal.azure.com/#@evil.com@contoso.onmicrosoft.com/x',
      'https://portal.azure.com/#@contoso.onmicrosoft.com%00/x',
      'https://portal.azure.com/#@%E0%A4%A/x',
      'https://entra.microsoft.com/#view/x/tenantId/not-a-guid',
      'https://admin.exchange.microsoft.com/?realm=not%20a%20domain',
    ])
      expect(tenantOfPortalUrl(url), url).toBe(UNREADABLE_TENANT);
  });
});

describe('nextAccountId and nextColour', () => {
  it('gives a<n> above every id in use and every id handed out before, so a removed id is never reused', () => {
    expect(nextAccountId([])).toBe('a1');
    expect(nextAccountId(['a1', 'a2'])).toBe('a3');
    expect(nextAccountId(['a1', 'a3'])).toBe('a4');
    expect(nextAccountId(['org-1'])).toBe('a1');
    // a2 was removed after a3 had been handed out: the next one is a4, not a2.
    expect(nextAccountId(['a1'], 3)).toBe('a4');
  });

  it('gives a colour nobody wears yet, and cycles once all are taken', () => {
    expect(nextColour([])).toBe('blue');
    expect(nextColour([{ colour: 'blue' }, { colour: 'purple' }])).toBe('green');
    const all = ACCOUNT_COLOURS.map((colour) => ({ colour }));
    expect(ACCOUNT_COLOURS).toContain(nextColour(all));
    expect(nextColour(all)).toBe(ACCOUNT_COLOURS[all.length % ACCOUNT_COLOURS.length]);
  });
});

describe('overlayAccounts', () => {
  const mine = (id: string, over: Partial<AccountEntry> = {}): AccountEntry => ({
    id,
    label: `Mine ${id}`,
    colour: 'blue',
    connection: { cloudId: 'global', tenant: `${id}.onmicrosoft.com`, clientId: CLIENT },
    ...over,
  });

  it('is never empty: with nothing stored, one unconfigured account a1', () => {
    expect(overlayAccounts([], {})).toEqual([
      { id: 'a1', label: 'Account 1', colour: 'blue', connection: null, managed: false },
    ]);
  });

  it("keeps the user's accounts in the user's order, none managed, when there is no policy", () => {
    expect(overlayAccounts([mine('a2'), mine('a1')], {})).toEqual([
      { ...mine('a2'), managed: false },
      { ...mine('a1'), managed: false },
    ]);
  });

  it("lays the policy's connection over the first account only", () => {
    const [first, second] = overlayAccounts([mine('a1', { connection: null }), mine('a2')], {
      tenantId: TID,
      clientId: CLIENT,
    });
    expect(first!.connection).toEqual({ cloudId: 'global', tenant: TID, clientId: CLIENT });
    expect(second!.connection).toEqual(mine('a2').connection);
  });

  it("keeps the policy's connection on a1 wherever the user moved it, and with disableUserAccounts only a1", () => {
    const policy = { tenantId: TID, clientId: CLIENT };
    const moved = overlayAccounts([mine('a2'), mine('a1', { connection: null })], policy);
    expect(moved.map((a) => a.id)).toEqual(['a2', 'a1']);
    expect(moved[1]!.connection).toEqual({ cloudId: 'global', tenant: TID, clientId: CLIENT });
    expect(moved[0]!.connection).toEqual(mine('a2').connection);
    const locked = overlayAccounts([mine('a2'), mine('a1'), mine('a3')], { ...policy, disableUserAccounts: true });
    expect(locked.map((a) => a.id)).toEqual(['a1']);
  });

  it("appends the organisation's accounts, locked, with the policy's client and cloud as defaults", () => {
    const list = overlayAccounts([mine('a1'), mine('org-fab')], {
      clientId: CLIENT,
      accounts: [
        { id: 'org-fab', label: 'Fabrikam', tenantId: OTHER_TID },
        { id: 'org-gov', label: 'Gov', colour: 'teal', tenantId: TID, clientId: CLIENT, cloud: 'usgov' },
      ],
    });
    expect(list.map((a) => [a.id, a.managed])).toEqual([
      ['a1', false],
      ['org-fab', true],
      ['org-gov', true],
    ]);
    // The user's own entry with an organisation's id gives way to the organisation's.
    expect(list[1]).toEqual({
      id: 'org-fab',
      label: 'Fabrikam',
      colour: 'grey',
      connection: { cloudId: 'global', tenant: OTHER_TID, clientId: CLIENT },
      managed: true,
    });
    expect(list[2]!.connection).toEqual({ cloudId: 'usgov', tenant: TID, clientId: CLIENT });
  });

  it('drops an organisation account without any client id to sign in with', () => {
    expect(overlayAccounts([mine('a1')], { accounts: [{ id: 'org', label: 'Org', tenantId: TID }] })).toHaveLength(1);
  });
});

describe('accountForTab', () => {
  const snap = (principalId: string): Snapshot => ({
    fetchedAt: '2026-11-22T10:00:00.000Z',
    principalId,
    assignments: [],
    sections: {},
  });
  const state = (
    id: string,
    tenant: string,
    tenantId: string,
    username: string,
    signedIn = true,
  ): BadgeAccountState => {
    const account: EffectiveAccount = {
      id,
      label: id,
      colour: 'blue',
      connection: { cloudId: 'global', tenant, clientId: CLIENT },
      managed: false,
    };
    const auth: AuthState = signedIn
      ? {
          status: 'signed-in',
          account: { homeAccountId: `${id}.h`, oid: id, tenantId, name: id, username },
          detail: null,
        }
      : { status: 'signed-out', account: null, detail: null };
    return { account, auth, snapshot: signedIn ? snap(id) : null };
  };
  const contoso = state('a1', 'contoso.onmicrosoft.com', TID, 'adm@contoso.onmicrosoft.com');
  const fabrikam = state('a2', OTHER_TID, OTHER_TID, 'guest@fabrikam.com');
  const exchange = 'https://admin.exchange.microsoft.com/#/mailboxes';

  it('picks the account whose tenant the URL names (by domain or id), and offers no switch', () => {
    const both = [contoso, fabrikam];
    const byDomain = accountForTab('azure', 'https://portal.azure.com/#@contoso.onmicrosoft.com/x', both, {});
    expect(byDomain.chosen?.account.id).toBe('a1');
    expect(byDomain.choices).toEqual([]);
    expect(
      accountForTab('azure', `https://portal.azure.com/#@${OTHER_TID}/x`, both, { azure: 'a1' }).chosen?.account.id,
    ).toBe('a2');
    expect(
      accountForTab('entra', `https://entra.microsoft.com/#view/X/tenantId/${TID}`, both, {}).chosen?.account.id,
    ).toBe('a1');
  });

  it('speaks for no account when no signed-in account serves the tenant the URL names', () => {
    const r = accountForTab('azure', 'https://portal.azure.com/#@northwind.com/x', [contoso, fabrikam], {});
    expect(r).toEqual({ chosen: null, choices: [] });
    const signedOut = state('a3', 'northwind.com', 'n', 'x@northwind.com', false);
    expect(accountForTab('azure', 'https://portal.azure.com/#@northwind.com/x', [signedOut], {}).chosen).toBeNull();
    // A tenant named in a way that cannot be read is not "no tenant": never the default or the picked account.
    const tricky = 'https://portal.azure.com/#@evil.com@contoso.onmicrosoft.com/x';
    expect(accountForTab('azure', tricky, [contoso, fabrikam], { azure: 'a1' })).toEqual({ chosen: null, choices: [] });
  });

  it('two admin accounts in the tenant the URL names: both offered, the pick remembered per portal and tenant', () => {
    const second = state('a3', 'contoso.onmicrosoft.com', TID, 'adm2@contoso.onmicrosoft.com');
    const url = 'https://portal.azure.com/#@contoso.onmicrosoft.com/x';
    const first = accountForTab('azure', url, [contoso, fabrikam, second], {});
    expect(first.chosen?.account.id).toBe('a1');
    expect(first.choices.map((c) => c.account.id)).toEqual(['a1', 'a3']);
    expect(pickKey('azure', 'contoso.onmicrosoft.com')).toBe('azure@contoso.onmicrosoft.com');
    const picked = accountForTab('azure', url, [contoso, fabrikam, second], { 'azure@contoso.onmicrosoft.com': 'a3' });
    expect(picked.chosen?.account.id).toBe('a3');
    // A pick for another tenant, or one naming an account not for this tenant, changes nothing.
    expect(accountForTab('azure', url, [contoso, fabrikam, second], { azure: 'a3' }).chosen?.account.id).toBe('a1');
    expect(
      accountForTab('azure', url, [contoso, fabrikam, second], { 'azure@contoso.onmicrosoft.com': 'a2' }).chosen
        ?.account.id,
    ).toBe('a1');
  });

  it('without a tenant in the URL: the account picked for that portal, else the first signed in; both offered', () => {
    const first = accountForTab('exchange', exchange, [contoso, fabrikam], {});
    expect(first.chosen?.account.id).toBe('a1');
    expect(first.choices.map((c) => c.account.id)).toEqual(['a1', 'a2']);
    expect(accountForTab('exchange', exchange, [contoso, fabrikam], { exchange: 'a2' }).chosen?.account.id).toBe('a2');
    // A pick for another portal, or of an account no longer signed in, does not count.
    expect(accountForTab('exchange', exchange, [contoso, fabrikam], { teams: 'a2' }).chosen?.account.id).toBe('a1');
    const out = state('a2', OTHER_TID, OTHER_TID, 'guest@fabrikam.com', false);
    const one = accountForTab('exchange', exchange, [contoso, out], { exchange: 'a2' });
    expect(one.chosen?.account.id).toBe('a1');
    expect(one.choices).toEqual([]);
    expect(accountForTab('exchange', exchange, [out], {}).chosen).toBeNull();
  });
});
