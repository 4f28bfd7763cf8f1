/**
 * The extension-owned surface the background shows things in: the toolbar popup where the browser lets an extension
 * open it (Chrome 127+, Firefox), else the same page in a small extension window (no focused browser window, an older
 * browser). Whatever the page's script or a portal does, this surface is ours: a click there is the user's.
 */
import { browser } from 'wxt/browser';

export async function openPopupSurface(): Promise<void> {
  const action = browser.action as { openPopup?: () => Promise<void> } | undefined;
  try {
    if (!action?.openPopup) throw new Error('no action.openPopup');
    await action.openPopup();
  } catch {
    await browser.windows.create({ url: browser.runtime.getURL('/popup.html'), type: 'popup', width: 420, height: 620 });
  }
}
