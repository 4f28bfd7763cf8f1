/**
 * Red-team scenarios against the release build (issue 11, docs/SECURITY.md): a hostile admin-portal page, a
 * compromised content script, a careless SharePoint match and another extension try to make the extension elevate.
 * Each asserts the one thing that matters in the stand-in's request log: no privileged POST reached PIM (and, for the
 * sign-in pages, no authorize request).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from 'puppeteer-core';
import type { FakeTenant, LogEntry } from '../fake-tenant/index';
import { badgeNames, clickInBadge, EXO, openPortal, waitForBadge, waitForOneClick, waitForPopupSurface } from './badge';
import {
  accountKey,
  configure,
  launch,
  readStorage,
  signIn,
  waitForStorage,
  type Session,
  popupReady,
} from './harness';
import { ROLE, withExchangeGroupActive } from './scenarios';
import { useStandIn } from './stand-in';

const tenant = useStandIn();
let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const GROUP = 'PIM – INT – Exchange administrator';
const GLOBAL_ADMIN_KEY = `role:${ROLE.globalAdmin}:/`;
const writes = (log: LogEntry[]) =>
  log.filter((e) => e.host === 'graph.microsoft.com' && e.method === 'POST' && !e.path.endsWith('$batch'));
const authorizes = (log: LogEntry[]) =>
  log.filter((e) => e.host === 'login.microsoftonline.com' && e.path.endsWith('/oauth2/v2.0/authorize'));

async function start(scenario?: Parameters<FakeTenant['control']['loadScenario']>[0]): Promise<Session> {
  if (scenario) await tenant.control.loadScenario(scenario);
  const s = await launch(tenant);
  await configure(s);
  await signIn(s);
  await waitForStorage(s, 'local', accountKey('snapshot'), '(v) => !!v && v.assignments.length > 0');
  return s;
}

/** Past PIM's 5-minute floor, learned by the extension through a refresh (the Date header of Graph's answer). */
async function pastTheFloor(s: Session): Promise<void> {
  await tenant.control.advance(5 * 60_000);
  const popup = await s.open('popup.html');
  await popupReady(popup);
  await popup.locator('[data-testid="refresh"]').click();
  await popup.close();
}

/**
 * Lets anything a page's trick wrongly set off reach the stand-in: a frame and a round trip's worth of time in the
 * page.
 */
const settle = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 500))));

/**
 * The content script's isolated world, reached through the DevTools protocol as a renderer exploit would reach it:
 * the execution contexts Chromium reports for the page, the one that belongs to our extension.
 */
async function contentScriptWorlds(page: Page, extensionId: string): Promise<{ cdp: CDPSession; ids: number[] }> {
  const cdp = await page.createCDPSession();
  const ids: number[] = [];
  cdp.on(
    'Runtime.executionContextCreated',
    (e: { context: { id: number; origin: string; auxData?: { type?: string } } }) => {
      if (e.context.auxData?.type === 'isolated' && e.context.origin.includes(extensionId)) ids.push(e.context.id);
    },
  );
  // Enabling replays every context that already exists.
  await cdp.send('Runtime.enable');
  return { cdp, ids };
}

async function inWorld(cdp: CDPSession, contextId: number, expression: string): Promise<unknown> {
  const r = (await cdp.send('Runtime.evaluate', {
    contextId,
    expression,
    awaitPromise: true,
    returnByValue: true,
  })) as { result: { value?: unknown }; exceptionDetails?: { exception?: { description?: string } } };
  if (r.exceptionDetails) return { thrown: r.exceptionDetails.exception?.description ?? 'error' };
  return r.result.value;
}

describe('hostile portal: page tricks and a compromised content script', () => {
  it('a transparent overlay with a decoy over Activate and Extend: the click only opens the confirmation, nothing is sent', async () => {
    const scenario = withExchangeGroupActive(3) as ReturnType<typeof withExchangeGroupActive> & {
      assignments: Array<{ end: string }>;
    };
    scenario.assignments.at(-1)!.end = '+5m';
    session = await start(scenario);
    const page = await openPortal(session);
    await waitForBadge(page, (n) => n.includes(`Extend ${GROUP}`) && n.includes('Activate Global Administrator'));
    // The page's trick: a full-screen layer the user's clicks pass through, drawing "Continue" over the badge.
    await page.evaluate(() => {
      const layer = document.createElement('div');
      layer.id = 'decoy';
      layer.style.cssText =
        'position:fixed;inset:0;z-index:2147483647;background:#fff;pointer-events:none;display:grid;place-items:center;font:40px sans-serif';
      layer.textContent = 'Continue';
      document.documentElement.append(layer);
    });
    await tenant.control.clearLog();
    const s = session;
    for (const name of ['Activate Global Administrator', `Extend ${GROUP}`]) {
      const popup = await waitForPopupSurface(s, () => clickInBadge(page, name));
      await popup.close();
    }
    await settle(page);
    expect(writes(await tenant.control.log())).toEqual([]);
  });

  it.each([
    [
      'a pointer-events overlay',
      'const l = document.createElement("div"); l.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(255,255,255,.96);pointer-events:none"; document.documentElement.append(l);',
    ],
    [
      'opacity on the badge host',
      'document.querySelector("pim-companion-badge").style.setProperty("opacity", "0.05", "important");',
    ],
    [
      'a filter on the badge host',
      'document.querySelector("pim-companion-badge").style.setProperty("filter", "blur(6px) opacity(0.1)", "important");',
    ],
    ['opacity on the page around it', 'document.documentElement.style.setProperty("opacity", "0.05", "important");'],
  ])('Deactivate under %s is not one click: the extension asks first, nothing is sent', async (_, trick) => {
    session = await start(withExchangeGroupActive(1));
    await pastTheFloor(session);
    const page = await openPortal(session);
    await waitForBadge(page, (n) => n.includes(`Deactivate ${GROUP}`) && !/Deactivate in/.test(n));
    // Without the trick it would be one click: the badge has proved it is visible.
    await waitForOneClick(page, `Deactivate ${GROUP}`);
    await page.evaluate(trick);
    await tenant.control.clearLog();
    const s = session;
    const popup = await waitForPopupSurface(s, () => clickInBadge(page, `Deactivate ${GROUP}`));
    expect(await popup.$eval('[data-testid="intent"]', (el) => el.getAttribute('data-intent'))).toBe('deactivate');
    await settle(page);
    expect(writes(await tenant.control.log())).toEqual([]);
    // The user confirms in the extension's window: now it is sent, once.
    await popup.click('[data-testid="intent-confirm"]');
    await waitForBadge(page, (n) => n.includes(`Activate ${GROUP}`));
    expect(writes(await tenant.control.log()).map((e) => (e.body as { action: string }).action)).toEqual([
      'selfDeactivate',
    ]);
  });

  it("learns nothing from WXT's content-script event and cannot switch the badge off with it", async () => {
    session = await start(withExchangeGroupActive(10));
    const page = await session.browser.newPage();
    const id = session.extensionId;
    // The page listens, from before the content script runs, for every event WXT's context would dispatch.
    await page.evaluateOnNewDocument((extId: string) => {
      const seen: string[] = [];
      (window as unknown as { __seen: string[] }).__seen = seen;
      for (const name of [
        `${extId}:portal:wxt:content-script-started`,
        `${extId}:portal:wxt:locationchange`,
        'wxt:content-script-started',
      ]) {
        document.addEventListener(name, () => seen.push(name));
        window.addEventListener(name, () => seen.push(name));
      }
    }, id);
    await page.setViewport({ width: 1280, height: 800 });
    await page.goto(EXO);
    await waitForBadge(page, (n) => n.includes('PIM: 2 active'));
    await page.click('a[data-route="/mailboxes"]');
    await page.waitForFunction(() => location.pathname === '/mailboxes');
    expect(await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen)).toEqual([]);
    // The page dispatches the event a newer copy of the script would send: the badge stays.
    await page.evaluate((extId: string) => {
      const detail = { contentScriptName: 'portal', messageId: 'x' };
      document.dispatchEvent(new CustomEvent(`${extId}:portal:wxt:content-script-started`, { detail }));
      window.postMessage(
        { type: `${extId}:portal:wxt:content-script-started`, contentScriptName: 'portal', messageId: 'x' },
        '*',
      );
    }, id);
    await settle(page);
    await page.click('a[data-route="/groups"]');
    await page.waitForFunction(() => location.pathname === '/groups');
    await waitForBadge(page, (n) => n.includes('PIM: 2 active'));
    expect(await page.$$eval('pim-companion-badge', (els) => els.length)).toBe(1);
  });

  it('a compromised content script can neither write extension storage nor get an activation sent', async () => {
    session = await start();
    const page = await openPortal(session);
    await waitForBadge(page, (n) => n.includes('Activate Global Administrator'));
    const { cdp, ids } = await contentScriptWorlds(page, session.extensionId);
    expect(ids).toHaveLength(1);
    const world = ids[0]!;
    await tenant.control.clearLog();
    // Poison what decides a request: the remembered reason and duration, a pin of Global Administrator to Exchange.
    const wrote = await inWorld(
      cdp,
      world,
      `chrome.storage.local.set({ ${JSON.stringify(accountKey('remembered'))}: { ${JSON.stringify(GLOBAL_ADMIN_KEY)}: { templateId: null, durationMinutes: 240, ticketNumber: null, ticketSystem: null, justification: 'Approved by CISO' } } }).then(() => 'written', (e) => 'refused: ' + e.message)`,
    );
    expect(wrote).toMatch(/^refused: .*not allowed/);
    expect(
      await inWorld(
        cdp,
        world,
        `chrome.storage.sync.set({ portalPrefs: { exchange: { enabled: true, pinned: [${JSON.stringify(GLOBAL_ADMIN_KEY)}] } } }).then(() => 'written', (e) => 'refused: ' + e.message)`,
      ),
    ).toMatch(/^refused/);
    expect(
      await inWorld(
        cdp,
        world,
        `chrome.storage.local.get(null).then((v) => Object.keys(v).length, (e) => 'refused: ' + e.message)`,
      ),
    ).toMatch(/^refused/);
    expect(await readStorage(session, 'local', accountKey('remembered'))).toBeUndefined();
    // Then the message a badge sends, with no click at all: the background only opens the user's confirmation.
    const reply = await inWorld(
      cdp,
      world,
      `chrome.runtime.sendMessage({ name: 'portal.activate', payload: { key: ${JSON.stringify(GLOBAL_ADMIN_KEY)} } })`,
    );
    expect(reply).toEqual({ ok: true, value: { outcome: 'confirm-opened' } });
    const extend = await inWorld(
      cdp,
      world,
      `chrome.runtime.sendMessage({ name: 'portal.extend', payload: { key: ${JSON.stringify(GLOBAL_ADMIN_KEY)} } })`,
    );
    expect(extend).toMatchObject({ ok: false });
    await settle(page);
    expect(writes(await tenant.control.log())).toEqual([]);
  });
});

describe('hostile portal: look-alike hosts', () => {
  it('starts no script where the SharePoint admin suffix is only in the query, and shows nothing on another tenant’s admin host', async () => {
    session = await start();
    const lookAlike = 'https://contoso.sharepoint.com/sites/hr/Home.aspx?q=-admin.sharepoint.com/';
    const page = await session.browser.newPage();
    await page.goto(lookAlike);
    const worlds = await contentScriptWorlds(page, session.extensionId);
    expect(worlds.ids).toEqual([]);

    // Another tenant's SharePoint admin center: the script may start (the host looks right), but the background
    // answers that it is not this tenant's portal, so the page gets no badge and no data.
    const fabrikam = await session.browser.newPage();
    await fabrikam.goto('https://fabrikam-admin.sharepoint.com/_layouts/15/online/AdminHome.aspx');
    // Contoso's own SharePoint admin center does get the badge (the control that this is not a dead page).
    await (
      await session.worker()
    ).evaluate(`chrome.storage.local.set({ portalLayout: { sharepoint: { collapsed: false } } })`);
    const own = await session.browser.newPage();
    await own.goto('https://contoso-admin.sharepoint.com/_layouts/15/online/AdminHome.aspx');
    await waitForBadge(own, (n) => n.includes('PIM roles for SharePoint admin center'));
    expect((await contentScriptWorlds(own, session.extensionId)).ids).toHaveLength(1);
    expect(await badgeNames(fabrikam)).toEqual([]);
    expect(await fabrikam.$$eval('pim-companion-badge', (els) => els.length)).toBe(0);
    const tabs = await readStorage<Array<{ portalId: string }>>(session, 'session', 'portalTabs');
    expect(tabs.map((t) => t.portalId)).toEqual(['sharepoint']);
  });
});

describe('hostile portal: another extension', () => {
  it('opening signin.html?auto=1 and a made-up step-up page starts no sign-in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pim-attacker-'));
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        manifest_version: 3,
        name: 'Attacker',
        version: '1.0',
        background: { service_worker: 'attacker.js' },
      }),
    );
    writeFileSync(join(dir, 'attacker.js'), '// Driven from the test through its worker.\n');
    try {
      session = await launch(tenant, { extensions: [dir] });
      await configure(session);
      const target = await session.browser.waitForTarget(
        (t) => t.type() === 'service_worker' && t.url().endsWith('/attacker.js'),
      );
      const attacker = (await target.worker())!;
      await tenant.control.clearLog();
      const base = `chrome-extension://${session.extensionId}`;
      const claims = encodeURIComponent('{"access_token":{"acrs":{"essential":true,"value":"c1"}}}');
      const opened = ['signin.html?auto=1', `signin.html?stepup=made-up&claims=${claims}`].map(async (path) => {
        const page = session!.browser.waitForTarget((t) => t.url().startsWith(`${base}/${path.slice(0, 20)}`));
        await attacker.evaluate(`chrome.tabs.create({ url: ${JSON.stringify(`${base}/${path}`)} })`);
        return await (await page).asPage();
      });
      const [signin, stepup] = await Promise.all(opened);
      // Each in front in turn: a background tab renders no frames, and the page waits for one.
      await stepup!.bringToFront();
      await stepup!.waitForSelector('[data-testid="stepup-page"][data-phase="nothing"]');
      await signin!.bringToFront();
      await signin!.waitForSelector('[data-testid="signin-page"][data-phase="ready"]');
      expect(await stepup!.$$('button')).toHaveLength(0);
      await settle(signin!);
      expect(authorizes(await tenant.control.log())).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
