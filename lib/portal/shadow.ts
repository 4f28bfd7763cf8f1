/**
 * The badge's host: a custom element at the end of <html> with a closed shadow root holding the badge's styles and a
 * container to render into. What WXT's createShadowRootUi does for us, without its general-purpose positioning,
 * auto-mount and custom-element-name checks (~3 kB gzipped of the content script, measured; docs/PERFORMANCE.md).
 * The stylesheet is bundled into the script as text: no web-accessible resource that a page could probe for.
 */
import type { PortalContext } from './context';

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

/** Removed when the content script is invalidated (extension updated or disabled), like any UI of the script. */
export function createShadowHost(
  ctx: PortalContext,
  tag: string,
  css: string,
  onRemove: (container: HTMLElement) => void,
): ShadowHost {
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
