/**
 * Issue 16 upgrade journey on the release build: chrome.storage exactly as release 1 (storage layout 1) left it —
 * tests/fixtures/release-1-storage.json, captured from the real old build by scripts/capture-release-storage.ts — is
 * written into a profile of the new build, the extension restarts (chrome.runtime.reload, as an update does), and the
 * background's migration at start must bring it to layout 2 with nothing lost: same assignments, the template, the
 * remembered choice, the favourite, and no sign-in.
 *
 * The fixture holds no token (MSAL keeps its cache in the auth documents' localStorage, which an update leaves alone
 * and the capture does not read). The same browser's token cache is made here by a real sign-in of the same person
 * before the old storage replaces everything in chrome.storage; the identity provider's browser session is then
 * ended, so only that cache, found through the migrated account's auth state, can keep the user signed in.
 */
import { readFileSync } from 'node:fs';
import type { Target, WebWorker } from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEntry, Scenario } from '../fake-tenant/index';
import { EXTENSION_DIR, launch, storageWaitScript, waitForStorage, type Session, openPopup } from './harness';
import { ADMIN, defaultScenario, ROLE } from './scenarios';
import { useStandIn } from './stand-in';

/** The extension API inside the browser, for functions evaluated there through Puppeteer. */
declare const chrome: typeof import('wxt/browser').browser;

type Area = 'local' | 'sync' | 'session';
interface FixtureAssignment {
  key: string;
  state: 'eligible' | 'active' | 'pending';
  displayName: string;
  startDateTime: string | null;
  endDateTime: string | null;
}
interface Fixture {
  commit: string;
  capturedAt: string;
  storage: Record<Area, Record<string, unknown>>;
}

const FIXTURE = JSON.parse(
  readFileSync(new URL('../fixtures/release-1-storage.json', import.meta.url), 'utf8'),
) as Fixture;
const OLD = FIXTURE.storage;

/** Every per-account key of layout 1 (lib/migrate.ts LEGACY), with WXT's `<key>$` metadata beside each. */
const LAYOUT_1_KEYS: Record<Area, string[]> = {
  local: [
    'authState',
    'snapshot',
    'refreshState',
    'groupInfo',
    'remembered',
    'policies',
    'activity',
    'journal',
    'notifier',
    'refreshRetry',
  ],
  sync: ['connection', 'favourites'],
  session: ['approvals', 'stepUps'],
};

const OSLO = '/administrativeUnits/d4c3b2a1-0f9e-4d8c-b7a6-5e4d3c2b1a09';
const EXCHANGE_OSLO = `role:${ROLE.exchangeAdmin}:${OSLO}`;
/** The popup's notices that ask for a sign-in (components/popup/Notice.tsx renders `id` as data-notice). */
const SIGN_IN_PROMPTS = ['signed-out', 'not-configured', 'renewal-required'].map((n) => `[data-notice="${n}"]`);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** `value` with every ISO timestamp string moved by `ms` (the fixture as if captured `ms` later). */
function shiftTimes<T>(value: T, ms: number): T {
  if (typeof value === 'string' && ISO.test(value)) return new Date(Date.parse(value) + ms).toISOString() as T;
  if (Array.isArray(value)) return value.map((v: unknown) => shiftTimes(v, ms)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftTimes(v, ms)])) as T;
  return value;
}

/** What the popup lists for a snapshot (lib/pim/order.ts buildSections): an active key's eligibility is not shown. */
function shownRows(assignments: readonly FixtureAssignment[], now: number): string[] {
  const current = assignments.filter(
    (a) => a.state === 'pending' || a.endDateTime === null || Date.parse(a.endDateTime) > now,
  );
  const busy = new Set(current.filter((a) => a.state !== 'eligible').map((a) => a.key));
  return current
    .filter((a) => a.state !== 'eligible' || !busy.has(a.key))
    .map((a) => `${a.state} ${a.displayName} ${a.key}`)
    .sort();
}

/**
 * The default world with the activation the fixture recorded (Exchange Administrator, Oslo office) in force at the
 * stand-in too, at the shifted times, so refreshes after the upgrade agree with the old snapshot.
 */
function scenarioLikeFixture(old: FixtureAssignment[], now: number): Scenario {
  const s = defaultScenario() as Scenario & { assignments: unknown[] };
  const active = old.find((a) => a.key === EXCHANGE_OSLO && a.state === 'active');
  if (!active?.startDateTime || !active.endDateTime)
    throw new Error('the fixture has no active Exchange Administrator');
  s.assignments.push({
    id: 'LidiaExchangeAdminOslo-upgrade',
    principal: ADMIN,
    roleDefinitionId: ROLE.exchangeAdmin,
    directoryScopeId: OSLO,
    assignmentType: 'Activated',
    start: `-${Math.max(0, now - Date.parse(active.startDateTime))}ms`,
    end: `+${Date.parse(active.endDateTime) - now}ms`,
  });
  return s;
}

const row = (key: string, state?: string) =>
  `[data-testid="assignment"][data-key="${key}"]${state ? `[data-state="${state}"]` : ''}`;

const roleRequests = (log: LogEntry[]) =>
  log.filter((e) => e.method === 'POST' && e.path === '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests');

const isBackground = (t: Target) => t.type() === 'service_worker' && t.url().endsWith('/background.js');

/**
 * Replaces everything in chrome.storage with `areas`, then restarts the extension as an update does, and returns the
 * new service worker once its extension APIs are up. The restart loads the same unpacked build again (what "Reload"
 * in chrome://extensions does; storage is kept, onInstalled says `update`): chrome.runtime.reload() leaves an
 * extension that Puppeteer loaded over the pipe unloaded (its pages answer ERR_BLOCKED_BY_CLIENT). harness.ts
 * Session.worker() could still pick the old worker's target, hence the worker returned here.
 */
async function writeAndRestart(s: Session, areas: Record<Area, Record<string, unknown>>): Promise<WebWorker> {
  const old = await s.browser.waitForTarget(isBackground);
  await (
    await s.worker()
  ).evaluate(async (values) => {
    for (const area of ['local', 'sync', 'session'] as const) {
      await chrome.storage[area].clear();
      await chrome.storage[area].set(values[area]);
    }
  }, areas);
  const restarted = s.browser.waitForTarget((t) => t !== old && isBackground(t), { timeout: 20_000 });
  await s.browser.installExtension(EXTENSION_DIR);
  const next = await (await restarted).worker();
  if (!next) throw new Error('the restarted service worker target has no worker');
  for (let i = 0; !(await next.evaluate("typeof chrome !== 'undefined' && !!chrome.storage")); i++) {
    if (i > 500) throw new Error('the restarted service worker never got its extension APIs');
    await new Promise((r) => setTimeout(r, 10));
  }
  return next;
}

async function dump(worker: WebWorker): Promise<Record<Area, Record<string, unknown>>> {
  return worker.evaluate(async () => ({
    local: await chrome.storage.local.get(null),
    sync: await chrome.storage.sync.get(null),
    session: await chrome.storage.session.get(null),
  }));
}

const tenant = useStandIn();
let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

describe('upgrade from release 1 (storage layout 1)', () => {
  it('migrates the stored data at start: same assignments, template, remembered choice and favourite, no sign-in', async () => {
    const shift = Date.now() - Date.parse(FIXTURE.capturedAt);
    const old = shiftTimes(OLD, shift);
    const oldSnapshot = old.local.snapshot as { fetchedAt: string; assignments: FixtureAssignment[] };
    const favourites = old.sync.favourites as string[];
    const templates = old.local.templates as { id: string; name: string }[];
    const remembered = old.local.remembered as Record<string, { templateId: string; durationMinutes: number }>;
    expect(Object.keys(remembered)).toEqual([EXCHANGE_OSLO]);
    await tenant.control.loadScenario(scenarioLikeFixture(oldSnapshot.assignments, Date.now()));

    // The browser as the user has it: the same person signed in, so MSAL's cache in localStorage is theirs.
    session = await launch(tenant);
    await waitForStorage(session, 'local', 'storageVersion', '(v) => v === 2');
    await (
      await session.worker()
    ).evaluate(
      async (c) =>
        chrome.storage.local.set({ accounts: [{ id: 'a1', label: 'contoso', colour: 'blue', connection: c }] }),
      old.sync.connection,
    );
    const signin = await session.open('signin.html?account=a1');
    const authWindow = session.browser.waitForTarget((t) => t.url().includes('/oauth2/v2.0/authorize'));
    await signin.locator('[data-testid="signin"]').click();
    const authPage = await (await authWindow).page();
    await authPage!.locator(`[data-upn="${ADMIN}"]`).click();
    await waitForStorage(session, 'local', 'account.a1.authState', '(v) => v && v.status === "signed-in"');
    await waitForStorage(session, 'local', 'account.a1.policies', '(v) => !!v && Object.keys(v).length > 0');
    await waitForStorage(session, 'local', 'account.a1.refreshState', '(v) => !!v && !v.inFlight');
    await signin.close();
    await tenant.control.endSessions();

    // Release 1's storage, exactly: nothing of the new layout is left (storageVersion, accounts, account.*).
    const worker = await writeAndRestart(session, old);

    // The restarted background migrates before anything else opens.
    const waitFor = (area: Area, key: string, predicate: string) =>
      worker.evaluate(storageWaitScript(area, key, predicate, 20_000));
    await waitFor('local', 'storageVersion', '(v) => v === 2');
    const after = await dump(worker);
    // Labelled by the domain of the signed-in user name (adm-lidia@contoso.onmicrosoft.com).
    expect(after.local.accounts).toEqual([
      { id: 'a1', label: 'contoso', colour: 'blue', connection: old.sync.connection },
    ]);
    for (const area of ['local', 'session'] as const) {
      const left = Object.keys(after[area]).filter((k) => LAYOUT_1_KEYS[area].includes(k.replace(/\$$/, '')));
      expect(left, `layout 1 keys left in storage.${area}`).toEqual([]);
    }
    // Sync storage roams: a browser still on release 1 reads its connection and favourites there, so they stay as
    // they were (copied to a1, not moved).
    expect(after.sync.connection).toEqual(old.sync.connection);
    expect(after.sync.favourites).toEqual(old.sync.favourites);
    expect(after.local.templates).toEqual(templates);
    expect(after.local['account.a1.remembered']).toEqual(remembered);
    expect(after.local['account.a1.favourites']).toEqual(favourites);
    expect(after.local['account.a1.authState']).toEqual(old.local.authState);
    expect(after.local['account.a1.activity']).toEqual(old.local.activity);
    // storage.session does not outlive an update on Chromium (the old approvals are re-read by the next refresh).
    expect(Object.keys(after.session).filter((k) => !k.startsWith('account.a1.'))).toEqual([]);

    // The popup: signed in, the old snapshot's rows, the star; no sign-in prompt of any kind.
    const popup = await openPopup(session);
    const expected = shownRows(oldSnapshot.assignments, Date.now());
    await popup.waitForFunction(
      (n: number) => document.querySelectorAll('[data-testid="assignment"]').length === n,
      {},
      expected.length,
    );
    const shown = await popup.$$eval('[data-testid="assignment"]', (rows) =>
      rows
        .map(
          (r) =>
            `${r.getAttribute('data-state')} ${r.querySelector('.row-name')?.textContent?.trim()} ${r.getAttribute('data-key')}`,
        )
        .sort(),
    );
    expect(shown).toEqual(expected);
    expect(await popup.$eval('[data-popup-state]', (e) => e.getAttribute('data-popup-state'))).toBe('list');
    expect(await popup.$$(SIGN_IN_PROMPTS.join(', '))).toHaveLength(0);
    for (const key of favourites)
      expect(await popup.$eval(`${row(key)} [data-testid="favourite"]`, (b) => b.getAttribute('aria-pressed'))).toBe(
        'true',
      );

    // The template is offered in the activation form.
    const other = expected.find((r) => r.startsWith('eligible ') && r.includes(`role:${ROLE.userAdmin}:`))!;
    await popup.locator(`${row(other.split(' ').pop()!, 'eligible')} [data-testid="activate-options"]`).click();
    const offered = await popup.$$eval('[data-testid="activation-form"] [data-testid="template"] option', (o) =>
      o.map((x) => x.textContent?.trim()),
    );
    expect(offered).toContain(templates[0]!.name);
    await popup.locator('[data-testid="activation-cancel"]').click();

    // A refresh after the upgrade gets its token from MSAL's cache alone (the identity provider's session is gone).
    await tenant.control.advance(5 * 60_000 + 2_000);
    await popup.locator('[data-testid="refresh"]').click();
    await waitFor(
      'local',
      'account.a1.snapshot',
      `(v) => !!v && v.fetchedAt !== ${JSON.stringify(oldSnapshot.fetchedAt)}`,
    );
    await waitFor('local', 'account.a1.refreshState', '(v) => !!v && !v.inFlight && !v.error');
    expect(((await dump(worker)).local['account.a1.authState'] as { status: string }).status).toBe('signed-in');
    expect(await popup.$$([...SIGN_IN_PROMPTS, '[data-notice="refresh-error"]'].join(', '))).toHaveLength(0);

    // The remembered choice: deactivate, then Activate is one click with the remembered template and ticket.
    await popup.locator(`${row(EXCHANGE_OSLO, 'active')} [data-testid="deactivate"]:not([disabled])`).click();
    const activate = await popup.waitForSelector(`${row(EXCHANGE_OSLO, 'eligible')} [data-testid="activate"]`);
    expect(await activate!.evaluate((b) => b.getAttribute('data-one-click'))).toBe('true');
    expect(await activate!.evaluate((b) => b.getAttribute('title'))).toContain(`“${templates[0]!.name}”`);
    await tenant.control.clearLog();
    await activate!.click();
    await popup.waitForSelector(row(EXCHANGE_OSLO, 'active'));
    const posts = roleRequests(await tenant.control.log());
    expect(posts).toHaveLength(1);
    expect(posts[0]!.status).toBe(201);
    expect(posts[0]!.body).toMatchObject({
      action: 'selfActivate',
      roleDefinitionId: ROLE.exchangeAdmin,
      directoryScopeId: OSLO,
      justification: 'Exchange change CHG0042 for Exchange Administrator',
      ticketInfo: { ticketNumber: 'CHG0042', ticketSystem: 'ServiceNow' },
      scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
    });
    expect(await popup.$$(SIGN_IN_PROMPTS.join(', '))).toHaveLength(0);
  });
});
