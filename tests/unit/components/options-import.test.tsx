import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { t } from '../../../lib/i18n';
import { exportLibrary, parseImport } from '../../../lib/pim/templates';
import { installMessages } from './fixtures';
import { press } from './keyboard';
import { chooseFile, mountLibrary, names, template } from './options-harness';

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});
afterEach(cleanup);

const importInput = () => screen.getByTestId('templates-import');
const file = (body: object) => JSON.stringify({ format: 'pim-companion-templates', version: 1, ...body });

const EXISTING = [
  template({ id: 't1', name: 'Mail flow', justification: 'Old mail flow reason' }),
  template({ id: 't2', name: 'Password reset' }),
];
const BUNDLES = [{ id: 'b1', name: 'Exchange kit', items: ['role:r1:/', 'group:g1:member'] }];

describe('export', () => {
  it('downloads pim-companion-templates.json with the templates and bundles, which imports back', () => {
    const { events } = mountLibrary({ templates: EXISTING, bundles: BUNDLES });
    press(screen.getByTestId('templates-export'), 'Enter');
    expect(events.onDownload).toHaveBeenCalledOnce();
    const [download] = events.onDownload.mock.calls[0]!;
    expect(download).toEqual({
      name: 'pim-companion-templates.json',
      type: 'application/json',
      text: exportLibrary({ templates: EXISTING, bundles: BUNDLES }),
    });
    expect(parseImport(download.text, t)).toEqual({ ok: true, data: { templates: EXISTING, bundles: BUNDLES } });
  });
});

describe('import: a bad file changes nothing', () => {
  it.each([
    [
      'a reason over 500 characters',
      file({ templates: [{ id: 'x', name: 'Long', justification: 'y'.repeat(501) }] }),
      'templates[0].justification: is longer than 500 characters',
    ],
    [
      'a bundle without items',
      file({ bundles: [{ id: 'k', name: 'Empty kit', items: [] }] }),
      'bundles[0].items: needs at least one role or group',
    ],
    [
      'another file format',
      JSON.stringify({ format: 'something-else', version: 1 }),
      'format: is not "pim-companion-templates"',
    ],
    ['not JSON', '{"format": "pim-companion-templates", ', 'The file is not valid JSON'],
  ])('%s: rejected with the reason and the place', async (_, text, reason) => {
    const { events, state } = mountLibrary({ templates: EXISTING, bundles: BUNDLES });
    await chooseFile(importInput(), 'shared.json', text);
    const error = screen.getByTestId('import-error');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toContain('"shared.json" was not imported');
    expect(screen.getByTestId('import-error-reason').textContent).toContain(reason);
    expect(error.textContent).toContain('Nothing was changed.');
    expect(screen.queryByTestId('import-plan')).toBeNull();
    expect(events.onImport).not.toHaveBeenCalled();
    expect(events.onSaveTemplates).not.toHaveBeenCalled();
    expect(events.onSaveBundles).not.toHaveBeenCalled();
    expect(state.templates).toBe(EXISTING);
    expect(names('template-name')).toEqual(['Mail flow', 'Password reset']);
  });
});

describe('import: a good file asks first', () => {
  const incoming = file({
    templates: [
      { id: 'other-id', name: 'mail flow', justification: 'New mail flow reason for {ticket}' },
      { id: 't9', name: 'Sign-in review', justification: 'Review risky sign-ins for {role}' },
    ],
    bundles: [{ id: 'b2', name: 'Teams kit', items: ['role:r2:/'] }],
  });

  it('shows what is new and what would be overwritten; Cancel leaves everything as it was', async () => {
    const { events, state } = mountLibrary({ templates: EXISTING, bundles: BUNDLES });
    await chooseFile(importInput(), 'team.json', incoming);
    const plan = screen.getByTestId('import-plan');
    expect(plan.textContent).toContain('Import "team.json"?');
    expect(
      within(screen.getByTestId('import-plan-templates-added'))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Sign-in review']);
    expect(
      within(screen.getByTestId('import-plan-templates-overwritten'))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['mail flow (replaces Mail flow)']);
    expect(
      within(screen.getByTestId('import-plan-bundles-added'))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Teams kit']);
    expect(screen.getByTestId('import-confirm').textContent).toBe('Import and overwrite 1');
    // Nothing is written while the user reads the plan.
    expect(events.onImport).not.toHaveBeenCalled();

    press(screen.getByTestId('import-cancel'), 'Enter');
    expect(screen.queryByTestId('import-plan')).toBeNull();
    expect(events.onImport).not.toHaveBeenCalled();
    expect(state.templates).toBe(EXISTING);
    expect(state.bundles).toBe(BUNDLES);
  });

  it('applies after confirmation: overwritten in place, new ones appended', async () => {
    const { events, state } = mountLibrary({ templates: EXISTING, bundles: BUNDLES });
    await chooseFile(importInput(), 'team.json', incoming);
    press(screen.getByTestId('import-confirm'), 'Enter');
    await waitFor(() =>
      expect(screen.getByTestId('import-done').textContent).toBe('Imported 2 templates and 1 bundle.'),
    );
    expect(events.onImport).toHaveBeenCalledOnce();
    expect(state.templates).toEqual([
      { id: 'other-id', name: 'mail flow', justification: 'New mail flow reason for {ticket}' },
      EXISTING[1],
      { id: 't9', name: 'Sign-in review', justification: 'Review risky sign-ins for {role}' },
    ]);
    expect(state.bundles).toEqual([...BUNDLES, { id: 'b2', name: 'Teams kit', items: ['role:r2:/'] }]);
    expect(names('template-name')).toEqual(['mail flow', 'Password reset', 'Sign-in review']);
    expect(names('bundle-name')).toEqual(['Exchange kit', 'Teams kit']);
  });

  it('a file with only new entries offers a plain Import; the same file can be chosen again afterwards', async () => {
    const { state } = mountLibrary();
    const only = file({ templates: [{ id: 'n1', name: 'New one', justification: 'Grant access for the migration' }] });
    await chooseFile(importInput(), 'new.json', only);
    expect(screen.getByTestId('import-confirm').textContent).toBe('Import');
    fireEvent.click(screen.getByTestId('import-confirm'));
    await waitFor(() => expect(state.templates.map((x) => x.id)).toEqual(['n1']));
    expect((importInput() as HTMLInputElement).value).toBe('');
  });

  it('an empty library file says so and has nothing to confirm', async () => {
    mountLibrary({ templates: EXISTING });
    await chooseFile(importInput(), 'empty.json', file({}));
    expect(screen.getByTestId('import-plan').textContent).toContain('The file has no templates or bundles.');
    expect(screen.queryByTestId('import-confirm')).toBeNull();
  });
});
