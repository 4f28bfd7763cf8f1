import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { PopupView, type PopupViewProps } from '../../../components/popup/PopupView';
import type { Snapshot } from '../../../lib/pim/model';
import { assignment, CONNECTION, FORMAT, IDLE, installMessages, iso, MIN, NOW, SIGNED_IN, snapshot } from './fixtures';
import { press } from './keyboard';

function setup(overrides: Partial<PopupViewProps> = {}) {
  const events = {
    onRefresh: vi.fn(),
    onSignIn: vi.fn(),
    onSignOut: vi.fn(),
    onOpenSettings: vi.fn(),
    onToggleFavourite: vi.fn(),
  };
  const props: PopupViewProps = {
    connection: CONNECTION,
    auth: SIGNED_IN,
    snapshot: snapshot([assignment({ key: 'role:1:/' })]),
    refresh: IDLE,
    favourites: [],
    format: FORMAT,
    clock: () => NOW,
    ...events,
    ...overrides,
  };
  const view = render(<PopupView {...props} />);
  return { ...events, view, props };
}

const notice = (id: string) => document.querySelector<HTMLElement>(`[data-notice="${id}"]`);

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});
afterEach(cleanup);

describe('designed states', () => {
  it('not configured: says what is missing and opens the settings', () => {
    const { onOpenSettings } = setup({
      connection: null,
      auth: { status: 'signed-out', account: null, detail: null },
      snapshot: null,
    });
    const n = notice('not-configured')!;
    expect(n.textContent).toContain("Enter your tenant and the app registration's client ID in the settings");
    press(within(n).getByRole('button', { name: 'Open settings' }), 'Enter');
    expect(onOpenSettings).toHaveBeenCalledOnce();
  });

  it('signed out: asks to sign in and opens the sign-in page', () => {
    const { onSignIn } = setup({ auth: { status: 'signed-out', account: null, detail: null }, snapshot: null });
    expect(notice('signed-out')!.textContent).toContain('Sign in with your admin account');
    fireEvent.click(within(notice('signed-out')!).getByRole('button', { name: 'Sign in' }));
    expect(onSignIn).toHaveBeenCalledOnce();
    expect(screen.queryByTestId('refresh')).toBeNull();
  });

  it('renewal required without data: says the sign-in expired and offers to sign in again', () => {
    const { onSignIn } = setup({
      auth: { ...SIGNED_IN, status: 'renewal-required', detail: 'AADSTS50173' },
      snapshot: null,
    });
    const n = notice('renewal-required')!;
    expect(n.textContent).toContain('Your sign-in has expired. Sign in again');
    expect(n.textContent).toContain('AADSTS50173');
    press(within(n).getByRole('button', { name: 'Sign in again' }), ' ');
    expect(onSignIn).toHaveBeenCalledOnce();
  });

  it('renewal required with data: keeps the list under the banner', () => {
    setup({ auth: { ...SIGNED_IN, status: 'renewal-required' } });
    expect(notice('renewal-required')).not.toBeNull();
    expect(screen.getAllByTestId('assignment')).toHaveLength(1);
  });

  it('loading: skeleton rows while the first refresh runs', () => {
    setup({ snapshot: null, refresh: { ...IDLE, inFlight: true } });
    expect(screen.getByTestId('loading').textContent).toContain('Loading your roles and groups');
    expect(screen.queryAllByTestId('assignment')).toHaveLength(0);
  });

  it("ignores a snapshot that belongs to another account (shows loading instead of someone else's roles)", () => {
    setup({ snapshot: { ...snapshot([assignment({ key: 'x' })]), principalId: 'someone-else' } });
    expect(screen.getByTestId('loading')).toBeTruthy();
  });

  it("with no account known, shows no snapshot as the user's (the background acts on none either)", () => {
    setup({ auth: { ...SIGNED_IN, account: null } });
    expect(screen.getByTestId('loading')).toBeTruthy();
    cleanup();
    setup({ auth: { ...SIGNED_IN, status: 'renewal-required', account: null } });
    expect(notice('renewal-required')).not.toBeNull();
    expect(screen.queryAllByTestId('assignment')).toHaveLength(0);
  });

  it('empty: says there is nothing eligible and what to do', () => {
    const { onRefresh } = setup({ snapshot: snapshot([]) });
    const n = notice('empty')!;
    expect(n.textContent).toContain('You have no eligible roles or groups');
    expect(n.textContent).toContain('ask your admin');
    fireEvent.click(within(n).getByRole('button', { name: 'Refresh' }));
    expect(onRefresh).toHaveBeenCalledOnce();
  });

  it('error without data: shows the refresh error and Retry', () => {
    const { onRefresh } = setup({
      snapshot: null,
      refresh: { ...IDLE, error: 'Microsoft Graph is not answering (503). Try again in a minute.' },
    });
    const n = notice('error')!;
    expect(n.getAttribute('role')).toBe('alert');
    expect(n.textContent).toContain('Microsoft Graph is not answering (503)');
    press(within(n).getByRole('button', { name: 'Retry' }), 'Enter');
    expect(onRefresh).toHaveBeenCalledOnce();
  });

  it('error with data: keeps the list and says how old it is', () => {
    setup({ refresh: { ...IDLE, error: 'Microsoft Graph is not answering (503).' } });
    expect(notice('refresh-error')!.textContent).toContain('Showing data from 13:58.');
    expect(screen.getAllByTestId('assignment')).toHaveLength(1);
  });

  it('offline: shows the cached data and when it is from', () => {
    const { onRefresh } = setup({ refresh: { ...IDLE, offline: true, error: 'offline' } });
    expect(notice('offline')!.textContent).toContain('Offline – showing data from 13:58.');
    expect(notice('refresh-error')).toBeNull();
    fireEvent.click(within(notice('offline')!).getByRole('button', { name: 'Retry' }));
    expect(onRefresh).toHaveBeenCalledOnce();
  });
});

describe('section notes', () => {
  const forbidden = { status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges' };
  const withErrors = (
    errors: Partial<Record<keyof Snapshot['sections'], typeof forbidden>>,
    fetched: string | null = null,
  ): Snapshot => {
    const s = snapshot([assignment({ key: 'role:1:/' })]);
    for (const [id, error] of Object.entries(errors))
      s.sections[id as keyof Snapshot['sections']] = { fetchedAt: fetched, error };
    return s;
  };

  it('403 on every group read: names the groups, says roles are shown and what to ask the admin', () => {
    setup({ snapshot: withErrors({ groupEligible: forbidden, groupActive: forbidden, groupPending: forbidden }) });
    expect(notice('section:group:permission')!.textContent).toBe(
      "Couldn't read your PIM groups (permission not granted): showing roles only. Ask an admin to consent to " +
        'PrivilegedEligibilitySchedule.Read.AzureADGroup and PrivilegedAssignmentSchedule.Read.AzureADGroup for PIM Companion, then refresh.',
    );
  });

  it('one failed part with older data: names that part and when the data is from', () => {
    setup({
      snapshot: withErrors(
        { rolePending: { status: 503, code: 'ServiceUnavailable', message: 'x' } },
        iso(NOW - 60 * MIN),
      ),
    });
    expect(notice('section:role:unavailable')!.textContent).toBe(
      "Couldn't read your pending role requests (Microsoft Graph unavailable, 503): showing data from 13:00. Refresh again in a minute.",
    );
  });

  it('no note when every section was read', () => {
    setup();
    expect(document.querySelectorAll('[data-notice^="section:"]')).toHaveLength(0);
  });
});

describe('header', () => {
  it('shows who is signed in where, and signs out from the menu', () => {
    const { onSignOut, onOpenSettings } = setup();
    expect(screen.getByTestId('account-name').textContent).toBe('Adele Vance');
    expect(screen.getByTestId('account-upn').textContent).toBe('adm-adele@contoso.onmicrosoft.com');
    expect(screen.getByTestId('account-tenant').textContent).toBe('contoso.onmicrosoft.com');
    press(screen.getByTestId('menu'), 'Enter');
    expect(screen.getByRole('menu')).toBeTruthy();
    press(screen.getByRole('menuitem', { name: 'Sign out' }), 'Enter');
    expect(onSignOut).toHaveBeenCalledOnce();
    expect(screen.queryByRole('menu')).toBeNull();
    fireEvent.click(screen.getByTestId('menu'));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Settings' }));
    expect(onOpenSettings).toHaveBeenCalledOnce();
  });

  it('closes the menu with Escape and gives focus back to its button', () => {
    setup();
    fireEvent.click(screen.getByTestId('menu'));
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('menu'));
  });

  it('Refresh sends a forced refresh event', () => {
    const { onRefresh } = setup({ refresh: { ...IDLE, inFlight: true } });
    const button = screen.getByTestId('refresh');
    expect(button.getAttribute('aria-label')).toBe('Refreshing…');
    press(button, 'Enter');
    expect(onRefresh).toHaveBeenCalledOnce();
  });
});

describe('when the tenant is "organizations"', () => {
  it('names the tenant by its id', () => {
    setup({ connection: { ...CONNECTION, tenant: 'organizations' } });
    expect(screen.getByTestId('account-tenant').textContent).toBe('tenant-guid');
  });
});
