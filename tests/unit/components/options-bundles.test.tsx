import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { assignment, installMessages } from './fixtures';
import { press } from './keyboard';
import { field, mountLibrary, names, template, type } from './options-harness';

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});
afterEach(cleanup);

const EXCHANGE = 'role:exch:/';
const TEAMS = 'role:teams:/';
const AU_HELPDESK = 'role:helpdesk:/administrativeUnits/au1';
const GROUP = 'group:g1:member';
const ASSIGNMENTS = [
  assignment({ key: EXCHANGE, displayName: 'Exchange Administrator' }),
  // The same eligibility twice (directly and through a group) is one choice.
  assignment({ key: EXCHANGE, displayName: 'Exchange Administrator', memberType: 'group' }),
  assignment({ key: TEAMS, displayName: 'Teams Administrator' }),
  assignment({
    key: AU_HELPDESK,
    displayName: 'Helpdesk Administrator',
    directoryScopeId: '/administrativeUnits/au1',
    scopeName: 'Paris office',
  }),
  assignment({ key: GROUP, kind: 'group', displayName: 'PIM Exchange Ops', accessId: 'member' }),
  // Active only (no eligibility): not a choice.
  assignment({ key: 'role:ga:/', displayName: 'Global Administrator', state: 'active', assignmentType: 'Assigned' }),
];
const TEMPLATES = [template({ id: 'tpl1', name: 'Mail flow' })];

const choice = (name: string) => screen.getAllByTestId('bundle-choice').find((el) => el.textContent?.includes(name))!;
const check = (name: string) => fireEvent.click(within(choice(name)).getByRole('checkbox'));
const save = () => press(screen.getByTestId('bundle-save'), 'Enter');

describe('bundle editor', () => {
  it('offers the eligible roles and groups once each, by name and scope', () => {
    mountLibrary({ assignments: ASSIGNMENTS, templates: TEMPLATES });
    press(screen.getByTestId('bundle-new'), 'Enter');
    expect(document.activeElement).toBe(field('Name'));
    expect(screen.getAllByTestId('bundle-choice').map((el) => el.textContent)).toEqual([
      'Exchange AdministratorRole · Tenant-wide',
      'Helpdesk AdministratorRole · Paris office',
      'Teams AdministratorRole · Tenant-wide',
      'PIM Exchange OpsGroup · Member',
    ]);
  });

  it('saves the picked keys, the template and the duration', async () => {
    const { events, state } = mountLibrary({ assignments: ASSIGNMENTS, templates: TEMPLATES });
    fireEvent.click(screen.getByTestId('bundle-new'));
    type('Name', ' Exchange kit ');
    check('PIM Exchange Ops');
    check('Exchange Administrator');
    check('Helpdesk Administrator');
    fireEvent.change(screen.getByLabelText('Reason template'), { target: { value: 'tpl1' } });
    fireEvent.change(field('Default duration'), { target: { value: '120' } });
    save();
    await waitFor(() => expect(names('bundle-name')).toEqual(['Exchange kit']));
    expect(events.onSaveBundles).toHaveBeenCalledOnce();
    expect(state.bundles).toEqual([
      {
        id: 'new-1',
        name: 'Exchange kit',
        items: [EXCHANGE, AU_HELPDESK, GROUP],
        templateId: 'tpl1',
        durationMinutes: 120,
      },
    ]);
    const row = screen.getByTestId('bundle-item');
    expect(row.textContent).toContain('Exchange Administrator, Helpdesk Administrator, PIM Exchange Ops');
    expect(row.textContent).toContain('Template: Mail flow · 2 h');
  });

  it('needs a name and at least one item', () => {
    const { events } = mountLibrary({ assignments: ASSIGNMENTS });
    fireEvent.click(screen.getByTestId('bundle-new'));
    save();
    expect(screen.getByTestId('bundle-name-error').textContent).toBe('Name is empty.');
    expect(screen.getByTestId('bundle-items-error').textContent).toBe('The bundle needs at least one role or group.');
    expect(events.onSaveBundles).not.toHaveBeenCalled();
  });

  it('without a snapshot, says how to get one', () => {
    mountLibrary({ assignments: null });
    expect(screen.getByTestId('bundles').textContent).toContain('Sign in and open the popup once');
    fireEvent.click(screen.getByTestId('bundle-new'));
    expect(screen.getByTestId('bundle-editor').textContent).toContain('No eligible roles or groups are known yet.');
  });

  it('edits: an item that is no longer eligible stays listed and can be removed', async () => {
    const bundle = { id: 'b1', name: 'Kit', items: [TEAMS, 'role:gone:/'], durationMinutes: 45 };
    const { state } = mountLibrary({ assignments: ASSIGNMENTS, bundles: [bundle] });
    expect(screen.getByTestId('bundle-item').textContent).toContain('Teams Administrator, role:gone:/');
    press(within(screen.getByTestId('bundle-item')).getByRole('button', { name: 'Edit Kit' }), 'Enter');
    expect(choice('role:gone:/').textContent).toContain('Not eligible right now');
    expect((within(choice('role:gone:/')).getByRole('checkbox') as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText('minutes') as HTMLInputElement).value).toBe('45');
    check('role:gone:/');
    check('Exchange Administrator');
    save();
    await waitFor(() =>
      expect(state.bundles).toEqual([{ id: 'b1', name: 'Kit', items: [EXCHANGE, TEAMS], durationMinutes: 45 }]),
    );
  });

  it('deletes after confirmation only', async () => {
    const { state, events } = mountLibrary({
      bundles: [
        { id: 'b1', name: 'Kit', items: [TEAMS] },
        { id: 'b2', name: 'Other', items: [GROUP] },
      ],
    });
    fireEvent.click(screen.getByRole('button', { name: 'Delete Kit' }));
    expect(screen.getByTestId('bundle-delete').textContent).toContain('Delete the bundle "Kit"?');
    fireEvent.keyDown(screen.getByTestId('bundle-delete-cancel'), { key: 'Escape' });
    expect(screen.queryByTestId('bundle-delete')).toBeNull();
    expect(events.onSaveBundles).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Delete Kit' }));
    press(screen.getByTestId('bundle-delete-confirm'), 'Enter');
    await waitFor(() => expect(state.bundles.map((b) => b.id)).toEqual(['b2']));
    expect(names('bundle-name')).toEqual(['Other']);
  });
});

describe('templates and bundles per account (issue 16)', () => {
  const ACCOUNTS = {
    list: [
      { id: 'a1', label: 'Contoso', colour: 'blue' as const, connection: null, managed: false },
      { id: 'a2', label: 'Fabrikam', colour: 'green' as const, connection: null, managed: false },
    ],
    selected: 'a2',
  };

  it("makes a new bundle for the account being edited (its keys are that account's), and can share it", async () => {
    const { state } = mountLibrary({ assignments: ASSIGNMENTS, accounts: ACCOUNTS });
    fireEvent.click(screen.getByTestId('bundle-new'));
    expect((field('Use for') as unknown as HTMLSelectElement).value).toBe('a2');
    type('Name', 'Fabrikam kit');
    check('Teams Administrator');
    save();
    await waitFor(() => expect(state.bundles).toHaveLength(1));
    expect(state.bundles[0]).toMatchObject({ name: 'Fabrikam kit', accountId: 'a2' });

    fireEvent.click(screen.getByTestId('bundle-new'));
    type('Name', 'Everyone kit');
    check('Teams Administrator');
    fireEvent.change(field('Use for'), { target: { value: '' } });
    save();
    await waitFor(() => expect(state.bundles).toHaveLength(2));
    expect(state.bundles[1]).not.toHaveProperty('accountId');
  });

  it('shows no account choice with a single account', () => {
    mountLibrary({ assignments: ASSIGNMENTS });
    fireEvent.click(screen.getByTestId('bundle-new'));
    expect(screen.queryByLabelText('Use for')).toBeNull();
  });
});
