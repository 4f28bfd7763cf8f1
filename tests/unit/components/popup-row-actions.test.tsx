import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { renderPopup, rowOf } from './activation-fixtures';
import { assignment, DAY_MS, installMessages, iso, MIN, NOW } from './fixtures';
import { press } from './keyboard';

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});
afterEach(cleanup);

const activated = (overrides: Parameters<typeof assignment>[0]) =>
  assignment({
    state: 'active',
    assignmentType: 'Activated',
    startDateTime: iso(NOW - 2 * MIN),
    endDateTime: iso(NOW + 58 * MIN),
    ...overrides,
  });

describe('pending', () => {
  it('Cancel withdraws the request', async () => {
    const pending = assignment({
      key: 'role:ga:/',
      state: 'pending',
      displayName: 'Global Administrator',
      status: 'PendingApproval',
    });
    const { actions } = renderPopup({ assignments: [pending] });
    press(within(rowOf(pending.key, 'pending')).getByTestId('cancel'), 'Enter');
    expect(actions.cancel).toHaveBeenCalledWith(pending.key);
    expect(await within(rowOf(pending.key, 'pending')).findByTestId('result')).toBeTruthy();
  });
});

describe('deactivate', () => {
  const EXO = activated({ key: 'role:exo:/', displayName: 'Exchange Administrator' });

  it('is greyed with the time it becomes available until 5 minutes after the start, then works', () => {
    let now = NOW;
    const { actions, rerenderWith } = renderPopup({ assignments: [EXO], clock: () => now });
    const button = () => within(rowOf(EXO.key, 'active')).getByTestId('deactivate') as HTMLButtonElement;
    expect(button().disabled).toBe(true);
    expect(within(rowOf(EXO.key, 'active')).getByTestId('deactivate-reason').textContent).toBe(
      'Available at 14:03 — PIM needs 5 minutes',
    );
    expect(button().getAttribute('aria-describedby')).toBe(
      within(rowOf(EXO.key, 'active')).getByTestId('deactivate-reason').id,
    );

    now = NOW + 3 * MIN;
    rerenderWith({ clock: () => now });
    expect(button().disabled).toBe(false);
    expect(within(rowOf(EXO.key, 'active')).queryByTestId('deactivate-reason')).toBeNull();
    fireEvent.click(button());
    expect(actions.deactivate).toHaveBeenCalledWith(EXO.key);
  });

  it.each([
    ['standing (Assigned)', { assignmentType: 'Assigned' as const }],
    ['held through a group', { memberType: 'group' as const }],
  ])('is not offered for an assignment %s', (_, overrides) => {
    const a = activated({ key: 'role:x:/', ...overrides, startDateTime: iso(NOW - 60 * MIN) });
    renderPopup({ assignments: [a] });
    expect(within(rowOf(a.key, 'active')).queryByTestId('deactivate')).toBeNull();
  });
});

describe('extend', () => {
  it('is offered only in the last 15 minutes, and asks for the policy default', () => {
    const soon = activated({
      key: 'role:soon:/',
      displayName: 'Teams Administrator',
      startDateTime: iso(NOW - 50 * MIN),
      endDateTime: iso(NOW + 10 * MIN),
    });
    const later = activated({
      key: 'role:later:/',
      displayName: 'SharePoint Administrator',
      startDateTime: iso(NOW - 50 * MIN),
      endDateTime: iso(NOW + 40 * MIN),
    });
    const { actions } = renderPopup({ assignments: [soon, later] });
    expect(within(rowOf(later.key, 'active')).queryByTestId('extend')).toBeNull();
    fireEvent.click(within(rowOf(soon.key, 'active')).getByTestId('extend'));
    expect(actions.extend).toHaveBeenCalledWith(soon.key);
  });
});

describe('request extension', () => {
  const ROLE = assignment({
    key: 'role:hd:/',
    displayName: 'Helpdesk Administrator',
    endDateTime: iso(NOW + 5 * DAY_MS),
  });
  const GROUP = assignment({
    key: 'group:g:member',
    kind: 'group',
    accessId: 'member',
    displayName: 'PIM-Helpdesk',
    endDateTime: iso(NOW + 5 * DAY_MS),
  });
  const FAR = assignment({ key: 'role:far:/', displayName: 'Security Reader', endDateTime: iso(NOW + 60 * DAY_MS) });

  it('is offered for a role eligibility ending within 14 days, not for groups or later ends', () => {
    renderPopup({ assignments: [ROLE, GROUP, FAR] });
    expect(within(rowOf(ROLE.key)).getByTestId('request-extension')).toBeTruthy();
    expect(within(rowOf(GROUP.key)).getByTestId('eligibility-warning')).toBeTruthy();
    expect(within(rowOf(GROUP.key)).queryByTestId('request-extension')).toBeNull();
    expect(within(rowOf(FAR.key)).queryByTestId('request-extension')).toBeNull();
  });

  it('asks for a reason and sends it', async () => {
    const { actions } = renderPopup({ assignments: [ROLE] });
    press(within(rowOf(ROLE.key)).getByTestId('request-extension'), 'Enter');
    const f = screen.getByTestId('extension-form');
    expect(document.activeElement).toBe(within(f).getByTestId('justification'));
    fireEvent.click(within(f).getByTestId('extension-submit'));
    expect(within(f).getByTestId('justification-error').textContent).toBe('Enter a reason for the activation.');
    expect(actions.requestExtension).not.toHaveBeenCalled();
    fireEvent.input(within(f).getByTestId('justification'), {
      target: { value: 'Still on the helpdesk rota until March' },
    });
    fireEvent.click(within(f).getByTestId('extension-submit'));
    expect(actions.requestExtension).toHaveBeenCalledWith(ROLE.key, 'Still on the helpdesk rota until March');
    await waitFor(() => expect(screen.queryByTestId('extension-form')).toBeNull());
  });

  it('Escape closes it and returns focus to the button', () => {
    renderPopup({ assignments: [ROLE] });
    const button = within(rowOf(ROLE.key)).getByTestId('request-extension');
    press(button, 'Enter');
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByTestId('extension-form')).toBeNull();
    expect(document.activeElement).toBe(within(rowOf(ROLE.key)).getByTestId('request-extension'));
  });
});
