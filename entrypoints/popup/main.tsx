/**
 * Popup first paint (issue 18): the stored list on screen with the least code — one storage read, the schemas that
 * parse them, and the rows (components/popup/CachedPopup.tsx). Everything else (messaging, activation, forms,
 * approvals, account management: ./app.tsx) loads after the browser has painted it, and takes over the page.
 * When the first paint cannot tell what the full popup would show (lib/first-paint.ts), it draws nothing and the app
 * paints alone.
 */
import '../../lib/zod-jitless';
import { render } from 'preact';
// The browser's own API, not Mozilla's polyfill (2.7 kB gz): storage reads are promise-based in both browsers.
import { browser } from '@wxt-dev/browser';
import { CachedPopup } from '../../components/popup/CachedPopup';
import { FIRST_ACCOUNT_ID } from '../../lib/accounts';
import { accountKeys, firstPaintAccount, firstPaintList, SHARED_KEYS } from '../../lib/first-paint';
// Every popup style, with the first paint: nothing restyles when the rest arrives.
import '../../components/popup/popup.css';

const root = document.getElementById('app')!;

/** The organisation's policy (storage.managed), or nothing: Firefox without a policy rejects the read. */
const managedPolicy = (): Promise<Record<string, unknown>> =>
  browser.storage.managed.get().then(
    (v) => v,
    () => ({}),
  );

async function paintCached(): Promise<boolean> {
  // The first account's items come with the first read: with one account (most users), one read is all it takes.
  const first = Object.values(accountKeys(FIRST_ACCOUNT_ID));
  const [shared, managed] = await Promise.all([browser.storage.local.get([...SHARED_KEYS, ...first]), managedPolicy()]);
  const chosen = firstPaintAccount(shared, managed);
  if (!chosen) return false;
  const id = chosen.account.id;
  const own = id === FIRST_ACCOUNT_ID ? shared : await browser.storage.local.get(Object.values(accountKeys(id)));
  const list = firstPaintList(own, id);
  if (!list) return false;
  render(
    <CachedPopup
      {...chosen}
      {...list}
      format={{ locale: browser.i18n.getUILanguage() }}
      now={Date.now() + (list.snapshot.clockSkewMs ?? 0)}
    />,
    root,
  );
  // Top-level render is synchronous: the DOM holds the list now.
  performance.mark('pim:cached-paint');
  return true;
}

/** After the next frame has been drawn (or soon, where a hidden page draws no frames). */
const afterPaint = () =>
  new Promise<void>((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 100);
  });

// A first paint that fails (storage unavailable, say) only costs the shortcut: the app reads and reports as always.
const painted = await paintCached().catch((e: unknown) => {
  console.warn(`PIM Companion: the popup's first paint was skipped (${String(e)}).`);
  return false;
});
if (painted) await afterPaint();
await import('./app');
