/**
 * Managed configuration in Firefox, the way an IT department sets it: enterprise policies in `policies.json`,
 * `{"policies": {"3rdparty": {"Extensions": {"<add-on id>": {...}}}}}`, which Firefox exposes as storage.managed.
 * Firefox reads the file from its installation's `distribution` folder at start-up. To leave the machine untouched,
 * Firefox runs in a private mount namespace (`unshare --mount`) where that folder is bind-mounted from this test's
 * temporary copy, as tests/e2e/managed.test.ts does for Chromium's /etc/chromium. That needs root; without it the
 * suite fails with a message saying so, rather than skipping.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO_PATH, startFakeTenant, type FakeTenant } from '../fake-tenant/index';
import { accountKey, CLIENT_ID, popupReady } from './harness';
import {
  closeChecked,
  configureFx,
  GECKO_ID,
  firefoxPath,
  launchFirefox,
  signInFx,
  waitForStorageFx,
  type FirefoxSession,
} from './firefox-harness';

const TENANT = 'contoso.onmicrosoft.com';
const ORG_TEMPLATE = {
  id: 'org-change',
  name: 'Change ticket (organisation)',
  justification: 'Change {ticket} on {role}',
};

let tenant: FakeTenant;
let session: FirefoxSession | undefined;
let root: string;
let savedFirefoxPath: string | undefined;

function setPolicy(values: Record<string, unknown>): void {
  writeFileSync(
    join(root, 'distribution', 'policies.json'),
    JSON.stringify({ policies: { '3rdparty': { Extensions: { [GECKO_ID]: values } } } }),
  );
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'tests/e2e/firefox-managed.test.ts sets a real Firefox enterprise policy inside a private mount namespace, which ' +
        'needs root (unshare --mount). Run it as root (CI containers are), or leave this file out of the run.',
    );
  }
  const realFirefox = realpathSync(firefoxPath());
  // Debian links /usr/lib/firefox-esr/distribution to /usr/share/firefox-esr/distribution: mount over the real folder.
  const linked = join(dirname(realFirefox), 'distribution');
  const distribution = existsSync(linked) ? realpathSync(linked) : linked;
  root = mkdtempSync(join(tmpdir(), 'pim-ff-managed-'));
  // The private distribution folder: a copy of the real one (if any, links resolved) plus our policies.json.
  if (existsSync(distribution))
    cpSync(distribution, join(root, 'distribution'), { recursive: true, dereference: true });
  mkdirSync(join(root, 'distribution'), { recursive: true });
  if (lstatSync(join(root, 'distribution')).isSymbolicLink())
    throw new Error('the private distribution folder must not be a link to the real one');
  const mount = `mount --make-rprivate / && mkdir -p ${distribution} && mount --bind ${join(root, 'distribution')} ${distribution}`;
  const wrapper = join(root, 'firefox');
  writeFileSync(wrapper, `#!/bin/sh\nexec unshare --mount sh -c '${mount} && exec ${realFirefox} "$@"' firefox "$@"\n`);
  chmodSync(wrapper, 0o755);
  // Fail here, with the reason, if the namespace cannot be made (e.g. a container without CAP_SYS_ADMIN).
  execFileSync('unshare', ['--mount', 'sh', '-c', mount]);
  savedFirefoxPath = process.env.FIREFOX_PATH;
  process.env.FIREFOX_PATH = wrapper;
  tenant = await startFakeTenant();
});
afterAll(async () => {
  if (savedFirefoxPath === undefined) delete process.env.FIREFOX_PATH;
  else process.env.FIREFOX_PATH = savedFirefoxPath;
  await tenant?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});
beforeEach(async () => {
  await tenant.control.loadScenario(DEFAULT_SCENARIO_PATH);
});
afterEach(async () => {
  const s = session;
  session = undefined;
  await closeChecked(s);
});

describe('managed configuration in Firefox (policies.json)', () => {
  it('locks the managed fields in options and signs the popup in to the managed tenant', async () => {
    setPolicy({ tenantId: TENANT, clientId: CLIENT_ID, templates: [ORG_TEMPLATE], leadTimesMinutes: [7] });
    session = await launchFirefox(tenant);
    const s = session;
    expect(await s.ext(`browser.storage.managed.get().then((m) => m.tenantId)`)).toBe(TENANT);
    // The user's own choice names a tenant the stand-in does not know: only the managed tenant can sign in.
    await configureFx(s, { cloudId: 'global', tenant: 'northwind.onmicrosoft.com', clientId: CLIENT_ID });

    const options = await s.open('options.html');
    await options.waitForSelector('[data-testid="tenant-locked"]');
    const field = (id: string) =>
      options.$eval(`#${id}`, (e) => ({
        value: (e as HTMLInputElement).value,
        disabled: (e as HTMLInputElement).disabled,
      }));
    expect(await field('tenant')).toEqual({ value: TENANT, disabled: true });
    expect(await field('clientId')).toEqual({ value: CLIENT_ID, disabled: true });
    expect((await field('cloudId')).disabled).toBe(false);
    expect(await options.$eval('[data-testid="managed-templates"]', (e) => e.textContent)).toContain(ORG_TEMPLATE.name);

    await signInFx(s);
    await waitForStorageFx(s, 'local', accountKey('snapshot'), '(v) => !!v && v.assignments.length > 0');
    const popup = await s.open('popup.html');
    await popupReady(popup);
    await popup.waitForFunction(() => document.querySelectorAll('[data-testid="assignment"]').length === 10);
    const authorize = (await tenant.control.log()).filter(
      (e) => e.host === 'login.microsoftonline.com' && e.path.includes('/oauth2/v2.0/authorize'),
    );
    expect(authorize.length).toBeGreaterThan(0);
    expect(authorize.every((e) => e.path.startsWith(`/${TENANT}/`))).toBe(true);
    expect(
      await s.ext(
        `browser.storage.local.get('accounts').then((v) => v.accounts.find((a) => a.id === 'a1').connection.tenant)`,
      ),
    ).toBe('northwind.onmicrosoft.com');
  }, 120_000);
});
