import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { installMessages } from './fixtures';
import { press } from './keyboard';
import { field, mountLibrary, names, template, type } from './options-harness';

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});
afterEach(cleanup);

const section = () => screen.getByTestId('templates');
const item = (name: string) =>
  screen.getAllByTestId('template-item').find((li) => within(li).queryByTestId('template-name')?.textContent === name)!;
const editor = () => screen.getByTestId('template-editor');
const save = () => press(within(editor()).getByTestId('template-save'), 'Enter');

const THREE = [
  template({ id: 'a', name: 'Alpha' }),
  template({ id: 'b', name: 'Bravo' }),
  template({ id: 'c', name: 'Charlie' }),
];

describe('templates: create', () => {
  it('creates a template from the form, trimmed, with ticket and duration, and lists it', async () => {
    const { events, state } = mountLibrary();
    expect(section().textContent).toContain('No templates yet.');
    press(screen.getByTestId('template-new'), 'Enter');
    expect(document.activeElement).toBe(field('Name'));
    type('Name', '  Mail flow change ');
    type('Justification', ' Update mail flow rules for {ticket} ({role}) ');
    type('Ticket system (optional)', 'ServiceNow');
    type('Ticket number (optional)', 'CHG0042');
    fireEvent.change(field('Default duration'), { target: { value: '60' } });
    save();
    await waitFor(() => expect(names('template-name')).toEqual(['Mail flow change']));
    expect(events.onSaveTemplates).toHaveBeenCalledOnce();
    expect(state.templates).toEqual([
      {
        id: 'new-1',
        name: 'Mail flow change',
        justification: 'Update mail flow rules for {ticket} ({role})',
        ticketSystem: 'ServiceNow',
        ticketNumber: 'CHG0042',
        durationMinutes: 60,
      },
    ]);
    expect(screen.queryByTestId('template-editor')).toBeNull();
    expect(item('Mail flow change').textContent).toContain('Ticket ServiceNow CHG0042 · 1 h');
    // The keyboard lands on the new item's Edit button.
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-label')).toBe('Edit Mail flow change'));
  });

  it('a custom duration in minutes is kept; empty optional fields are left out', async () => {
    const { state } = mountLibrary();
    fireEvent.click(screen.getByTestId('template-new'));
    type('Name', 'Short one');
    type('Justification', 'Reset a user password for the help desk');
    fireEvent.change(field('Default duration'), { target: { value: 'custom' } });
    type('minutes', '45');
    save();
    await waitFor(() => expect(state.templates).toHaveLength(1));
    expect(state.templates[0]).toEqual({
      id: 'new-1',
      name: 'Short one',
      justification: 'Reset a user password for the help desk',
      durationMinutes: 45,
    });
  });

  it('Cancel and Escape close the editor without saving', () => {
    const { events } = mountLibrary();
    fireEvent.click(screen.getByTestId('template-new'));
    type('Name', 'Draft');
    press(screen.getByTestId('template-cancel'), 'Enter');
    expect(screen.queryByTestId('template-editor')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('template-new'));
    fireEvent.click(screen.getByTestId('template-new'));
    fireEvent.keyDown(field('Name'), { key: 'Escape' });
    expect(screen.queryByTestId('template-editor')).toBeNull();
    expect(events.onSaveTemplates).not.toHaveBeenCalled();
  });
});

describe('templates: validation', () => {
  it('empty name and reason: messages under the fields, focus on the first, nothing saved', () => {
    const { events } = mountLibrary();
    fireEvent.click(screen.getByTestId('template-new'));
    save();
    expect(screen.getByTestId('template-name-error').textContent).toBe('Name is empty.');
    expect(screen.getByTestId('template-justification-error').textContent).toBe(
      'Enter the reason approvers and auditors will read.',
    );
    expect(field('Name').getAttribute('aria-invalid')).toBe('true');
    expect(field('Name').getAttribute('aria-describedby')).toBe('template-name-error');
    expect(document.activeElement).toBe(field('Name'));
    expect(editor().textContent).toContain('Fix the marked fields, then save.');
    expect(events.onSaveTemplates).not.toHaveBeenCalled();
  });

  it.each([
    ['501 characters', 'x'.repeat(501), 'The reason is 501 characters long; shorten it to 500 or fewer.'],
    [
      'a bell character',
      'Fix mail\u0007 flow',
      'The reason contains invisible control characters (often from a paste); retype it or remove them.',
    ],
    [
      'a bidi override',
      'Routine \u202Emaintenance',
      'The reason contains invisible control characters (often from a paste); retype it or remove them.',
    ],
  ])('a reason with %s is rejected', (_, text, message) => {
    const { events } = mountLibrary();
    fireEvent.click(screen.getByTestId('template-new'));
    type('Name', 'Bad');
    type('Justification', text);
    save();
    expect(screen.getByTestId('template-justification-error').textContent).toBe(message);
    expect(events.onSaveTemplates).not.toHaveBeenCalled();
  });

  it('a name already used (case-insensitive) is rejected; the template itself may keep its name', async () => {
    const { events, state } = mountLibrary({ templates: THREE });
    fireEvent.click(screen.getByTestId('template-new'));
    type('Name', ' bravo ');
    type('Justification', 'Something else entirely');
    save();
    expect(screen.getByTestId('template-name-error').textContent).toBe('"bravo" is already used. Choose another name.');
    expect(events.onSaveTemplates).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('template-cancel'));
    fireEvent.click(within(item('Bravo')).getByRole('button', { name: 'Edit Bravo' }));
    type('Justification', 'Bravo reason, edited');
    save();
    await waitFor(() => expect(state.templates[1]?.justification).toBe('Bravo reason, edited'));
  });

  it('a custom duration outside 5–1440 minutes or not a number blocks saving', () => {
    mountLibrary();
    fireEvent.click(screen.getByTestId('template-new'));
    type('Name', 'Timed');
    type('Justification', 'Rotate the signing certificate');
    fireEvent.change(field('Default duration'), { target: { value: 'custom' } });
    type('minutes', '3');
    save();
    expect(screen.getByTestId('template-duration-error').textContent).toBe(
      'Default duration must be at least 5 minutes.',
    );
    type('minutes', '2000');
    expect(screen.getByTestId('template-duration-error').textContent).toBe(
      'Default duration must be at most 24 hours (1440 minutes).',
    );
    type('minutes', '');
    expect(screen.getByTestId('template-duration-error').textContent).toBe(
      'Enter the duration as whole minutes, from 5 to 1440.',
    );
  });

  it('a one-word reason is a warning, not an error: it saves', async () => {
    const { state } = mountLibrary();
    fireEvent.click(screen.getByTestId('template-new'));
    type('Name', 'Daily');
    type('Justification', 'BAU');
    expect(screen.getByTestId('template-warnings').textContent).toContain(
      '"BAU" says little to an approver or auditor',
    );
    save();
    await waitFor(() => expect(state.templates.map((x) => x.justification)).toEqual(['BAU']));
  });

  it('a failed write keeps the editor open and says why', async () => {
    const { state } = mountLibrary(
      {},
      { onSaveTemplates: vi.fn(async () => Promise.reject(new Error('Storage quota exceeded.'))) },
    );
    fireEvent.click(screen.getByTestId('template-new'));
    type('Name', 'Kept');
    type('Justification', 'Review sign-in logs for the incident');
    save();
    await waitFor(() => expect(editor().textContent).toContain("Couldn't save: Storage quota exceeded. Try again."));
    expect(state.templates).toEqual([]);
  });
});

describe('templates: preview', () => {
  it('fills {role}, {group}, {date} and {ticket} live, as the popup will', () => {
    mountLibrary();
    fireEvent.click(screen.getByTestId('template-new'));
    const preview = screen.getByTestId('template-preview');
    expect(preview.textContent).toBe('The filled-in reason appears here.');
    expect(screen.getByText('Preview for Exchange Administrator')).toBeTruthy();
    type('Justification', '{role} / {group} on {date} for {ticket}');
    expect(preview.textContent).toBe('Exchange Administrator / Exchange Administrator on 22 Nov 2026 for {ticket}');
    expect(editor().textContent).toContain('{ticket} is filled with the ticket number below');
    type('Ticket number (optional)', 'INC0099');
    expect(preview.textContent).toBe('Exchange Administrator / Exchange Administrator on 22 Nov 2026 for INC0099');
  });

  it('warns about unknown placeholders, which are sent as typed', () => {
    mountLibrary();
    fireEvent.click(screen.getByTestId('template-new'));
    type('Justification', 'Fix {reason} for {role}');
    expect(screen.getByTestId('template-preview').textContent).toBe('Fix {reason} for Exchange Administrator');
    expect(screen.getByTestId('template-warnings').textContent).toContain(
      '{reason} is not a placeholder and will be sent as typed. Use {role} {group} {date} {ticket}.',
    );
  });
});

describe('templates: edit, delete, reorder', () => {
  it('edits in place: same id, same position', async () => {
    const { state } = mountLibrary({ templates: THREE });
    press(within(item('Bravo')).getByRole('button', { name: 'Edit Bravo' }), 'Enter');
    expect(field('Name').value).toBe('Bravo');
    type('Name', 'Bravo 2');
    save();
    await waitFor(() => expect(names('template-name')).toEqual(['Alpha', 'Bravo 2', 'Charlie']));
    expect(state.templates[1]).toEqual({ ...THREE[1], name: 'Bravo 2' });
  });

  it('deletes only after confirmation; Cancel keeps it', async () => {
    const { events, state } = mountLibrary({ templates: THREE });
    press(within(item('Bravo')).getByRole('button', { name: 'Delete Bravo' }), 'Enter');
    const confirm = screen.getByTestId('template-delete');
    expect(confirm.textContent).toContain('Delete the template "Bravo"?');
    // The safe choice has focus.
    expect(document.activeElement).toBe(screen.getByTestId('template-delete-cancel'));
    press(screen.getByTestId('template-delete-cancel'), 'Enter');
    expect(screen.queryByTestId('template-delete')).toBeNull();
    expect(events.onSaveTemplates).not.toHaveBeenCalled();

    fireEvent.click(within(item('Bravo')).getByRole('button', { name: 'Delete Bravo' }));
    press(screen.getByTestId('template-delete-confirm'), 'Enter');
    await waitFor(() => expect(names('template-name')).toEqual(['Alpha', 'Charlie']));
    expect(state.templates.map((x) => x.id)).toEqual(['a', 'c']);
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-label')).toBe('Edit Charlie'));
  });

  it('says which bundles use a template before deleting it', () => {
    mountLibrary({ templates: THREE, bundles: [{ id: 'k', name: 'Kit', items: ['role:r1:/'], templateId: 'a' }] });
    fireEvent.click(within(item('Alpha')).getByRole('button', { name: 'Delete Alpha' }));
    expect(screen.getByTestId('template-delete').textContent).toContain(
      '1 bundle uses it and will ask for a reason instead.',
    );
  });

  it('moves up and down with the keyboard, keeping focus on the moved template', async () => {
    const { state } = mountLibrary({ templates: THREE });
    const up = (name: string) =>
      within(item(name)).getByRole('button', { name: `Move ${name} up` }) as HTMLButtonElement;
    const down = (name: string) =>
      within(item(name)).getByRole('button', { name: `Move ${name} down` }) as HTMLButtonElement;
    expect(up('Alpha').disabled).toBe(true);
    expect(down('Charlie').disabled).toBe(true);

    press(down('Alpha'), 'Enter');
    await waitFor(() => expect(names('template-name')).toEqual(['Bravo', 'Alpha', 'Charlie']));
    expect(state.templates.map((x) => x.id)).toEqual(['b', 'a', 'c']);
    await waitFor(() => expect(document.activeElement).toBe(down('Alpha')));

    press(down('Alpha'), ' ');
    await waitFor(() => expect(names('template-name')).toEqual(['Bravo', 'Charlie', 'Alpha']));
    // At the bottom, Move down is disabled: the keyboard moves to Move up instead of being dropped.
    await waitFor(() => expect(document.activeElement).toBe(up('Alpha')));

    press(up('Charlie'), 'Enter');
    await waitFor(() => expect(names('template-name')).toEqual(['Charlie', 'Bravo', 'Alpha']));
  });
});
