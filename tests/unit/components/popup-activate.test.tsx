import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Bundle } from '../../../lib/pim/bundles';
import { OTHER_TEMPLATE, policy, renderPopup, result, rowOf, TEMPLATE } from './activation-fixtures';
import { assignment, installMessages } from './fixtures';
import { press } from './keyboard';

const EXO = assignment({ key: 'role:exo:/', displayName: 'Exchange Administrator' });
const TEAMS = assignment({ key: 'role:teams:/', displayName: 'Teams Administrator' });
const GROUP = assignment({
  key: 'group:msg:member',
  kind: 'group',
  accessId: 'member',
  displayName: 'PIM-Messaging-Admins',
});
const REMEMBERED = {
  templateId: TEMPLATE.id,
  durationMinutes: 60,
  ticketNumber: null,
  ticketSystem: null,
  justification: null,
};

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});
afterEach(cleanup);

const activateButton = (key: string) => within(rowOf(key)).getByTestId('activate');

describe('one click', () => {
  it('sends {keys:[key], input:null} when the remembered template satisfies the policy, and says what it will do', async () => {
    const { actions } = renderPopup({
      assignments: [EXO],
      activation: {
        templates: [TEMPLATE],
        remembered: { [EXO.key]: REMEMBERED },
        policies: { [EXO.key]: policy({ requireJustification: true }) },
      },
    });
    const button = activateButton(EXO.key);
    expect(button.textContent).toBe('Activate · 1 h');
    expect(button.title).toContain('Daily Exchange work');
    press(button, 'Enter');
    expect(actions.activate).toHaveBeenCalledWith([EXO.key], null);
    expect(screen.queryByTestId('activation-form')).toBeNull();
    expect(await within(rowOf(EXO.key)).findByTestId('result')).toHaveProperty('textContent', 'Done.');
  });

  it('shows progress on the row while the request runs', async () => {
    let finish!: () => void;
    const { actions } = renderPopup({ assignments: [EXO], activation: { policies: { [EXO.key]: policy() } } });
    actions.activate.mockImplementation(
      (keys) => new Promise((resolve) => (finish = () => resolve(keys.map((k) => result(k, { text: 'ok' }))))),
    );
    press(activateButton(EXO.key), 'Enter');
    expect(rowOf(EXO.key).getAttribute('aria-busy')).toBe('true');
    expect(activateButton(EXO.key).querySelector('.spinner')).not.toBeNull();
    // Focus stays on the button while it works, and a second press does not send twice.
    expect(document.activeElement).toBe(activateButton(EXO.key));
    press(activateButton(EXO.key), 'Enter');
    expect(actions.activate).toHaveBeenCalledTimes(1);
    await act(async () => finish());
    expect(rowOf(EXO.key).hasAttribute('aria-busy')).toBe(false);
  });

  it('opens the short form with the first missing field focused when the policy needs more', () => {
    const { actions } = renderPopup({
      assignments: [EXO],
      activation: { policies: { [EXO.key]: policy({ requireJustification: true, requireTicket: true }) } },
    });
    expect(activateButton(EXO.key).textContent).toBe('Activate…');
    press(activateButton(EXO.key), 'Enter');
    expect(actions.activate).not.toHaveBeenCalled();
    expect(within(rowOf(EXO.key)).getByTestId('activation-form')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByTestId('justification'));
  });

  it('treats a policy not read yet as "ask for a reason"', () => {
    const { actions } = renderPopup({ assignments: [EXO] });
    fireEvent.click(activateButton(EXO.key));
    expect(actions.activate).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(screen.getByTestId('justification'));
  });

  it('opens straight into the form when the popup is asked to (popup.html?activate=<key>)', () => {
    renderPopup({
      assignments: [EXO, TEAMS],
      activation: { openFormFor: TEAMS.key, policies: { [TEAMS.key]: policy({ requireTicket: true }) } },
    });
    expect(within(rowOf(TEAMS.key)).getByTestId('activation-form')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByTestId('ticket-number'));
  });

  it('Escape closes the form and gives focus back to the Activate button', () => {
    renderPopup({ assignments: [EXO], activation: { policies: { [EXO.key]: policy({ requireTicket: true }) } } });
    press(activateButton(EXO.key), 'Enter');
    expect(document.activeElement).toBe(screen.getByTestId('ticket-number'));
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByTestId('activation-form')).toBeNull();
    expect(document.activeElement).toBe(activateButton(EXO.key));
  });
});

describe('answers per item', () => {
  it('a field answer reopens the form with that field marked and the sentence next to it', async () => {
    const { actions } = renderPopup({ assignments: [EXO], activation: { policies: { [EXO.key]: policy() } } });
    const sentence = 'Exchange Administrator needs a ticket number before it can be activated.';
    actions.activate.mockResolvedValueOnce([result(EXO.key, { kind: 'field', field: 'ticket', text: sentence })]);
    fireEvent.click(activateButton(EXO.key));
    const ticketError = await screen.findByTestId('ticket-error');
    expect(ticketError.textContent).toBe(sentence);
    expect(screen.getByTestId('ticket-number').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(screen.getByTestId('ticket-number'));

    fireEvent.input(screen.getByTestId('ticket-number'), { target: { value: 'INC-7' } });
    fireEvent.click(screen.getByTestId('activation-submit'));
    await waitFor(() => expect(screen.queryByTestId('activation-form')).toBeNull());
    expect(actions.activate).toHaveBeenLastCalledWith([EXO.key], expect.objectContaining({ ticketNumber: 'INC-7' }));
  });

  it('stepUp says to verify in the sign-in tab; state is shown as information', async () => {
    const { actions } = renderPopup({
      assignments: [EXO, TEAMS],
      activation: { policies: { [EXO.key]: policy(), [TEAMS.key]: policy() } },
    });
    actions.activate.mockResolvedValueOnce([result(EXO.key, { kind: 'stepUp', text: 'needs MFA' })]);
    actions.activate.mockResolvedValueOnce([
      result(TEAMS.key, { kind: 'state', text: 'Teams Administrator is already active.' }),
    ]);
    fireEvent.click(activateButton(EXO.key));
    fireEvent.click(activateButton(TEAMS.key));
    expect((await within(rowOf(EXO.key)).findByTestId('result')).textContent).toBe(
      'Verify your identity in the sign-in tab',
    );
    const info = await within(rowOf(TEAMS.key)).findByTestId('result');
    expect(info.textContent).toBe('Teams Administrator is already active.');
    expect(info.className).toContain('row-result-info');
    expect(screen.queryByTestId('reload-portals')).toBeNull();
  });

  it('a rejected command becomes an error on the item, not a crash', async () => {
    const { actions } = renderPopup({ assignments: [EXO], activation: { policies: { [EXO.key]: policy() } } });
    actions.activate.mockRejectedValueOnce(
      new Error("The extension's background did not answer. Reopen the window and try again."),
    );
    fireEvent.click(activateButton(EXO.key));
    const line = await within(rowOf(EXO.key)).findByTestId('result');
    expect(line.textContent).toContain('Reopen the window');
    expect(line.getAttribute('role')).toBe('alert');
  });

  it('after a successful activation offers to reload the portals', async () => {
    const { actions } = renderPopup({ assignments: [EXO], activation: { policies: { [EXO.key]: policy() } } });
    fireEvent.click(activateButton(EXO.key));
    const reload = await screen.findByTestId('reload-portals');
    expect(reload.closest('[data-notice]')!.textContent).toContain(
      'Portals may cache your roles: reload the admin center to apply',
    );
    fireEvent.click(reload);
    expect(actions.reloadPortals).toHaveBeenCalledTimes(1);
    await waitFor(() =>
      expect(document.querySelector('[data-notice="reload-portals"]')!.textContent).toContain(
        'Reloaded 2 admin center tabs.',
      ),
    );
  });

  it('no reload banner when the request only went to the approvers', async () => {
    const { actions } = renderPopup({
      assignments: [EXO],
      activation: { policies: { [EXO.key]: policy({ approvalRequired: true }) } },
    });
    actions.activate.mockResolvedValueOnce([
      result(EXO.key, { status: 'PendingApproval', text: 'Sent to the approvers.' }),
    ]);
    fireEvent.click(activateButton(EXO.key));
    await within(rowOf(EXO.key)).findByTestId('result');
    expect(screen.queryByTestId('reload-portals')).toBeNull();
  });
});

describe('multi-select', () => {
  const policies = {
    [EXO.key]: policy({ requireJustification: true, maxMinutes: 105, maxDuration: 'PT1H45M' }),
    [TEAMS.key]: policy({ requireTicket: true }),
    [GROUP.key]: policy(),
  };

  it('one form for all with the union of requirements and the shortest maximum', async () => {
    const { actions } = renderPopup({
      assignments: [EXO, TEAMS, GROUP],
      activation: { policies, templates: [OTHER_TEMPLATE] },
    });
    fireEvent.click(within(rowOf(EXO.key)).getByTestId('select'));
    fireEvent.click(within(rowOf(TEAMS.key)).getByTestId('select'));
    const bar = screen.getByTestId('selection-bar');
    const selectAll = within(bar).getByTestId('activate-selected');
    expect(selectAll.textContent).toBe('Activate 2 selected');
    press(selectAll, 'Enter');
    const f = within(bar).getByTestId('activation-form');
    expect(within(f).getByTestId('activation-targets').textContent).toBe(
      'Activating: Exchange Administrator, Teams Administrator',
    );
    expect(within(f).getByTestId('justification')).toBeTruthy();
    expect(within(f).getByTestId('ticket-number')).toBeTruthy();
    expect(f.textContent).toContain('up to 1 h 45 min');
    // The template's {role} is rendered for the preview, then left to the background per item when untouched.
    expect((within(f).getByTestId('justification') as HTMLTextAreaElement).value).toBe(
      'Incident response on Exchange Administrator, Teams Administrator',
    );
    fireEvent.input(within(f).getByTestId('ticket-number'), { target: { value: 'CHG-9' } });
    fireEvent.click(within(f).getByTestId('activation-submit'));
    expect(actions.activate).toHaveBeenCalledWith([EXO.key, TEAMS.key], {
      templateId: OTHER_TEMPLATE.id,
      justification: null,
      ticketNumber: 'CHG-9',
      ticketSystem: null,
      durationMinutes: 60,
      startAt: null,
    });
    await waitFor(() => expect(screen.queryByTestId('selection-bar')).toBeNull());
  });

  it('activates in one click when every selected item is ready', () => {
    const { actions } = renderPopup({ assignments: [EXO, TEAMS, GROUP], activation: { policies } });
    fireEvent.click(within(rowOf(GROUP.key)).getByTestId('select'));
    fireEvent.click(screen.getByTestId('activate-selected'));
    expect(actions.activate).toHaveBeenCalledWith([GROUP.key], null);
  });

  it('shows each item its own answer', async () => {
    const { actions } = renderPopup({
      assignments: [EXO, GROUP],
      activation: { policies: { [EXO.key]: policy(), [GROUP.key]: policy() } },
    });
    actions.activate.mockResolvedValueOnce([
      result(EXO.key, { status: 'Provisioned', text: 'Exchange Administrator is active.' }),
      result(GROUP.key, { kind: 'fatal', text: 'Microsoft Graph had a problem.' }),
    ]);
    fireEvent.click(within(rowOf(EXO.key)).getByTestId('select'));
    fireEvent.click(within(rowOf(GROUP.key)).getByTestId('select'));
    fireEvent.click(screen.getByTestId('activate-selected'));
    expect((await within(rowOf(EXO.key)).findByTestId('result')).textContent).toBe('Exchange Administrator is active.');
    expect(within(rowOf(GROUP.key)).getByTestId('result').textContent).toBe('Microsoft Graph had a problem.');
  });
});

describe('bundles', () => {
  const ACTIVE_TEAMS = assignment({
    key: TEAMS.key,
    state: 'active',
    displayName: 'Teams Administrator',
    assignmentType: 'Activated',
  });
  const KIT: Bundle = {
    id: 'kit',
    name: 'Teams admin kit',
    items: [EXO.key, TEAMS.key, GROUP.key],
    templateId: TEMPLATE.id,
  };

  it('lists bundles above Eligible with a preview and activates one in one click, with results per item', async () => {
    const { actions } = renderPopup({ assignments: [EXO, GROUP, ACTIVE_TEAMS, TEAMS], activation: { bundles: [KIT] } });
    const strip = screen.getByTestId('bundles');
    expect(
      strip.compareDocumentPosition(screen.getByTestId('section-eligible')) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    expect(within(strip).getByTestId('bundle-preview').textContent).toBe('2 to activate · 1 already active');
    actions.activateBundle.mockResolvedValueOnce([
      result(EXO.key, { status: 'Provisioned', text: 'Exchange Administrator is active.' }),
      result(TEAMS.key, { kind: 'state', text: 'Teams Administrator is already active.' }),
      result(GROUP.key, { kind: 'fatal', text: 'PIM refused: JustificationRule.' }),
    ]);
    press(within(strip).getByTestId('bundle-activate'), 'Enter');
    expect(actions.activateBundle).toHaveBeenCalledWith('kit');
    const list = await within(strip).findByTestId('bundle-results');
    expect([...list.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'Exchange Administrator: Exchange Administrator is active.',
      'Teams Administrator: Teams Administrator is already active.',
      'PIM-Messaging-Admins: PIM refused: JustificationRule.',
    ]);
    expect(within(rowOf(GROUP.key)).getByTestId('result').textContent).toBe('PIM refused: JustificationRule.');
    expect(screen.getByTestId('reload-portals')).toBeTruthy();
  });

  it('disables a bundle with nothing left to activate', () => {
    renderPopup({ assignments: [ACTIVE_TEAMS], activation: { bundles: [{ ...KIT, items: [TEAMS.key] }] } });
    expect((screen.getByTestId('bundle-activate') as HTMLButtonElement).disabled).toBe(true);
  });
});
