/**
 * axe-core and focus helpers for tests/e2e/a11y.test.ts. axe is evaluated through CDP (Runtime.evaluate), which the
 * extension pages' and portals' CSPs do not block, so no test-only CSP relaxation is needed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'puppeteer-core';

export const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Serious and critical axe violations on the page (or under `include`), as readable lines for the assertion message.
 */
export async function audit(page: Page, include?: string): Promise<string[]> {
  if (!(await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined')))
    await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(async (sel: string | null) => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: unknown[] }> } })
      .axe;
    const result = await axe.run(sel ? { include: [sel] } : document, { resultTypes: ['violations'] });
    return result.violations;
  }, include ?? null)) as Violation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${v.impact} ${v.id} (${v.help}) at ${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`),
    );
}

/** Makes the badge's closed shadow root visible to axe (main world only; the content script's world is untouched). */
export async function exposeBadgeShadowRoot(page: Page): Promise<void> {
  const cdp = await page.createCDPSession();
  type DomNode = { nodeName: string; backendNodeId: number; children?: DomNode[]; shadowRoots?: DomNode[] };
  const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: DomNode };
  const find = (n: DomNode): DomNode | null => {
    if (n.nodeName === 'PIM-COMPANION-BADGE') return n;
    for (const c of [...(n.children ?? []), ...(n.shadowRoots ?? [])]) {
      const hit = find(c);
      if (hit) return hit;
    }
    return null;
  };
  const shadow = find(root)?.shadowRoots?.[0];
  if (!shadow) throw new Error('the portal page has no badge shadow root');
  const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: shadow.backendNodeId });
  await cdp.send('Runtime.callFunctionOn', {
    objectId: object.objectId!,
    functionDeclaration: `function () { const root = this; Object.defineProperty(root.host, 'shadowRoot', { configurable: true, get: () => root }); }`,
  });
  await cdp.detach();
}

/**
 * Whether the focused element (inside shadow roots too) visibly changes when focused: its outline, ring or border, or
 * its wrapper's (Fluent inputs underline the field's frame). Compared with the same element blurred, then refocused.
 */
export function focusShown(page: Page): Promise<{ tag: string; label: string; shown: boolean }> {
  return page.evaluate(() => {
    let el = document.activeElement as HTMLElement | null;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement as HTMLElement;
    if (!el || el === document.body) return { tag: 'body', label: '', shown: false };
    const target = el;
    const look = () =>
      [target, target.parentElement]
        .map((e) => {
          if (!e) return '';
          const cs = getComputedStyle(e);
          return [
            cs.outlineStyle,
            cs.outlineWidth,
            cs.outlineColor,
            cs.boxShadow,
            cs.borderBottomWidth,
            cs.borderBottomColor,
            cs.backgroundColor,
          ].join(' ');
        })
        .join(' | ');
    const focused = look();
    target.blur();
    const blurred = look();
    target.focus({ focusVisible: true } as FocusOptions);
    const label =
      target.getAttribute('aria-label') ??
      target.getAttribute('data-testid') ??
      (target.textContent ?? '').trim().slice(0, 40);
    return { tag: target.tagName.toLowerCase(), label, shown: focused !== blurred };
  });
}
