import { cleanup, render } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { Badge, type BadgeProps } from '../../../components/badge/Badge';
import { DEFAULT_PORTAL_PREF, portalForUrl } from '../../../lib/pim/portals';
import { badgeModel, DEFAULT_WARN_MS } from '../../../lib/portal/view';
import { installMessages } from '../components/fixtures';
import {
  EXCHANGE_URL,
  GROUP_NAME,
  HOSTILE,
  MIN,
  NOW,
  assignment,
  eligibleExchange,
  iso,
  viaGroupScenario,
} from './helpers';

const portal = portalForUrl(EXCHANGE_URL)!;

function show(assignments: Parameters<typeof badgeModel>[0]['assignments'], over: Partial<BadgeProps> = {}) {
  const props: BadgeProps = {
    portalName: portal.name,
    model: badgeModel({ assignments, portal, pref: DEFAULT_PORTAL_PREF, now: NOW, pageLoadedAt: NOW - 60 * MIN }),
    now: NOW,
    warnMs: DEFAULT_WARN_MS,
    corner: 'bottom-left',
    collapsed: false,
    busy: new Set(),
    notice: null,
    oneClickDeactivate: true,
    onToggle: vi.fn(),
    onMove: vi.fn(),
    onCommand: vi.fn(),
    onReload: vi.fn(),
    onDismiss: vi.fn(),
    ...over,
  };
  const view = render(<Badge {...props} />);
  return { ...view, props };
}

/** A click as the browser makes it for a real user (page scripts can only make isTrusted: false ones). */
function trustedClick(el: Element): void {
  const event = new MouseEvent('click', { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'isTrusted', { value: true });
  el.dispatchEvent(event);
}

const row = (container: ParentNode, key: string) => container.querySelector<HTMLElement>(`[data-key="${key}"]`)!;
const button = (container: ParentNode, label: string) =>
  [...container.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === label) ?? null;

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});
afterEach(cleanup);

describe('Badge', () => {
  it('shows the group and the role held through it, with the time left', () => {
    const { container } = show(viaGroupScenario(2, 50));
    const group = row(container, 'group:g-exo:member');
    const role = row(container, 'role:29232cdf-9323-42fd-ade2-1d097af3e4de:/');
    expect(group.textContent).toContain(GROUP_NAME);
    expect(group.textContent).toContain('grants Exchange Administrator');
    expect(group.querySelector('[role="timer"]')!.textContent).toBe('50 min left');
    expect(role.textContent).toContain(`via ${GROUP_NAME}`);
    expect(role.querySelector('[role="timer"]')!.textContent).toBe('50 min left');
    expect(container.querySelector('.pc-pill')!.textContent).toContain('PIM: 2 active');
  });

  it.each([
    [9 * MIN + 59_000, '9 min left', true],
    [59_000, '00:59 left', true],
    [10 * MIN, '10 min left', false],
    [42 * MIN, '42 min left', false],
    [125 * MIN, '2 h 5 min left', false],
    [30_000, '00:30 left', true],
  ])('counts %i ms down as "%s" (warning colour: %s)', (leftMs, text, warning) => {
    const a = assignment({
      key: 'role:r:/',
      displayName: 'Exchange Administrator',
      startDateTime: iso(NOW - 30 * MIN),
      endDateTime: iso(NOW + leftMs),
    });
    const { container } = show([a]);
    const timer = container.querySelector('[role="timer"]')!;
    expect(timer.textContent).toBe(text);
    expect(timer.classList.contains('is-warning')).toBe(warning);
    expect(container.querySelector('.pc-pill')!.classList.contains('is-warning')).toBe(warning);
  });

  it('greys Deactivate until 5 minutes after the start, with a countdown to it', () => {
    const early = show(viaGroupScenario(2, 50));
    const deactivate = button(early.container, `Deactivate ${GROUP_NAME}`)!;
    expect(deactivate.disabled).toBe(true);
    expect(early.container.querySelector('.pc-hint')!.textContent).toBe('Deactivate in 3 min');
    early.unmount();
    const later = show(viaGroupScenario(5, 50));
    expect(button(later.container, `Deactivate ${GROUP_NAME}`)!.disabled).toBe(false);
    // The role held through the group cannot be deactivated on its own.
    expect(button(later.container, 'Deactivate Exchange Administrator')).toBeNull();
  });

  it('offers Activate for a relevant role that is only eligible, and Extend near the end', () => {
    const { container } = show([eligibleExchange()]);
    expect(button(container, 'Activate Exchange Administrator')).not.toBeNull();
    expect(container.querySelector('.pc-pill')!.textContent).toContain('PIM: none active');
    cleanup();
    const near = show(viaGroupScenario(30, 8));
    expect(button(near.container, `Extend ${GROUP_NAME}`)).not.toBeNull();
  });

  it('renders hostile names as text', () => {
    const hostile = [
      assignment({
        key: 'group:evil:member',
        kind: 'group',
        displayName: HOSTILE,
        grants: ['Exchange Administrator'],
        endDateTime: iso(NOW + 20 * MIN),
      }),
      assignment({
        key: 'role:29232cdf-9323-42fd-ade2-1d097af3e4de:/',
        targetId: '29232cdf-9323-42fd-ade2-1d097af3e4de',
        displayName: 'Exchange Administrator',
        memberType: 'group',
        viaGroupName: HOSTILE,
        endDateTime: iso(NOW + 20 * MIN),
      }),
    ];
    const { container } = show(hostile, { notice: { kind: 'error', message: HOSTILE } });
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toContain(HOSTILE);
    expect(container.textContent).toContain(`via ${HOSTILE}`);
    expect(button(container, `Deactivate ${HOSTILE}`)).not.toBeNull();
  });

  it('acts on trusted clicks only: events the page dispatches do nothing', () => {
    const { container, props } = show(viaGroupScenario(10, 50));
    const deactivate = button(container, `Deactivate ${GROUP_NAME}`)!;
    deactivate.click();
    deactivate.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    container.querySelector<HTMLButtonElement>('.pc-pill')!.click();
    expect(props.onCommand).not.toHaveBeenCalled();
    expect(props.onToggle).not.toHaveBeenCalled();
    trustedClick(deactivate);
    expect(props.onCommand).toHaveBeenCalledWith('deactivate', 'group:g-exo:member');
    trustedClick(container.querySelector('.pc-pill')!);
    expect(props.onToggle).toHaveBeenCalledOnce();
  });

  it('folds into the pill, and says "Reload to apply" after an activation', () => {
    const model = badgeModel({
      assignments: viaGroupScenario(1, 60),
      portal,
      pref: DEFAULT_PORTAL_PREF,
      now: NOW,
      pageLoadedAt: NOW - 10 * MIN,
    });
    const { container, props } = show([], { model, collapsed: true });
    const pill = container.querySelector('.pc-pill')!;
    expect(pill.getAttribute('aria-expanded')).toBe('false');
    expect(container.querySelector('.pc-panel')!.hasAttribute('hidden')).toBe(true);
    expect(pill.textContent).toContain('Reload to apply');
    cleanup();
    const open = show([], { model, collapsed: false, onReload: props.onReload });
    trustedClick([...open.container.querySelectorAll('.pc-reload button')][0]!);
    expect(props.onReload).toHaveBeenCalledOnce();
  });

  it('puts the badge in the remembered corner', () => {
    const { container } = show(viaGroupScenario(10, 50), { corner: 'top-right' });
    expect(container.querySelector('[data-testid="pim-badge"]')!.classList.contains('pc-top-right')).toBe(true);
  });

  it('explains what happened after a command', () => {
    const { container } = show(viaGroupScenario(10, 50), {
      notice: { kind: 'outcome', command: 'activate', outcome: 'pending-approval' },
    });
    expect(container.querySelector('[role="status"]')!.textContent).toContain('it needs approval');
  });

  it('says on every button that needs it that the action is confirmed in the extension window', () => {
    const reader = eligibleExchange({
      key: 'role:reader:/',
      targetId: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
      displayName: 'Global Reader',
    });
    const { container } = show([...viaGroupScenario(55, 5), reader], { oneClickDeactivate: false });
    const described = [...container.querySelectorAll('button[aria-description]')].map((b) =>
      b.getAttribute('aria-label'),
    );
    expect(described).toEqual([`Deactivate ${GROUP_NAME}`, `Extend ${GROUP_NAME}`, 'Activate Global Reader']);
    cleanup();
    const proven = show(viaGroupScenario(55, 5), { oneClickDeactivate: true });
    expect(
      proven.container.querySelector(`button[aria-label="Deactivate ${GROUP_NAME}"]`)?.hasAttribute('aria-description'),
    ).toBe(false);
  });
});

describe('Badge on the Azure portal', () => {
  it("names an Azure role's scope, so the same role at two scopes cannot be mistaken", () => {
    const azure = portalForUrl('https://portal.azure.com/#home')!;
    const owner = (key: string, scopeName: string) =>
      assignment({
        key,
        kind: 'azure',
        state: 'eligible',
        displayName: 'Owner',
        scopeName,
      });
    const { container } = show(
      [owner('azure:owner:mg', 'Contoso Platform'), owner('azure:owner:rg', 'Contoso Prod › rg-web')],
      {
        portalName: azure.name,
        model: badgeModel({
          assignments: [owner('azure:owner:mg', 'Contoso Platform'), owner('azure:owner:rg', 'Contoso Prod › rg-web')],
          portal: azure,
          pref: DEFAULT_PORTAL_PREF,
          now: NOW,
          pageLoadedAt: NOW - 60 * MIN,
        }),
      },
    );
    expect([...container.querySelectorAll('[data-testid="badge-scope"]')].map((e) => e.textContent)).toEqual([
      'Contoso Platform',
      'Contoso Prod › rg-web',
    ]);
  });
});
