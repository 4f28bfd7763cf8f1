/**
 * The row the user came for (a notification's click stores its key in session:popupFocus): scrolled into view, marked
 * and given focus once it is on screen. Long lists render in chunks after the first paint, so the row may appear a few
 * tasks later; this waits for it (DOM mutations, no polling) for `timeoutMs`, then gives up quietly.
 */

const rowFor = (root: ParentNode, key: string): HTMLElement | null => {
  const rows = [...root.querySelectorAll<HTMLElement>('[data-testid="assignment"]')].filter(
    (r) => r.dataset.key === key,
  );
  // The running activation when there is one (a warning is about it), else the eligibility or the pending request.
  return rows.find((r) => r.dataset.state === 'active') ?? rows[0] ?? null;
};

function mark(row: HTMLElement): void {
  row.dataset.focused = 'true';
  row.tabIndex = -1;
  row.scrollIntoView({ block: 'nearest' });
  row.focus({ preventScroll: true });
}

/** Resolves true once the row for `key` is marked and focused, false when it did not appear in time. */
export function focusRow(root: HTMLElement, key: string, timeoutMs = 3_000): Promise<boolean> {
  const now = rowFor(root, key);
  if (now) {
    mark(now);
    return Promise.resolve(true);
  }
  return new Promise((resolve) => {
    const done = (found: HTMLElement | null) => {
      observer.disconnect();
      clearTimeout(timer);
      if (found) mark(found);
      resolve(found !== null);
    };
    const observer = new MutationObserver(() => {
      const row = rowFor(root, key);
      if (row) done(row);
    });
    observer.observe(root, { childList: true, subtree: true });
    const timer = setTimeout(() => done(null), timeoutMs);
  });
}
