/**
 * Issue 16 journeys on the release build: adm-lidia signs in to Contoso with her own account and to Fabrikam with her
 * guest account (the stand-in serves both tenants). The popup switches between them and lists both active lists in
 * "All accounts"; an activation in Fabrikam goes with Fabrikam's token and the guest's object id; two Azure portal
 * tabs (`#@contoso…`, `#@fabrikam…`) each show their own account's roles; expiry warnings name their account; and
 * removing an account leaves none of its tokens or data in any storage area.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { FABRIKAM, LIDIA_OID, TENANT_ID } from '../fake-tenant/testing';
import type { LogEntry } from '../fake-tenant/index';
import { CLIENT_ID, launch, readStorage, signIn, waitForStorage, type Session, openPopup } from './harness';
import { useStandIn } from './stand-in';
import { badgeNames, waitForBadge } from './badge';

const tenant = useStandIn();
let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const HOME_UPN = 'adm-lidia@contoso.onmicrosoft.com';
const SECURITY_READER = '5d6b6bb7-de71-4623-b4af-96380a352509';
const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';
const key = (roleDefinitionId: string) => `role:${roleDefinitionId}:/`;
const ACCOUNTS = [
  {
    id: 'a1',
    label: 'Contoso',
    colour: 'blue',
    connection: { cloudId: 'global', tenant: 'contoso.onmicrosoft.com', clientId: CLIENT_ID },
  },
  {
    id: 'a2',
    label: 'Fabrikam',
    colour: 'green',
    connection: { cloudId: 'global', tenant: FABRIKAM.domain, clientId: FABRIKAM.clientId },
  },
];

async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Two accounts set up in options' storage, both signed in, both snapshots read. */
async function twoAccounts(): Promise<Session> {
  const s = await launch(tenant);
  await (await s.worker()).evaluate(`chrome.storage.local.set({ accounts: ${JSON.stringify(ACCOUNTS)} })`);
  // adm-lidia both times: her own account in Contoso, her guest account in Fabrikam (the picker shows her home UPN).
  await signIn(s, HOME_UPN, 'a1');
  await signIn(s, HOME_UPN, 'a2');
  for (const id of ['a1', 'a2'])
    await waitForStorage(s, 'local', `account.${id}.snapshot`, '(v) => !!v && v.assignments.length > 0');
  return s;
}

const rowNames = (popup: Page, state: string) =>
  popup.$$eval(`[data-testid="assignment"][data-state="${state}"]`, (rows) =>
    rows.map((r) => r.getAttribute('data-key') ?? ''),
  );

const activations = (log: LogEntry[]) =>
  log.filter((e) => e.method === 'POST' && /roleAssignmentScheduleRequests$/.test(e.path) && e.status === 201);

describe('several accounts: Contoso and a guest account in Fabrikam', () => {
  it('switches between the accounts, lists both active lists under "All accounts", and activates in Fabrikam as the guest with Fabrikam\'s token', async () => {
    session = await twoAccounts();
    const a1 = await readStorage<{ account: { oid: string; tenantId: string } }>(
      session,
      'local',
      'account.a1.authState',
    );
    const a2 = await readStorage<{ account: { oid: string; tenantId: string } }>(
      session,
      'local',
      'account.a2.authState',
    );
    expect(a1.account).toMatchObject({ oid: LIDIA_OID, tenantId: TENANT_ID });
    expect(a2.account).toMatchObject({ oid: FABRIKAM.guestOid, tenantId: FABRIKAM.id });

    const popup = await openPopup(session, { width: 380, height: 900 });
    await popup.waitForSelector('[data-testid="account-switch"]');
    // The first account: Contoso's Security Reader is active, Fabrikam's Global Reader is nowhere.
    await popup.waitForSelector(`[data-testid="assignment"][data-key="${key(SECURITY_READER)}"][data-state="active"]`);
    expect(await rowNames(popup, 'active')).not.toContain(key(GLOBAL_READER));
    expect(await popup.$eval('[data-testid="acting-as"]', (e) => e.textContent)).toContain('Contoso');

    await popup.select('[data-testid="account-switch"]', 'a2');
    await popup.waitForSelector(`[data-testid="assignment"][data-key="${key(GLOBAL_READER)}"][data-state="active"]`);
    expect(await rowNames(popup, 'active')).not.toContain(key(SECURITY_READER));
    expect(await popup.$eval('[data-testid="acting-as"]', (e) => e.textContent)).toContain('Fabrikam');

    await popup.select('[data-testid="account-switch"]', 'all');
    await popup.waitForSelector('[data-testid="all-accounts"]');
    const all = await popup.$$eval('[data-testid="all-accounts"] section', (sections) =>
      sections.map((s) => ({
        account: s.getAttribute('data-account'),
        label: s.querySelector('h2')?.textContent?.trim(),
        keys: [...s.querySelectorAll('li[data-key]')].map((li) => li.getAttribute('data-key')),
      })),
    );
    expect(all).toEqual([
      { account: 'a1', label: 'Contoso', keys: [key(SECURITY_READER)] },
      { account: 'a2', label: 'Fabrikam', keys: [key(GLOBAL_READER)] },
    ]);
    // The choice is remembered for the next opening.
    expect(await readStorage(session, 'local', 'popupAccount')).toBe('all');

    // Back to Fabrikam (with the keyboard: the switcher is a native select) and one-click activate Security Reader.
    await popup.focus('[data-testid="account-switch"]');
    await popup.select('[data-testid="account-switch"]', 'a2');
    await tenant.control.clearLog();
    const eligible = `[data-testid="assignment"][data-key="${key(SECURITY_READER)}"][data-state="eligible"]`;
    await (await popup.waitForSelector(`${eligible} [data-testid="activate"]`))!.click();
    await popup.waitForSelector(`[data-testid="assignment"][data-key="${key(SECURITY_READER)}"][data-state="active"]`);
    const sent = activations(await tenant.control.log());
    expect(sent).toHaveLength(1);
    expect(sent[0]!.tenantId).toBe(FABRIKAM.id);
    expect(sent[0]!.tokenClaims).toMatchObject({ tid: FABRIKAM.id, oid: FABRIKAM.guestOid });
    expect(sent[0]!.body).toMatchObject({ principalId: FABRIKAM.guestOid, roleDefinitionId: SECURITY_READER });
    // Contoso's Security Reader (already active there) was not touched.
    expect(
      await tenant.control.log().then((l) => l.filter((e) => e.tenantId === TENANT_ID && e.method === 'POST')),
    ).toEqual([]);
  });

  it("gives two Azure portal tabs, one per tenant, each its own account's roles", async () => {
    session = await twoAccounts();
    await (
      await session.worker()
    ).evaluate(`chrome.storage.local.set({ portalLayout: { azure: { collapsed: false } } })`);
    const open = async (url: string) => {
      const page = await session!.browser.newPage();
      await page.setViewport({ width: 1280, height: 800 });
      await page.goto(url);
      return page;
    };
    const contoso = await open('https://portal.azure.com/#@contoso.onmicrosoft.com/home');
    const fabrikam = await open(`https://portal.azure.com/#@${FABRIKAM.domain}/home`);
    const inContoso = await waitForBadge(contoso, (names) => names.includes('Global Administrator'));
    const inFabrikam = await waitForBadge(fabrikam, (names) => names.includes('Global Reader'));
    expect(inContoso).toContain('Contoso');
    expect(inContoso).not.toContain('Global Reader');
    expect(inFabrikam).toContain('Fabrikam');
    expect(inFabrikam).not.toContain('Global Administrator');
    // A tenant no account serves gets no badge at all (never another account's roles).
    const other = await open('https://portal.azure.com/#@northwind.onmicrosoft.com/home');
    await until(
      async () =>
        (await readStorage<{ url: string | null }[]>(session!, 'session', 'portalTabs')).some((t) =>
          (t.url ?? '').includes('northwind'),
        ),
      'the northwind tab to say hello',
    );
    const registered = await readStorage<{ url: string | null; accountId: string | null }[]>(
      session,
      'session',
      'portalTabs',
    );
    expect(registered.find((t) => (t.url ?? '').includes('northwind'))?.accountId).toBeNull();
    expect(registered.find((t) => (t.url ?? '').includes('contoso'))?.accountId).toBe('a1');
    expect(await badgeNames(other)).toEqual([]);
  });

  it('names the account in each expiry warning', async () => {
    session = await twoAccounts();
    const worker = await session.worker();
    // Record what the product shows (chrome.notifications.getAll gives ids only): wrap create, pass everything on.
    await worker.evaluate(`(() => {
      self.__shown = [];
      const create = chrome.notifications.create.bind(chrome.notifications);
      chrome.notifications.create = (id, options) => { self.__shown.push({ id, title: options.title }); return create(id, options); };
    })()`);
    // Contoso's Security Reader ends at +40 min, Fabrikam's Global Reader at +45: 37 minutes on, both are inside the
    // 10-minute warning.
    await tenant.control.advance(37 * 60_000);
    // The user refreshes every account at once from "All accounts" (one round trip each).
    const before = await Promise.all(
      ['a1', 'a2'].map((id) => readStorage<{ fetchedAt: string }>(session!, 'local', `account.${id}.snapshot`)),
    );
    await worker.evaluate(`chrome.storage.local.set({ popupAccount: 'all' })`);
    const popup = await openPopup(session, { width: 380, height: 900 });
    await popup.waitForSelector('[data-testid="all-accounts"]');
    await (await popup.waitForSelector('[data-testid="refresh"]'))!.click();
    for (const [i, id] of ['a1', 'a2'].entries())
      await waitForStorage(
        session,
        'local',
        `account.${id}.snapshot`,
        `(v) => v.fetchedAt !== ${JSON.stringify(before[i]!.fetchedAt)}`,
      );
    let shown: { id: string; title: string }[] = [];
    await until(async () => {
      shown = (await worker.evaluate('self.__shown')) as { id: string; title: string }[];
      return shown.some((n) => n.id.startsWith('a1/warn:')) && shown.some((n) => n.id.startsWith('a2/warn:'));
    }, 'a warning for each account');
    const warn = (prefix: string) => shown.find((n) => n.id.startsWith(prefix))!;
    expect(warn('a1/warn:').id).toBe(`a1/warn:${key(SECURITY_READER)}:10`);
    expect(warn('a1/warn:').title).toMatch(/^Contoso · /);
    expect(warn('a2/warn:').id).toBe(`a2/warn:${key(GLOBAL_READER)}:10`);
    expect(warn('a2/warn:').title).toMatch(/^Fabrikam · /);
  });

  it('removing an account leaves no token, snapshot or journal entry of it in any storage area', async () => {
    session = await twoAccounts();
    // Something in a2's journal and activity first: an activation there.
    const popup = await openPopup(session, { width: 380, height: 900 });
    await popup.select('[data-testid="account-switch"]', 'a2');
    const eligible = `[data-testid="assignment"][data-key="${key(SECURITY_READER)}"][data-state="eligible"]`;
    await (await popup.waitForSelector(`${eligible} [data-testid="activate"]`))!.click();
    await waitForStorage(session, 'local', 'account.a2.activity', '(v) => Array.isArray(v) && v.length > 0');
    await popup.close();

    await tenant.control.clearLog();
    const contosoBefore = await readStorage<{ fetchedAt: string }>(session, 'local', 'account.a1.snapshot');
    const options = await session.open('options.html');
    await (await options.waitForSelector('li[data-account="a2"] [data-testid="account-remove"]'))!.click();
    await (await options.waitForSelector('[data-testid="account-remove-confirm-confirm"]'))!.click();
    // The account leaves the list last, once its tokens and data are gone; the confirmation closes when it is done.
    await waitForStorage(session, 'local', 'accounts', '(v) => Array.isArray(v) && v.length === 1 && v[0].id === "a1"');
    await options.waitForFunction(() => !document.querySelector('[data-testid="account-remove-confirm"]'));
    const removedAt = Math.max(0, ...(await tenant.control.log()).map((e) => e.seq));

    const keys = async (area: 'local' | 'sync' | 'session') =>
      Object.keys((await (await session!.worker()).evaluate(`chrome.storage.${area}.get(null)`)) as object);
    for (const area of ['local', 'sync', 'session'] as const)
      expect((await keys(area)).filter((k) => k.startsWith('account.a2.'))).toEqual([]);
    // MSAL's cache (the extension origin's localStorage): nothing issued by Fabrikam or to its app registration.
    const msal = (await options.evaluate(() => Object.keys(localStorage))) as string[];
    expect(msal.filter((k) => k.includes(FABRIKAM.id) || k.includes(FABRIKAM.clientId))).toEqual([]);
    // MSAL keeps one cache entry per person: adm-lidia's Contoso account lost its cached tokens with her guest account
    // and signed in again at once, silently (prompt=none, no window), while her Microsoft session lasts; its list was
    // read again with the renewed token.
    await waitForStorage(
      session,
      'local',
      'account.a1.snapshot',
      `(v) => !!v && v.fetchedAt !== ${JSON.stringify(contosoBefore.fetchedAt)}`,
    );
    const authorizes = (await tenant.control.log()).filter((e) => e.path.endsWith('/oauth2/v2.0/authorize'));
    expect(authorizes.length).toBeGreaterThan(0);
    expect(authorizes.every((e) => /(^|&)prompt=none(&|$)/.test(e.query))).toBe(true);
    expect(await readStorage(session, 'local', 'account.a1.authState')).toMatchObject({ status: 'signed-in' });
    // Nothing is asked of Fabrikam for the removed account any more.
    expect((await tenant.control.log()).filter((e) => e.seq > removedAt && e.tenantId === FABRIKAM.id)).toEqual([]);
  });
});
