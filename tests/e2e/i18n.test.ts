/**
 * Languages on the release build: Chromium started in Norwegian Bokmål shows the popup, its row texts and buttons, and
 * the toolbar tooltip in Bokmål, with times formatted for the nb locale.
 */
import { afterEach, describe, expect, it } from 'vitest';

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
import { useStandIn } from './stand-in';

const tenant = useStandIn();
let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

describe('languages', () => {
  it('shows the popup in Norwegian Bokmål when Chromium runs with --lang=nb', async () => {
    // --lang picks the UI language (what chrome.i18n reads) on Windows and macOS; Chromium on Linux ignores it and
    // reads LANGUAGE (Puppeteer passes this process's environment on). --accept-lang keeps web content consistent.
    const before = process.env.LANGUAGE;
    process.env.LANGUAGE = 'nb';
    try {
      session = await launch(tenant, { args: ['--lang=nb', '--accept-lang=nb'] });
    } finally {
      if (before === undefined) delete process.env.LANGUAGE;
      else process.env.LANGUAGE = before;
    }
    const worker = await session.worker();
    expect(await worker.evaluate('chrome.i18n.getUILanguage()')).toMatch(/^nb/);

    await configure(session);
    await signIn(session);
    await waitForStorage(session, 'local', accountKey('snapshot'), '(v) => !!v && v.assignments.length > 0');
    const popup = await session.open('popup.html');
    await popupReady(popup);
    await waitForRows(popup, 10);

    // textContent: the titles are upper-cased by CSS only.
    const headings = await popup.$$eval('.section-title', (els) =>
      els.map((e) => (e.textContent ?? '').replace(/\s*\d+\s*$/, '').trim()),
    );
    expect(headings).toEqual(expect.arrayContaining(['Aktive', 'Kvalifiserte']));

    const activate = await popup.$$eval('[data-testid="activate"]', (els) =>
      els.map((e) => (e as HTMLElement).innerText.trim()),
    );
    expect(activate.length).toBeGreaterThan(0);
    for (const label of activate) expect(label).toMatch(/^Aktiver\b/);

    const active = await popup.$eval(
      '[data-testid="assignment"][data-state="active"]',
      (e) => (e as HTMLElement).innerText,
    );
    expect(active).toMatch(/min igjen/);
    expect(active).toContain('Deaktiver');
    const warning = await popup.$eval('[data-testid="eligibility-warning"]', (e) => (e as HTMLElement).innerText);
    expect(warning).toMatch(/^Kvalifiseringen slutter om \d+ dager?: be administratoren om å fornye den\.$/);
    expect(await popup.$eval('[data-testid="refresh"]', (e) => e.getAttribute('aria-label') ?? e.textContent)).toMatch(
      /Oppdater/,
    );

    // The toolbar tooltip comes from the background's own messages, with the end time in the nb format (HH:MM).
    const title = await worker.evaluate('chrome.action.getTitle({})');
    expect(String(title)).toMatch(/^PIM Companion\nSecurity Reader: til \d{2}[:.]\d{2}$/);
  });
});
