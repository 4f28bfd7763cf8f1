/**
 * The badge's host: a custom element at the end of <html> with a closed shadow root holding the badge's styles and a
 * container to render into. What WXT's createShadowRootUi does for us, without its general-purpose positioning,
 * auto-mount and custom-element-name checks, which cost the content script ~1 kB gzipped (docs/PERFORMANCE.md).
 */
import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';

export interface ShadowHost {
  /** The element in the page (its shadow root is closed: the portal's scripts cannot reach into it). */
  host: HTMLElement;
  /** Render into this. */
  container: HTMLElement;
  /** (Re)attach the host as the last child of the root element. */
  mount(): void;
  /** Take the host out of the page, after `onRemove` has cleared what was rendered. */
  remove(): void;
}

/** The stylesheet WXT builds for this content script (cssInjectionMode 'ui': not injected into the page). */
async function loadCss(): Promise<string> {
  try {
    // WXT's PublicPath type lists public/ files only, not the content script's own built stylesheet.
    const url = (browser.runtime.getURL as (path: string) => string)('/content-scripts/portal.css');
    return await (await fetch(url)).text();
  } catch (e) {
    console.warn('PIM Companion: the badge styles could not be loaded.', e);
    return '';
  }
}

/** Removed when the content script is invalidated (extension updated or disabled), like any UI of the script. */
export async function createShadowHost(ctx: ContentScriptContext, tag: string, onRemove: (container: HTMLElement) => void): Promise<ShadowHost> {
  const css = await loadCss();
  const host = document.createElement(tag);
  const shadow = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  // The reset keeps the portal's inherited styles out; the stylesheet was written for a page, so :root means the host.
  style.textContent = `:host{all:initial !important;}\n${css.replaceAll(':root', ':host')}`;
  const container = document.createElement('div');
  shadow.append(style, container);
  // Keys typed in the badge do not trigger the portal's shortcuts.
  for (const type of ['keydown', 'keyup', 'keypress']) shadow.addEventListener(type, (e) => e.stopPropagation());
  const remove = () => {
    onRemove(container);
    host.remove();
  };
  ctx.onInvalidated(remove);
  // The root element, not <body>: SPAs re-render body content, and body may carry transforms that break `fixed`.
  return { host, container, mount: () => document.documentElement.append(host), remove };
}
