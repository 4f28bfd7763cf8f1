/**
 * Managed configuration and Check connection on the release build.
 *
 * How managed values are set: Chromium has no API that writes storage.managed, so the test goes through the same
 * machinery an IT department uses. Chromium on Linux reads machine policy from /etc/chromium/policies/managed/*.json,
 * and an extension's policy is `{"3rdparty": {"extensions": {"<id>": {...}}}}`, checked against the manifest's
 * storage.managed_schema. So the product has no test seam at all. To keep the machine (and other test runs) untouched,
 * each Chromium runs in a private mount namespace (`unshare --mount`) where /etc/chromium is bind-mounted from this
 * test's temporary copy: the policy exists for that browser only and vanishes with it. That needs root (CAP_SYS_ADMIN);
 * without it the suite fails with a message saying so, rather than skipping.
 *
 * An unpacked extension is installed after start-up (Puppeteer loads it over CDP), when Chromium has already read
 * its policy files, so the test asks for a policy reload through chrome://policy (the page's "Reload policies").
 * The browser then fires storage.onChanged for the "managed" area, which is exactly what a live policy update does.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO_PATH, startFakeTenant, type FakeTenant } from '../fake-tenant/index';
import {
  accountKey,
  ACCOUNT_ID,
  CLIENT_ID,
  chromePath,
  configure,
  EXTENSION_DIR,
  launch,
  readStorage,
  signIn,
  waitForRows,
  waitForStorage,
  type Session,
  popupReady,
} from './harness';

const EXTENSION_ID = 'fimhpbjaiihihdfclklanipldnjbddib';
const TENANT = 'contoso.onmicrosoft.com';
const ORG_TEMPLATE = {
  id: 'org-change',
  name: 'Change ticket (organisation)',
  justification: 'Change {ticket} on {role}',
};

let tenant: FakeTenant;
let session: Session | undefined;
let root: string;
let realChrome: string;
let savedChromePath: string | undefined;

/**
 * Writes (or, with null, removes) this browser's machine policy for the extension. The same policy again leaves the
 * file untouched: a new modification time would restart Chromium's settle interval (see applyPolicy).
 */
function setPolicy(values: Record<string, unknown> | null): void {
  const file = join(root, 'etc', 'policies', 'managed', 'pim-companion.json');
  if (values === null) return rmSync(file, { force: true });
  const text = JSON.stringify({ '3rdparty': { extensions: { [EXTENSION_ID]: values } } });
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  writeFileSync(file, text);
}

/** What chrome://policy shows for the extension (shadow roots included): what Chromium read, for a failure's message. */
async function policyPageText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const text = (n: Node): string =>
      n instanceof Element && n.shadowRoot
        ? [...n.shadowRoot.childNodes].map(text).join(' ')
        : n.nodeType === Node.TEXT_NODE
          ? (n.textContent ?? '')
          : [...n.childNodes].map(text).join(' ');
    const all = text(document.body).replace(/\s+/g, ' ');
    // The extension's own section (named after it) when Chromium shows one; else the end of the page.
    const own = all.indexOf('PIM Companion');
    return own >= 0 ? all.slice(own, own + 3000) : `(no section for the extension) ${all.slice(-3000)}`;
  });
}

/**
 * Writes the policy, then asks Chromium to reload policies (chrome://policy's "Reload policies": the page's own WebUI
 * message, not an extension API) until storage.managed satisfies `predicate`; the wait ends on the storage event.
 * - The file is written once: Chromium's policy directory loader does not read a file modified within the last 5
 *   seconds (it waits for it to settle), so rewriting it on every attempt kept it forever "fresh" on a busy machine.
 * - The reload is asked again after longer than that interval, from one chrome://policy page that stays open until
 *   the policy has arrived: a page closed right after its message (as this helper once did) could take the message
 *   with it on a loaded machine.
 * - On failure, the message says what chrome://policy shows, so a miss can be told from a policy Chromium never read.
 */
async function applyPolicy(
  s: Session,
  values: Record<string, unknown>,
  predicate: string,
  timeoutMs = 40_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  setPolicy(values);
  const page = await s.browser.newPage();
  try {
    await page.goto('chrome://policy');
    for (;;) {
      await page.evaluate(() =>
        (globalThis as unknown as { chrome: { send(name: string): void } }).chrome.send('reloadPolicies'),
      );
      try {
        await waitForManaged(s, predicate, 6_000);
        return;
      } catch (e) {
        if (Date.now() > deadline)
          throw new Error(`${String(e)}; chrome://policy shows: ${await policyPageText(page)}`, { cause: e });
      }
    }
  } finally {
    await page.close();
  }
}

/** Resolves when storage.managed satisfies `predicate` (source of a function of the whole area), event-driven. */
async function waitForManaged(s: Session, predicate: string, timeoutMs = 20_000): Promise<unknown> {
  const worker = await s.worker();
  return worker.evaluate(`new Promise((resolve, reject) => {
    const test = (${predicate});
    let timer;
    const check = async () => {
      const value = await chrome.storage.managed.get();
      if (test(value)) { chrome.storage.onChanged.removeListener(onChange); clearTimeout(timer); resolve(value); }
    };
    const onChange = (_changes, area) => { if (area === 'managed') check(); };
    timer = setTimeout(() => { chrome.storage.onChanged.removeListener(onChange); reject(new Error('storage.managed did not satisfy ' + ${JSON.stringify(predicate)})); }, ${timeoutMs});
    chrome.storage.onChanged.addListener(onChange);
    check();
  })`);
}

async function openPage(s: Session, path: string): Promise<Page> {
  const page = await s.browser.newPage();
  await page.goto(`chrome-extension://${s.extensionId}/${path}`);
  return page;
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'tests/e2e/managed.test.ts sets a real Chromium machine policy inside a private mount namespace, which needs root ' +
        '(unshare --mount). Run it as root (CI containers are), or leave this file out of the run.',
    );
  }
  const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8')) as {
    storage?: { managed_schema?: string };
  };
  if (!manifest.storage?.managed_schema) {
    throw new Error(
      `${EXTENSION_DIR}/manifest.json has no storage.managed_schema: Chromium ignores extension policy without it (see wxt.config.ts).`,
    );
  }
  realChrome = chromePath();
  root = mkdtempSync(join(tmpdir(), 'pim-managed-'));
  // The private /etc/chromium: a copy of the real one (master_preferences …) plus our policy directory.
  if (existsSync('/etc/chromium')) cpSync('/etc/chromium', join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'etc', 'policies', 'managed'), { recursive: true });
  const wrapper = join(root, 'chromium');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec unshare --mount sh -c 'mount --make-rprivate / && mount --bind ${join(root, 'etc')} /etc/chromium && exec ${realChrome} "$@"' chromium "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  // Fail here, with the reason, if the namespace cannot be made (e.g. a container without CAP_SYS_ADMIN).
  execFileSync('unshare', [
    '--mount',
    'sh',
    '-c',
    `mount --make-rprivate / && mount --bind ${join(root, 'etc')} /etc/chromium`,
  ]);
  savedChromePath = process.env.CHROME_PATH;
  process.env.CHROME_PATH = wrapper;
  tenant = await startFakeTenant();
});
afterAll(async () => {
  if (savedChromePath === undefined) delete process.env.CHROME_PATH;
  else process.env.CHROME_PATH = savedChromePath;
  await tenant?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});
beforeEach(async () => {
  await tenant.control.loadScenario(DEFAULT_SCENARIO_PATH);
  setPolicy(null);
});
afterEach(async () => {
  await session?.close();
  session = undefined;
});

describe('managed configuration', () => {
  it('locks the managed fields in options and signs the popup in to the managed tenant', async () => {
    const policy = { tenantId: TENANT, clientId: CLIENT_ID, templates: [ORG_TEMPLATE], leadTimesMinutes: [7] };
    setPolicy(policy);
    session = await launch(tenant);
    // The user's own choice names a tenant the stand-in does not know: only the managed tenant can sign in.
    await configure(session, { cloudId: 'global', tenant: 'northwind.onmicrosoft.com', clientId: CLIENT_ID });
    await applyPolicy(session, policy, `(m) => m.tenantId === ${JSON.stringify(TENANT)}`);

    const options = await openPage(session, 'options.html');
    await options.waitForSelector('[data-testid="tenant-locked"]');
    const field = (id: string) =>
      options.$eval(`#${id}`, (e) => ({
        value: (e as HTMLInputElement).value,
        disabled: (e as HTMLInputElement).disabled,
      }));
    expect(await field('tenant')).toEqual({ value: TENANT, disabled: true });
    expect(await field('clientId')).toEqual({ value: CLIENT_ID, disabled: true });
    expect((await field('cloudId')).disabled).toBe(false);
    expect(await options.$eval('[data-testid="tenant-locked"]', (e) => e.textContent)).toBe('Set by your organisation');
    expect(await options.$eval('[data-testid="managed-templates"]', (e) => e.textContent)).toContain(ORG_TEMPLATE.name);

    await signIn(session);
    const popup = await openPage(session, 'popup.html');
    await popupReady(popup);
    await waitForStorage(session, 'local', accountKey('snapshot'), '(v) => !!v && v.assignments.length > 0');
    await waitForRows(popup, 10);
    const authorize = (await tenant.control.log()).filter(
      (e) => e.host === 'login.microsoftonline.com' && e.path.includes('/oauth2/v2.0/authorize'),
    );
    expect(authorize.length).toBeGreaterThan(0);
    expect(authorize.every((e) => e.path.startsWith(`/${TENANT}/`))).toBe(true);
    // The user's own setting is kept, not overwritten by the policy.
    const stored = await readStorage<{ id: string; connection: { tenant: string } }[]>(session, 'local', 'accounts');
    expect(stored.find((a) => a.id === ACCOUNT_ID)!.connection.tenant).toBe('northwind.onmicrosoft.com');
  });

  it('follows a policy that arrives while the popup is open', async () => {
    session = await launch(tenant);
    const popup = await openPage(session, 'popup.html');
    await popupReady(popup);
    await popup.waitForSelector('[data-notice="not-configured"]');
    await applyPolicy(
      session,
      { tenantId: TENANT, clientId: CLIENT_ID },
      `(m) => m.tenantId === ${JSON.stringify(TENANT)}`,
    );
    await popup.waitForSelector('[data-notice="signed-out"]');
  });
});

describe('check connection', () => {
  it('reports a missing consent on the group permissions with the admin-consent link', async () => {
    session = await launch(tenant);
    await configure(session);
    await signIn(session);
    // The refresh after sign-in must not take the faults meant for the check.
    await waitForStorage(session, 'local', accountKey('snapshot'), '(v) => !!v && v.assignments.length > 0');
    await waitForStorage(session, 'local', accountKey('refreshState'), '(v) => !!v && !v.inFlight');
    const notGranted = {
      error: {
        code: 'UnknownError',
        message:
          '{"errorCode":"PermissionScopeNotGranted","message":"Authorization failed due to missing permission scope PrivilegedEligibilitySchedule.Read.AzureADGroup."}',
      },
    };
    await tenant.control.addFault({
      match: { batchItemUrl: '/privilegedAccess/group/' },
      times: 3,
      respond: { status: 403, body: notGranted },
    });

    const options = await openPage(session, 'options.html');
    await options.locator('[data-testid="check-connection-run"]').click();
    await options.waitForSelector('[data-testid="check-results"]');
    const results = await options.$$eval('[data-testid="check-results"] li', (els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute('data-scope'), e.getAttribute('data-status')])),
    );
    expect(results).toEqual({
      'RoleEligibilitySchedule.ReadWrite.Directory': 'ok',
      'RoleAssignmentSchedule.ReadWrite.Directory': 'ok',
      'RoleManagementPolicy.Read.Directory': 'ok',
      'PrivilegedEligibilitySchedule.Read.AzureADGroup': 'not-consented',
      'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup': 'not-consented',
      // With the group lists refused there is no group to read a policy for.
      'RoleManagementPolicy.Read.AzureADGroup': 'skipped',
      // Azure resource roles (issue 14): ARM answers; only Graph's group reads were refused.
      'Azure Service Management user_impersonation': 'ok',
    });
    expect(await options.$eval('[data-testid="admin-consent-url"]', (e) => e.textContent)).toBe(
      `https://login.microsoftonline.com/${TENANT}/adminconsent?client_id=${CLIENT_ID}`,
    );
  });
});
