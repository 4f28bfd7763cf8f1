/**
 * The portal badge with several accounts (issue 16), through the real lib/background/portal-tabs.ts handlers over
 * the real storage items: which account a tab speaks for, the user's pick where the URL names no tenant, and no pick
 * where it does.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createPortalTabs, type BadgeAccountState } from '../../../lib/background/portal-tabs';
import { COLOUR_CSS } from '../../../lib/accounts';
import { portalAccountsItem, portalLayoutItem, portalTabsItem } from '../../../lib/storage';
import { A1_ENTRY } from '../account-fixture';
import { EXCHANGE_URL, SIGNED_IN, snapshotOf, viaGroupScenario } from './helpers';

const TID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const FABRIKAM: BadgeAccountState = {
  account: {
    id: 'a2',
    label: 'Fabrikam',
    colour: 'green',
    connection: { cloudId: 'global', tenant: 'fabrikam.com', clientId: '11111111-2222-4333-8444-555555555555' },
    managed: false,
  },
  auth: {
    ...SIGNED_IN,
    account: { ...SIGNED_IN.account, oid: 'guest-oid', tenantId: TID, username: 'g@fabrikam.com' },
  },
  snapshot: { ...snapshotOf([]), principalId: 'guest-oid' },
};
const CONTOSO: BadgeAccountState = {
  account: {
    ...A1_ENTRY,
    connection: {
      cloudId: 'global',
      tenant: 'contoso.onmicrosoft.com',
      clientId: '11111111-2222-4333-8444-555555555555',
    },
  },
  auth: SIGNED_IN,
  snapshot: snapshotOf(viaGroupScenario(2, 50)),
};
const badge = (s: BadgeAccountState) => ({
  id: s.account.id,
  label: s.account.label,
  colour: COLOUR_CSS[s.account.colour],
});

function line(accounts: BadgeAccountState[] = [CONTOSO, FABRIKAM]) {
  return createPortalTabs({
    accounts: async () => accounts,
    picks: portalAccountsItem,
    prefs: async () => ({}),
    layouts: portalLayoutItem,
    registry: portalTabsItem,
    sharePointHosts: async () => [],
    send: async () => undefined,
    reload: async () => undefined,
  });
}
const sender = (url: string, tabId = 7) =>
  ({ id: 'ext-id', url, frameId: 0, tab: { id: tabId, url } }) as unknown as Browser.runtime.MessageSender;

beforeEach(() => fakeBrowser.reset());

describe('portal badge with several accounts', () => {
  it('where the URL names no tenant: the first signed-in account, the others offered, and the pick remembered', async () => {
    const tabs = line();
    const view = await tabs.handlers['portal.hello']({}, sender(EXCHANGE_URL));
    expect(view).toMatchObject({ account: badge(CONTOSO), accounts: [badge(CONTOSO), badge(FABRIKAM)] });
    expect(view?.assignments.length).toBeGreaterThan(0);
    expect(await tabs.accountOf(7)).toEqual({ accountId: 'a1', portalId: 'exchange' });

    const picked = await tabs.handlers['portal.account']({ accountId: 'a2' }, sender(EXCHANGE_URL));
    expect(picked).toMatchObject({ account: badge(FABRIKAM), assignments: [] });
    expect(await tabs.accountOf(7)).toEqual({ accountId: 'a2', portalId: 'exchange' });
    expect(await portalAccountsItem.get()).toEqual({ exchange: 'a2' });
    // Another Exchange tab follows the pick.
    await tabs.handlers['portal.hello']({}, sender(EXCHANGE_URL, 8));
    expect(await tabs.accountOf(8)).toEqual({ accountId: 'a2', portalId: 'exchange' });
  });

  it('refuses a pick of an account it did not offer, and any pick where the URL names the tenant', async () => {
    const tabs = line();
    await tabs.handlers['portal.hello']({}, sender(EXCHANGE_URL));
    await expect(tabs.handlers['portal.account']({ accountId: 'a3' }, sender(EXCHANGE_URL))).rejects.toMatchObject({
      code: 'forbidden',
    });
    const azure = 'https://portal.azure.com/#@contoso.onmicrosoft.com/resource/subscriptions/x/overview';
    const view = await tabs.handlers['portal.hello']({}, sender(azure, 9));
    expect(view).toMatchObject({ account: badge(CONTOSO), accounts: [] });
    await expect(tabs.handlers['portal.account']({ accountId: 'a2' }, sender(azure, 9))).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(await tabs.accountOf(9)).toEqual({ accountId: 'a1', portalId: 'azure' });
    expect(await portalAccountsItem.get()).toEqual({});
  });

  it("speaks for no account on another tenant's portal page, and shows none of the accounts' roles", async () => {
    const tabs = line();
    const view = await tabs.handlers['portal.hello']({}, sender('https://portal.azure.com/#@northwind.com/home', 9));
    expect(view).toMatchObject({ account: null, accounts: [], assignments: [] });
    expect(await tabs.accountOf(9)).toEqual({ accountId: null, portalId: 'azure' });
  });
});
