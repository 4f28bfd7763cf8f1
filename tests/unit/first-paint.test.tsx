/**
 * The popup's first paint (issue 18): it shows the stored list only when the full popup would show the same, and it
 * draws the same rows, in the same order, as the full popup's first screen.
 */
import { cleanup, render, screen, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountKeys, firstPaintAccount, firstPaintList } from '../../lib/first-paint';
import { CachedPopup, FIRST_PAINT_ROWS } from '../../components/popup/CachedPopup';
import { PopupView } from '../../components/popup/PopupView';
import type { AccountEntry } from '../../lib/accounts';
import {
  assignment,
  CONNECTION,
  DAY_MS,
  FORMAT,
  IDLE,
  installMessages,
  iso,
  MIN,
  NOW,
  SIGNED_IN,
  snapshot,
} from './components/fixtures';

const A1: AccountEntry = { id: 'a1', label: 'Contoso', colour: 'blue', connection: CONNECTION };
const A2: AccountEntry = { id: 'a2', label: 'Fabrikam', colour: 'green', connection: CONNECTION };
const shared = (over: Record<string, unknown> = {}) => ({
  storageVersion: 2,
  accounts: [A1, A2],
  popupAccount: 'a2',
  ...over,
});

describe('firstPaintAccount', () => {
  it('opens on the chosen account, or the first when the choice is gone or unset', () => {
    expect(firstPaintAccount(shared(), {})?.account.id).toBe('a2');
    expect(firstPaintAccount(shared({ popupAccount: 'a9' }), {})?.account.id).toBe('a1');
    expect(firstPaintAccount(shared({ popupAccount: undefined }), {})?.account.id).toBe('a1');
    expect(firstPaintAccount(shared({ popupAccount: 'all', accounts: [A1] }), {})?.account.id).toBe('a1');
    expect(firstPaintAccount(shared(), {})?.accounts.map((a) => a.id)).toEqual(['a1', 'a2']);
  });

  it('leaves it to the full popup for an older layout, the all-accounts view, or values that do not parse', () => {
    expect(firstPaintAccount(shared({ storageVersion: 1 }), {})).toBeNull();
    expect(firstPaintAccount(shared({ storageVersion: undefined }), {})).toBeNull();
    expect(firstPaintAccount(shared({ popupAccount: 'all' }), {})).toBeNull();
    expect(firstPaintAccount(shared({ accounts: [] }), {})).toBeNull();
    expect(firstPaintAccount(shared({ accounts: [{ ...A1, id: 42 }] }), {})).toBeNull();
    expect(firstPaintAccount(shared({ popupAccount: { id: 'a1' } }), {})).toBeNull();
  });

  it("leaves it to the full popup when the organisation's policy names or limits the accounts", () => {
    expect(firstPaintAccount(shared(), { accounts: [] })).toBeNull();
    expect(firstPaintAccount(shared(), { disableUserAccounts: false })).toBeNull();
    expect(firstPaintAccount(shared(), { tenantId: 'contoso.onmicrosoft.com' })?.account.id).toBe('a2');
  });

  it("needs a connection: the account's own, or the organisation's for the first account", () => {
    const bare = { ...A1, connection: null };
    expect(firstPaintAccount(shared({ accounts: [bare, A2], popupAccount: 'a1' }), {})).toBeNull();
    expect(
      firstPaintAccount(shared({ accounts: [bare, A2], popupAccount: 'a1' }), { clientId: CONNECTION.clientId })
        ?.account.id,
    ).toBe('a1');
    const second = { ...A2, connection: null };
    expect(firstPaintAccount(shared({ accounts: [A1, second] }), { clientId: CONNECTION.clientId })).toBeNull();
  });
});

const ROLE = assignment({ key: 'role:ga:/', displayName: 'Global Administrator' });
const keys = accountKeys('a1');
const local = (over: Record<string, unknown> = {}) => ({
  [keys.authState]: SIGNED_IN,
  [keys.snapshot]: snapshot([ROLE]),
  [keys.favourites]: ['role:ga:/'],
  ...over,
});

describe('firstPaintList', () => {
  it("returns the signed-in account's own list with its favourites", () => {
    const list = firstPaintList(local(), 'a1');
    expect(list?.snapshot.assignments.map((a) => a.key)).toEqual(['role:ga:/']);
    expect(list?.favourites).toEqual(['role:ga:/']);
    expect(firstPaintList(local({ [keys.favourites]: 'nope' }), 'a1')?.favourites).toEqual([]);
  });

  it('draws nothing the full popup would not list: signed out, renewal, another user, empty, unreadable', () => {
    expect(firstPaintList(local({ [keys.authState]: { ...SIGNED_IN, status: 'signed-out' } }), 'a1')).toBeNull();
    expect(firstPaintList(local({ [keys.authState]: { ...SIGNED_IN, status: 'renewal-required' } }), 'a1')).toBeNull();
    expect(firstPaintList(local({ [keys.snapshot]: snapshot([ROLE], { principalId: 'other' }) }), 'a1')).toBeNull();
    expect(firstPaintList(local({ [keys.snapshot]: snapshot([]) }), 'a1')).toBeNull();
    expect(firstPaintList(local({ [keys.snapshot]: { assignments: 'x' } }), 'a1')).toBeNull();
    expect(firstPaintList(local({ [keys.snapshot]: null }), 'a1')).toBeNull();
    expect(firstPaintList(local(), 'a2')).toBeNull();
  });
});

describe('CachedPopup', () => {
  beforeEach(installMessages);
  afterEach(cleanup);

  const many = [
    assignment({
      key: 'role:sr:/',
      displayName: 'Security Reader',
      state: 'active',
      assignmentType: 'Activated',
      startDateTime: iso(NOW - 10 * MIN),
      endDateTime: iso(NOW + 50 * MIN),
    }),
    ...Array.from({ length: 40 }, (_, i) =>
      assignment({
        key: `role:r${i}:/`,
        displayName: `Role ${String(i).padStart(2, '0')}`,
        endDateTime: iso(NOW + (i + 1) * DAY_MS),
      }),
    ),
  ];
  const snap = snapshot(many);

  it("draws the full popup's first rows, the same markup in the same order, and only a screenful", () => {
    const first = render(
      <CachedPopup
        account={A1}
        accounts={[A1]}
        auth={SIGNED_IN}
        snapshot={snap}
        favourites={['role:r7:/']}
        format={FORMAT}
        now={NOW}
      />,
    );
    // Read-only until the full popup replaces it: nothing in it takes focus or a click.
    expect(first.container.querySelector('[data-popup-state="cached"]')!.hasAttribute('inert')).toBe(true);
    const cachedRows = screen.getAllByTestId('assignment');
    expect(cachedRows).toHaveLength(FIRST_PAINT_ROWS);
    const cachedHtml = cachedRows.map((r) => r.outerHTML);
    expect(within(screen.getByTestId('section-eligible')).getByText('40')).toBeTruthy();
    first.unmount();

    render(
      <PopupView
        connection={CONNECTION}
        auth={SIGNED_IN}
        snapshot={snap}
        refresh={IDLE}
        favourites={['role:r7:/']}
        format={FORMAT}
        clock={() => NOW}
        onRefresh={() => undefined}
        onSignIn={() => undefined}
        onSignOut={() => undefined}
        onOpenSettings={() => undefined}
        onToggleFavourite={() => undefined}
      />,
    );
    const fullHtml = screen
      .getAllByTestId('assignment')
      .slice(0, FIRST_PAINT_ROWS)
      .map((r) => r.outerHTML);
    expect(cachedHtml).toEqual(fullHtml);
    // The favourite first among eligible ones, after the active role.
    expect(cachedRows[1]!.getAttribute('data-key')).toBe('role:r7:/');
  });

  it('shows the switcher and the account it acts as when there are several', () => {
    render(
      <CachedPopup
        account={A2}
        accounts={[A1, A2]}
        auth={SIGNED_IN}
        snapshot={snap}
        favourites={[]}
        format={FORMAT}
        now={NOW}
      />,
    );
    expect((screen.getByTestId('account-switch') as HTMLSelectElement).value).toBe('a2');
    expect(screen.getByTestId('account-tag').textContent).toBe('Fabrikam');
  });
});
