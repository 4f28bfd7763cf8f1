/**
 * Bad input from Graph itself: role, group and administrative-unit names carrying markup and script. Every place that
 * shows a Graph string must show it as text: popup, options, notifications, the toolbar tooltip and the portal badge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { startFakeTenant, type FakeTenant } from '../fake-tenant/index';
import {
  accountKey,
  configure,
  launch,
  readStorage,
  scoped,
  signIn,
  waitForStorage,
  type Session,
  popupReady,
} from './harness';
import { defaultScenario, GROUP_INT_EXCHANGE, renameGroup, withExchangeGroupActive } from './scenarios';

const IMG = '<img src=x onerror="document.title=\'pwned\'">';
const SCRIPT = '<script>document.title="pwned"</script>';
const SVG = '"><svg onload=alert(1)>';

let tenant: FakeTenant;
let session: Session;
let dialogs = 0;

function hostileWorld() {
  const s = withExchangeGroupActive(10, renameGroup(defaultScenario(), GROUP_INT_EXCHANGE, IMG)) as ReturnType<
    typeof defaultScenario
  > & {
    roleDefinitions: { id: string; displayName: string }[];
    administrativeUnits: { displayName: string }[];
    assignments: { roleDefinitionId?: string; end: string }[];
  };
  for (const r of s.roleDefinitions) if (r.displayName === 'Security Reader') r.displayName = SCRIPT;
  for (const au of s.administrativeUnits) au.displayName = SVG;
  return s;
}

async function page(path: string, url?: string): Promise<Page> {
  const p = url ? await session.browser.newPage() : await session.open(path);
  p.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  if (url) await p.goto(url);
  return p;
}

/** No element the names could have created, the names present as text, and no script ran. */
async function expectInert(p: Page, texts: string[]): Promise<void> {
  expect(await p.evaluate(() => document.title)).not.toBe('pwned');
  expect(await p.$$eval('img[src="x"], svg[onload], script:not([src])', (els) => els.length)).toBe(0);
  const body = await p.evaluate(() => document.body.innerText);
  for (const t of texts) expect(body).toContain(t);
}

beforeAll(async () => {
  tenant = await startFakeTenant();
  await tenant.control.loadScenario(hostileWorld());
  session = await launch(tenant);
  await configure(session);
  await signIn(session);
  await waitForStorage(session, 'local', accountKey('snapshot'), '(v) => !!v && v.assignments.length > 0');
});
afterAll(async () => {
  await session.close();
  await tenant.close();
});

describe('bad input: markup and script in Graph strings', () => {
  it('role, group and administrative-unit names with markup render as text in the popup', async () => {
    const popup = await page('popup.html');
    await popupReady(popup);
    await popup.waitForSelector('[data-testid="assignment"]');
    await expectInert(popup, [IMG, SCRIPT, SVG]);
    expect(dialogs).toBe(0);
  });

  it('names with markup render as text in the options bundle editor', async () => {
    const options = await page('options.html');
    await options.locator('[data-testid="bundle-new"]').click();
    await options.waitForFunction((t: string) => document.body.innerText.includes(t), {}, IMG);
    await expectInert(options, [IMG, SVG]);
    expect(dialogs).toBe(0);
  });

  it('the toolbar tooltip and notifications carry names with markup as plain text', async () => {
    const worker = await session.worker();
    const title = (await worker.evaluate('chrome.action.getTitle({})')) as string;
    expect(title).toContain(IMG);
    // Notifications are plain text by API (no HTML); the 10-minute warning for the hostile group shows its name
    // verbatim.
    await tenant.control.advance(41 * 60_000);
    const before = (await readStorage<{ fetchedAt: string }>(session, 'local', accountKey('snapshot'))).fetchedAt;
    await worker.evaluate(`chrome.alarms.create('${scoped('refresh')}', { when: Date.now() })`);
    await waitForStorage(session, 'local', accountKey('snapshot'), `(v) => v.fetchedAt !== ${JSON.stringify(before)}`);
    const shown = await (async () => {
      for (let i = 0; i < 100; i++) {
        const all = (await (await session.worker()).evaluate('chrome.notifications.getAll()')) as Record<
          string,
          unknown
        >;
        const id = Object.keys(all).find((k) => k.startsWith(scoped(`warn:group:${GROUP_INT_EXCHANGE}`)));
        if (id) return id;
        await new Promise((r) => setTimeout(r, 100));
      }
      return null;
    })();
    expect(shown).not.toBeNull();
  });

  it('the portal badge shows names with markup as text and runs nothing', async () => {
    await (
      await session.worker()
    ).evaluate(`chrome.storage.local.set({ portalLayout: { exchange: { collapsed: false } } })`);
    const portal = await page('', 'https://admin.exchange.microsoft.com/');
    const tree = async () => JSON.stringify(await portal.accessibility.snapshot({ interestingOnly: false }));
    for (let i = 0; i < 100 && !(await tree()).includes('via '); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await tree()).toContain(JSON.stringify(IMG).slice(1, -1));
    expect(await portal.evaluate(() => document.title)).not.toBe('pwned');
    expect(dialogs).toBe(0);
  });
});
