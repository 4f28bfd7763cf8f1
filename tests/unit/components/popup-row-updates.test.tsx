/**
 * Issue 18: rows learn one by one that what they show about activation changed (components/popup/rowControlsStore.ts).
 * A refresh that stores new policies updates the rows whose policy changed, and only those; many at once arrive a
 * chunk per task; a click still shows on its row at once.
 */
import { cleanup, fireEvent, render, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { ActivationProps } from '../../../components/popup/activationContext';
import { FIRST_ROWS } from '../../../components/popup/AssignmentSection';
import { PopupView, type PopupViewProps } from '../../../components/popup/PopupView';
import { NOTIFY_CHUNK } from '../../../components/popup/rowControlsStore';
import type { PolicyEntry } from '../../../lib/storage';
import { fakeActions, policy, rowOf } from './activation-fixtures';
import { assignment, CONNECTION, FORMAT, IDLE, installMessages, NOW, SIGNED_IN, snapshot } from './fixtures';

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});
afterEach(cleanup);

const ONE_CLICK = 'Activate · 1 h';
const WITH_FORM = 'Activate…';
const label = (key: string) => within(rowOf(key)).getByTestId('activate').textContent;
const rows = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    assignment({ key: `role:r${String(i).padStart(3, '0')}:/`, displayName: `Role ${String(i).padStart(3, '0')}` }),
  );
/** Policies as storage hands them back after a write: equal content, new objects. */
const policies = (keys: string[], make: () => PolicyEntry) => Object.fromEntries(keys.map((k) => [k, make()]));

function setup(n: number, initial: () => PolicyEntry) {
  const list = rows(n);
  const keys = list.map((a) => a.key);
  const actions = fakeActions();
  const activation = (p: ActivationProps['policies']): ActivationProps => ({
    templates: [],
    bundles: [],
    remembered: {},
    policies: p,
    actions,
  });
  // The props the entrypoint passes: the same callbacks and format on every render, a new snapshot object.
  const props: PopupViewProps = {
    connection: CONNECTION,
    auth: SIGNED_IN,
    snapshot: snapshot(list),
    refresh: IDLE,
    favourites: [],
    format: FORMAT,
    clock: () => NOW,
    onRefresh: vi.fn(),
    onSignIn: vi.fn(),
    onSignOut: vi.fn(),
    onOpenSettings: vi.fn(),
    onToggleFavourite: vi.fn(),
    activation: activation(policies(keys, initial)),
  };
  const view = render(<PopupView {...props} />);
  const storeNew = (p: ActivationProps['policies']) =>
    view.rerender(<PopupView {...props} snapshot={snapshot(list)} activation={activation(p)} />);
  return { keys, actions, storeNew };
}

describe('rows after new activation data', () => {
  it('a refresh that changes one policy changes that row; equal policies (new objects) leave the others as they were', async () => {
    const { keys, storeNew } = setup(3, () => policy({ maxMinutes: 60 }));
    expect(keys.map(label)).toEqual([ONE_CLICK, ONE_CLICK, ONE_CLICK]);
    const next = policies(keys, () => policy({ maxMinutes: 60 }));
    next[keys[1]!] = policy({ maxMinutes: 60, requireJustification: true });
    storeNew(next);
    expect(keys.map(label)).toEqual([ONE_CLICK, WITH_FORM, ONE_CLICK]);
  });

  it('when every row changes at once, the top rows change at once and the rest a chunk per task, until all have', async () => {
    const n = NOTIFY_CHUNK * 3;
    const { keys, storeNew } = setup(n, () => policy({ maxMinutes: 60 }));
    await waitFor(() => expect(document.querySelectorAll('[data-testid="assignment"]')).toHaveLength(n));
    expect(FIRST_ROWS).toBeLessThan(n);
    storeNew(policies(keys, () => policy({ requireJustification: true })));
    expect(keys.slice(0, NOTIFY_CHUNK).map(label)).toEqual(Array(NOTIFY_CHUNK).fill(WITH_FORM));
    expect(label(keys[n - 1]!)).toBe(ONE_CLICK);
    await waitFor(() => expect(new Set(keys.map(label))).toEqual(new Set([WITH_FORM])));
  });

  it('a click acts on the latest policy and shows on its row at once, while other rows are still being told', async () => {
    const n = NOTIFY_CHUNK * 3;
    const { keys, storeNew, actions } = setup(n, () => policy({ maxMinutes: 60 }));
    await waitFor(() => expect(document.querySelectorAll('[data-testid="assignment"]')).toHaveLength(n));
    storeNew(policies(keys, () => policy({ requireJustification: true })));
    const last = keys[n - 1]!;
    fireEvent.click(within(rowOf(last)).getByTestId('activate'));
    // The new policy asks for a reason: the form opens under the row, nothing is sent.
    expect(within(rowOf(last)).getByTestId('activation-form')).toBeTruthy();
    expect(actions.activate).not.toHaveBeenCalled();
    await waitFor(() => expect(new Set(keys.map(label))).toEqual(new Set([WITH_FORM])));
  });
});
