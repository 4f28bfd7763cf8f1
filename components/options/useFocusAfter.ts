/**
 * Keeps keyboard users in place when a list re-orders or a form closes: focus the first matching, enabled element
 * inside `root` after the next render. Lists here change only after an async storage write comes back as new props,
 * and re-ordering moves DOM nodes (which drops focus), so a request can wait for `dep` to change before it is done.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

export function useFocusAfter<T extends HTMLElement = HTMLDivElement>(dep: unknown) {
  const root = useRef<T>(null);
  const pending = useRef<{ selectors: string[]; waitFor: unknown; waiting: boolean } | null>(null);
  const [, rerender] = useState(0);

  useEffect(() => {
    const request = pending.current;
    if (!request || !root.current) return;
    for (const selector of request.selectors) {
      const el = root.current.querySelector<HTMLElement>(selector);
      if (el && !(el instanceof HTMLButtonElement && el.disabled)) {
        el.focus();
        break;
      }
    }
    if (!request.waiting || dep !== request.waitFor) pending.current = null;
  });

  return {
    root,
    /** Focus the first of `selectors` that exists and is enabled; with `waitForChange`, again once `dep` changed. */
    focusLater(selectors: string[], options: { waitForChange?: boolean } = {}) {
      pending.current = { selectors, waitFor: dep, waiting: options.waitForChange ?? false };
      rerender((n) => n + 1);
    },
    cancelFocus() {
      pending.current = null;
    },
  };
}

/** A CSS attribute selector for a data-* value that may hold any character (ids come from files users import). */
export function byData(attr: string, value: string, rest = ''): string {
  const quoted = value.replace(/["\\]/g, '\\$&').replace(/\n/g, '\\a ').replace(/\r/g, '\\d ');
  return `[data-${attr}="${quoted}"]${rest}`;
}
