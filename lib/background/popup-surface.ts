/**
 * The extension-owned surface the background shows things in: the toolbar popup where the browser lets an extension
 * open it (Chrome 127+, Firefox), else the same page in a small extension window (no focused browser window, an older
 * browser). Whatever the page's script or a portal does, this surface is ours: a click there is the user's.
 */
import { browser } from 'wxt/browser';
import { portalIntentItem, type PortalIntent } from '../storage';

export async function openPopupSurface(): Promise<void> {
  const action = browser.action as { openPopup?: () => Promise<void> } | undefined;
  try {
    if (!action?.openPopup) throw new Error('no action.openPopup');
    await action.openPopup();
  } catch {
    await browser.windows.create({
      url: browser.runtime.getURL('/popup.html'),
      type: 'popup',
      width: 420,
      height: 620,
    });
  }
}

/**
 * Asks the user in that surface (components/popup/IntentBanner.tsx): the request is stored in `session:portalIntent`,
 * which no content script can write, and nothing is sent until a click there. Stamped with the local clock, which the
 * popup compares it with to show only a fresh request.
 */
export async function confirmInPopup(intent: Omit<PortalIntent, 'at'>): Promise<void> {
  await portalIntentItem.set({ ...intent, at: new Date().toISOString() });
  await openPopupSurface();
}
