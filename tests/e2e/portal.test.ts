/**
 * Issue 4 journeys: the badge inside the (stand-in) Exchange admin center, on the release build.
 * The badge lives in a closed shadow root; tests reach it the way assistive technology does (the accessibility tree).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type LogEntry } from '../fake-tenant/index';
import {
  accountKey,
  accountSeed,
  configure,
  launch,
  signIn,
  waitForStorage,
  type Session,
  popupReady,
} from './harness';
import { badgeNames, clickInBadge, EXO, openPortal, waitForBadge, waitForOneClick, waitForPopupSurface } from './badge';
import { defaultScenario, GROUP_INT_EXCHANGE, renameGroup, withExchangeGroupActive } from './scenarios';
import { useStandIn } from './stand-in';

const tenant = useStandIn();
let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const writes = (log: LogEntry[]) =>
  log.filter((e) => e.host === 'graph.microsoft.com' && e.method === 'POST' && !e.path.endsWith('$batch'));

/** Signed in with the snapshot fetched; `seed` is written to local storage first (templates, remembered choices). */
async function start(seed: Record<string, unknown> = {}): Promise<Session> {
  const s = await launch(tenant);
  if (Object.keys(seed).length > 0)
    await (await s.worker()).evaluate(`chrome.storage.local.set(${JSON.stringify(accountSeed(seed))})`);
  await configure(s);
  await signIn(s);
  await waitForStorage(s, 'local', accountKey('snapshot'), '(v) => !!v && v.assignments.length > 0');
  return s;
}

describe('portal badge', () => {
  it('shows the group and the role it grants with time left, and survives SPA navigation as one badge', async () => {
    await tenant.control.loadScenario(withExchangeGroupActive(1));
    session = await start();
    const page = await openPortal(session);
    const names = await waitForBadge(page, (n) => n.includes('PIM: 2 active'));
    expect(names).toContain('PIM – INT – Exchange administrator');
    expect(names).toContain('Exchange Administrator');
    expect(names).toMatch(/via PIM – INT – Exchange administrator/);
    expect(names).toMatch(/5[89] min left/);

    for (const route of ['/mailboxes', '/groups', '/']) {
      await page.click(`a[data-route="${route}"]`);
      await page.waitForFunction((r: string) => location.pathname === r, {}, route);
      await waitForBadge(page, (n) => n.includes('PIM: 2 active'));
      expect(await page.$$eval('pim-companion-badge', (els) => els.length)).toBe(1);
    }
  });

  it('renders hostile names as text and ignores anything the page itself does', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    await tenant.control.loadScenario(
      withExchangeGroupActive(10, renameGroup(defaultScenario(), GROUP_INT_EXCHANGE, hostile)),
    );
    session = await start();
    const page = await openPortal(session);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.locator(`::-p-aria(Deactivate ${hostile})`).wait();
    expect((await badgeNames(page)).some((n) => n.includes(hostile))).toBe(true);
    expect(await page.$$eval('img[src="x"]', (els) => els.length)).toBe(0);

    await tenant.control.clearLog();
    const key = `group:${GROUP_INT_EXCHANGE}:member`;
    await page.evaluate((k: string) => {
      for (const name of ['portal.deactivate', 'portal.activate', 'portal.extend']) {
        window.postMessage({ name, payload: { key: k } }, '*');
        window.dispatchEvent(new CustomEvent(name, { detail: { key: k } }));
      }
      const host = document.querySelector('pim-companion-badge');
      host?.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
      (host as HTMLElement | null)?.click();
      // The page has no way into the closed shadow root.
      (window as unknown as { __reach: unknown }).__reach = host?.shadowRoot ?? null;
    }, key);
    expect(await page.evaluate(() => (window as unknown as { __reach: unknown }).__reach)).toBeNull();
    // Give any (wrongly) triggered command the time to reach the stand-in: a round trip through the page and back.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 300))));
    expect(writes(await tenant.control.log())).toEqual([]);
    expect(dialogs).toBe(0);
  });

  it('deactivates after the 5-minute floor and every open portal tab updates', async () => {
    await tenant.control.loadScenario(withExchangeGroupActive(1));
    session = await start();
    const first = await openPortal(session);
    const second = await openPortal(session, `${EXO}mailboxes`);
    for (const page of [first, second])
      await waitForBadge(page, (n) => n.includes('PIM: 2 active') && /Deactivate in \d min/.test(n));

    // PIM's clock passes the floor; the extension learns it with its next refresh (the Date header of Graph's answer).
    await tenant.control.advance(5 * 60_000);
    const popup = await session.open('popup.html');
    await popupReady(popup);
    await popup.locator('[data-testid="refresh"]').click();
    await waitForBadge(
      first,
      (n) => n.includes('Deactivate PIM – INT – Exchange administrator') && !/Deactivate in/.test(n),
    );
    await tenant.control.clearLog();
    await waitForOneClick(first, 'Deactivate PIM – INT – Exchange administrator');
    await clickInBadge(first, 'Deactivate PIM – INT – Exchange administrator');
    for (const page of [first, second])
      await waitForBadge(
        page,
        (n) => n.includes('Activate PIM – INT – Exchange administrator') && !n.includes('PIM: 2 active'),
      );
    const sent = writes(await tenant.control.log());
    expect(sent.map((e) => [e.path, (e.body as { action: string }).action, e.status])).toEqual([
      ['/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleRequests', 'selfDeactivate', 201],
    ]);
  });

  it('Activate in the badge opens the confirmation in the extension; one click there sends exactly one POST', async () => {
    const key = `group:${GROUP_INT_EXCHANGE}:member`;
    const seed = {
      templates: [{ id: 'tpl', name: 'Mail', justification: 'Mailbox migration ({group})', durationMinutes: 120 }],
      remembered: {
        [key]: { templateId: 'tpl', durationMinutes: 120, ticketNumber: null, ticketSystem: null, justification: null },
      },
    };
    session = await start(seed);
    await waitForStorage(session, 'local', accountKey('policies'), '(v) => !!v && Object.keys(v).length > 0');
    const page = await openPortal(session);
    await tenant.control.clearLog();
    const s = session;
    const popup = await waitForPopupSurface(s, () => clickInBadge(page, 'Activate PIM – INT – Exchange administrator'));
    await waitForBadge(page, (n) => n.includes('Check and confirm it in the PIM Companion window'));
    // Nothing left the extension yet: the badge's click only brought the user here.
    expect(writes(await tenant.control.log())).toEqual([]);
    expect(await popup.$eval('[data-testid="intent"]', (el) => el.textContent)).toContain(
      'Exchange admin center badge asked to activate PIM – INT – Exchange administrator',
    );
    // The whole form, with what will be sent: the remembered template's reason and duration.
    const form = await popup.waitForSelector('[data-testid="activation-form"]');
    expect(await form!.evaluate((f) => (f.querySelector('[data-testid="template"]') as HTMLSelectElement).value)).toBe(
      'tpl',
    );
    await popup.click('[data-testid="activation-submit"]');
    await waitForBadge(page, (n) => n.includes('Deactivate PIM – INT – Exchange administrator'));
    const sent = writes(await tenant.control.log());
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toMatchObject({
      action: 'selfActivate',
      groupId: GROUP_INT_EXCHANGE,
      accessId: 'member',
      justification: 'Mailbox migration (PIM – INT – Exchange administrator)',
      scheduleInfo: { expiration: { duration: 'PT2H' } },
    });
  });

  it('Extend in the badge asks in the extension first; PIM refusing it is reported as not extended, never as done', async () => {
    // Active for 3 minutes with 5 left (inside the warning window, so Extend is offered): PIM refuses a second
    // activation while one is in force, and renewing (deactivate, activate) is not allowed before the 5-minute floor.
    const scenario = withExchangeGroupActive(3) as ReturnType<typeof withExchangeGroupActive> & {
      assignments: Array<{ end: string }>;
    };
    scenario.assignments.at(-1)!.end = '+5m';
    await tenant.control.loadScenario(scenario);
    const key = `group:${GROUP_INT_EXCHANGE}:member`;
    session = await start({
      remembered: {
        [key]: {
          templateId: null,
          durationMinutes: 60,
          ticketNumber: null,
          ticketSystem: null,
          justification: 'Mailbox migration',
        },
      },
    });
    const page = await openPortal(session);
    await tenant.control.clearLog();
    const s = session;
    const popup = await waitForPopupSurface(s, () => clickInBadge(page, 'Extend PIM – INT – Exchange administrator'));
    expect(writes(await tenant.control.log())).toEqual([]);
    expect(await popup.$eval('[data-testid="intent"]', (el) => el.getAttribute('data-intent'))).toBe('extend');
    await popup.click('[data-testid="intent-confirm"]');
    const row = await popup.waitForSelector('[data-testid="result"]');
    const text = await row!.evaluate((el) => el.textContent ?? '');
    expect(text).toMatch(/^PIM – INT – Exchange administrator was not extended\. .*active for less than 5 minutes/);
    // One request, PIM's refusal; no deactivation was tried.
    expect(writes(await tenant.control.log()).map((e) => [(e.body as { action: string }).action, e.status])).toEqual([
      ['selfActivate', 400],
    ]);
  });
});
