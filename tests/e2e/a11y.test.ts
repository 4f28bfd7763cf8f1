/**
 * Issue 6 accessibility checks on the release build: axe-core on the sign-in page, the popup (list and activation
 * form), the options page and the portal badge inside the stand-in Exchange admin center, in light and dark; keyboard
 * operation with a visible focus indicator; no motion when the system asks for less. Each checked view is then
 * photographed, so the pictures are of what passed: into test-output/screenshots/ (ignored) during `npm test`, which
 * leaves the working tree clean, and into docs/screenshots/ (README shows them) by `npm run screenshots`.
 *
 * axe is evaluated through CDP (Runtime.evaluate), which extension-page and portal CSPs do not block. The badge lives
 * in a closed shadow root that page scripts cannot reach (the product relies on that); for the audit only, the test
 * resolves that root through CDP (DOM.getDocument with pierce) and exposes it to axe as the host's `shadowRoot` in
 * the page's main world, so axe audits the real badge, with its real styles, on the real portal page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { startFakeTenant, type FakeTenant } from '../fake-tenant/index';
import { AXE_SOURCE, audit, exposeBadgeShadowRoot, focusShown } from './axe';
import {
  accountKey,
  configure,
  launch,
  signIn,
  waitForRows,
  waitForStorage,
  type Session,
  popupReady,
} from './harness';
import { withExchangeGroupActive, ROLE } from './scenarios';

const SHOTS = resolve(import.meta.dirname, '../..', process.env.SCREENSHOTS_DIR ?? 'test-output/screenshots');
const SCHEMES = ['light', 'dark'] as const;
type Scheme = (typeof SCHEMES)[number];

let tenant: FakeTenant;
let session: Session;

async function scheme(page: Page, s: Scheme): Promise<void> {
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: s }]);
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  // Countdowns tick and the search box would show a caret: take the picture with nothing focused.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.screenshot({ path: resolve(SHOTS, `${name}.png`), fullPage: false });
}

async function newPage(width: number, height: number): Promise<Page> {
  const page = await session.browser.newPage();
  await page.setViewport({ width, height });
  return page;
}

async function openPopup(): Promise<Page> {
  const page = await newPage(380, 600);
  await page.goto(`chrome-extension://${session.extensionId}/popup.html`);
  await popupReady(page);
  await waitForRows(page, 11);
  return page;
}

const GLOBAL_ADMIN_ROW = `[data-testid="assignment"][data-key="role:${ROLE.globalAdmin}:/"][data-state="eligible"]`;

/** The popup with Global Administrator's activation form open (its policy asks for a justification and approval). */
async function openActivationForm(): Promise<Page> {
  const page = await openPopup();
  await page.locator(`${GLOBAL_ADMIN_ROW} [data-testid="activate"]`).click();
  await page.waitForSelector('[data-testid="activation-form"]');
  return page;
}

async function openPortalBadge(): Promise<Page> {
  await (
    await session.worker()
  ).evaluate(`chrome.storage.local.set({ portalLayout: { exchange: { collapsed: false } } })`);
  const page = await newPage(1280, 720);
  await page.goto('https://admin.exchange.microsoft.com/');
  await page.locator('::-p-aria(Deactivate PIM – INT – Exchange administrator)').wait();
  await exposeBadgeShadowRoot(page);
  await page.evaluate(AXE_SOURCE);
  return page;
}

beforeAll(async () => {
  tenant = await startFakeTenant();
  await tenant.control.loadScenario(withExchangeGroupActive(5));
  session = await launch(tenant);
  await configure(session);
  await signIn(session);
  await waitForStorage(session, 'local', accountKey('snapshot'), '(v) => !!v && v.assignments.length > 0');
  // Policies arrive in the refresh's second round trip; the activation form needs them.
  await waitForStorage(session, 'local', accountKey('policies'), '(v) => !!v && Object.keys(v).length > 0');
});
afterAll(async () => {
  await session?.close();
  await tenant?.close();
});

describe('axe-core: no serious or critical violations', () => {
  it('sign-in page', async () => {
    const page = await newPage(900, 640);
    await page.goto(`chrome-extension://${session.extensionId}/signin.html`);
    await page.waitForSelector('[data-testid="signin"]');
    for (const s of SCHEMES) {
      await scheme(page, s);
      expect(await audit(page), s).toEqual([]);
    }
    await scheme(page, 'light');
    await shot(page, 'signin');
    await page.close();
  });

  it('popup with the signed-in list', async () => {
    const page = await openPopup();
    const background: Record<string, string> = {};
    for (const s of SCHEMES) {
      await scheme(page, s);
      expect(await audit(page), s).toEqual([]);
      background[s] = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await shot(page, `popup-${s}`);
    }
    // The colour scheme follows the system's: white in light, Fluent's dark neutral in dark.
    expect(background).toEqual({ light: 'rgb(255, 255, 255)', dark: 'rgb(41, 41, 41)' });
    await page.close();
  });

  it('popup with the activation form open', async () => {
    const page = await openActivationForm();
    // The form's own checks too: submit empty so the required justification shows its error state.
    await page.locator('[data-testid="activation-submit"]').click();
    await page.waitForSelector('[data-testid="justification-error"]');
    for (const s of SCHEMES) {
      await scheme(page, s);
      expect(await audit(page), s).toEqual([]);
    }
    await page.locator('[data-testid="activation-form"] [data-testid="justification"]').fill('Quarterly access review');
    for (const s of SCHEMES) {
      await scheme(page, s);
      await page.$eval('[data-testid="activation-form"]', (f) => f.scrollIntoView({ block: 'center' }));
      await shot(page, `activation-form-${s}`);
    }
    await page.close();
  });

  it('options page', async () => {
    const page = await newPage(1000, 800);
    await page.goto(`chrome-extension://${session.extensionId}/options.html`);
    await page.waitForSelector('main, form');
    for (const s of SCHEMES) {
      await scheme(page, s);
      expect(await audit(page), s).toEqual([]);
      await shot(page, `options-${s}`);
    }
    // The template and bundle editors, open side by side.
    await page.locator('[data-testid="template-new"]').click();
    await page.locator('[data-testid="bundle-new"]').click();
    await page.waitForSelector(
      '[data-testid="templates"] form, [data-testid="templates"] [role="group"], [data-testid="templates"] input',
    );
    for (const s of SCHEMES) {
      await scheme(page, s);
      expect(await audit(page), `${s}, editors open`).toEqual([]);
    }
    await page.close();
  });

  it('portal badge inside the stand-in Exchange admin center', async () => {
    const page = await openPortalBadge();
    // Guard against a vacuous pass: axe must have looked inside the shadow root (its targets are shadow paths then).
    const shadowTargets = await page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: { run(ctx: unknown, opts: unknown): Promise<{ passes: { nodes: { target: unknown[] }[] }[] }> };
        }
      ).axe;
      const r = await axe.run({ include: ['pim-companion-badge'] }, { runOnly: ['button-name', 'color-contrast'] });
      return r.passes.flatMap((p) => p.nodes).filter((n) => Array.isArray(n.target[0])).length;
    });
    expect(shadowTargets).toBeGreaterThan(3);
    for (const s of SCHEMES) {
      await scheme(page, s);
      expect(await audit(page, 'pim-companion-badge'), s).toEqual([]);
      await shot(page, `portal-badge-${s}`);
    }
    await page.close();
  });
});

describe('keyboard and motion', () => {
  it('the popup is operable with the keyboard alone, every stop showing where focus is', async () => {
    const page = await openPopup();
    const stops: { tag: string; label: string; shown: boolean }[] = [];
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      const f = await focusShown(page);
      if (f.tag === 'body') break;
      stops.push(f);
      if (f.label.includes('Global Administrator') && f.label.toLowerCase().startsWith('activate')) break;
    }
    expect(stops.filter((s) => !s.shown)).toEqual([]);
    const activate = stops.at(-1);
    expect(activate?.label, 'Tab reaches the Activate button of Global Administrator').toMatch(
      /^Activate.*Global Administrator/i,
    );

    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="activation-form"]');
    expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="activation-form"]'))).toBe(true);
    await page.keyboard.type('Keyboard only');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="activation-form"]', { hidden: true });
    await page.close();
  });

  it('the portal badge is reachable with Tab and shows where focus is', async () => {
    const page = await openPortalBadge();
    const inBadge: { tag: string; label: string; shown: boolean }[] = [];
    // The stand-in grid has hundreds of stops; the badge is appended to the page, so walk backwards from the end.
    for (let i = 0; i < 40 && inBadge.length < 4; i++) {
      await page.keyboard.down('Shift');
      await page.keyboard.press('Tab');
      await page.keyboard.up('Shift');
      if (await page.evaluate(() => document.activeElement?.tagName === 'PIM-COMPANION-BADGE'))
        inBadge.push(await focusShown(page));
    }
    expect(inBadge.map((f) => f.label)).toContain('Deactivate PIM – INT – Exchange administrator');
    expect(inBadge.filter((f) => !f.shown)).toEqual([]);
    await page.close();
  });

  it('with prefers-reduced-motion nothing animates or transitions (popup, options, badge)', async () => {
    // Elements with a running animation or a non-zero transition; under `host`'s shadow root only when given.
    const still = (page: Page, host?: string) =>
      page.evaluate((hostSel: string | null) => {
        const moving: string[] = [];
        const visit = (root: Document | ShadowRoot) => {
          for (const el of root.querySelectorAll('*')) {
            const cs = getComputedStyle(el);
            const durations = [...cs.transitionDuration.split(','), ...cs.animationDuration.split(',')].map((d) =>
              parseFloat(d),
            );
            if (cs.animationName !== 'none' || durations.some((d) => d > 0))
              moving.push(`${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''}`);
            if (el.shadowRoot) visit(el.shadowRoot);
          }
        };
        const start = hostSel ? document.querySelector(hostSel)?.shadowRoot : document;
        if (!start) return ['(no root to check)'];
        visit(start);
        return moving;
      }, host ?? null);
    const popup = await openPopup();
    await popup.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
    expect(await still(popup)).toEqual([]);
    await popup.close();

    const options = await newPage(1000, 800);
    await options.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
    await options.goto(`chrome-extension://${session.extensionId}/options.html`);
    await options.waitForSelector('main, form');
    expect(await still(options)).toEqual([]);
    await options.close();

    const portal = await openPortalBadge();
    await portal.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
    expect(await still(portal, 'pim-companion-badge')).toEqual([]);
    await portal.close();
  });
});
