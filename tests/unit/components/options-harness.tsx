/**
 * Mounts the options page with its templates / bundles / activity sections on an in-memory store that behaves like
 * the entrypoint's storage wiring: a save resolves, then the new value comes back as props.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import type { EffectiveAccount } from '../../../lib/accounts';
import { useState } from 'preact/hooks';
import { expect, vi } from 'vitest';
import { OptionsView, type LibraryProps } from '../../../components/options/OptionsView';
import type { Bundle } from '../../../lib/pim/bundles';
import type { Assignment } from '../../../lib/pim/model';
import type { Template, TemplateLibrary } from '../../../lib/pim/templates';
import type { ActivityEntry } from '../../../lib/storage';
import { FORMAT, NOW } from './fixtures';

export interface LibraryState {
  templates: Template[];
  bundles: Bundle[];
  activity: ActivityEntry[];
}

export function mountLibrary(
  init: Partial<LibraryState> & {
    assignments?: Assignment[] | null;
    /** Several accounts (issue 16): the options page edits `selected`. */
    accounts?: { list: EffectiveAccount[]; selected: string };
  } = {},
  overrides: Partial<Pick<LibraryProps, 'onSaveTemplates' | 'onSaveBundles' | 'onImport' | 'onClearActivity'>> = {},
) {
  const state: LibraryState = {
    templates: init.templates ?? [],
    bundles: init.bundles ?? [],
    activity: init.activity ?? [],
  };
  let push: (s: LibraryState) => void = () => {};
  const update = (patch: Partial<LibraryState>) => {
    Object.assign(state, patch);
    push({ ...state });
  };
  let ids = 0;
  const events = {
    onSaveTemplates: vi.fn(overrides.onSaveTemplates ?? (async (templates: Template[]) => update({ templates }))),
    onSaveBundles: vi.fn(overrides.onSaveBundles ?? (async (bundles: Bundle[]) => update({ bundles }))),
    onImport: vi.fn(overrides.onImport ?? (async (lib: TemplateLibrary) => update(lib))),
    onClearActivity: vi.fn(overrides.onClearActivity ?? (async () => update({ activity: [] }))),
    onDownload: vi.fn(),
  };
  function App() {
    const [s, setS] = useState<LibraryState>({ ...state });
    push = setS;
    return (
      <OptionsView
        connection={null}
        auth={{ status: 'signed-out', account: null, detail: null }}
        redirectUri="https://x.chromiumapp.org/"
        onSaveConnection={async () => {}}
        onCopy={async () => {}}
        onSignIn={() => {}}
        onSignOut={() => {}}
        {...(init.accounts && {
          accounts: {
            accounts: init.accounts.list,
            selected: init.accounts.selected,
            canAdd: true,
            onSelect: () => {},
            onAdd: () => {},
            onRename: () => {},
            onMove: () => {},
            onRemove: async () => {},
          },
        })}
        library={{
          ...s,
          assignments: init.assignments === undefined ? null : init.assignments,
          sampleRole: 'Exchange Administrator',
          now: () => new Date(NOW),
          format: FORMAT,
          newId: () => `new-${++ids}`,
          ...events,
        }}
      />
    );
  }
  render(<App />);
  return { state, events };
}

export const field = (label: string | RegExp) => screen.getByLabelText(label) as HTMLInputElement;
export const type = (label: string | RegExp, value: string) => fireEvent.input(field(label), { target: { value } });

/** The names in a list, in order, by data-testid (template-name / bundle-name). */
export const names = (testId: string) => screen.queryAllByTestId(testId).map((el) => el.textContent);

export async function chooseFile(input: HTMLElement, name: string, text: string) {
  const file = new File([text], name, { type: 'application/json' });
  fireEvent.change(input, { target: { files: [file] } });
  await waitFor(() =>
    expect(screen.queryByTestId('import-error') ?? screen.queryByTestId('import-plan')).not.toBeNull(),
  );
}

export const template = (over: Partial<Template> & Pick<Template, 'id' | 'name'>): Template => ({
  justification: `Work for {role}: ${over.name}`,
  ...over,
});
