import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { OptionsView, type OptionsViewProps } from '../../../components/options/OptionsView';
import { CONNECTION, installMessages, SIGNED_IN } from './fixtures';
import { press } from './keyboard';

const REDIRECT = 'https://fimhpbjaiihihdfclklanipldnjbddib.chromiumapp.org/';

function setup(overrides: Partial<OptionsViewProps> = {}) {
  const props: OptionsViewProps = {
    connection: null,
    auth: { status: 'signed-out', account: null, detail: null },
    redirectUri: REDIRECT,
    onSaveConnection: vi.fn(async () => {}),
    onCopy: vi.fn(async () => {}),
    onSignIn: vi.fn(),
    onSignOut: vi.fn(),
    ...overrides,
  };
  render(<OptionsView {...props} />);
  return props;
}

const input = (label: string) => screen.getByLabelText(label) as HTMLInputElement;

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});
afterEach(cleanup);

describe('connection form', () => {
  it('shows each schema message under its field and does not save', async () => {
    const { onSaveConnection } = setup();
    fireEvent.input(input('Tenant'), { target: { value: 'not a tenant' } });
    fireEvent.input(input('Application (client) ID'), { target: { value: '1234' } });
    fireEvent.submit(screen.getByTestId('connection-form'));
    expect(screen.getByTestId('tenant-error').textContent).toBe(
      'Enter the tenant ID (a GUID), a verified domain such as contoso.onmicrosoft.com, or "organizations".',
    );
    expect(screen.getByTestId('clientId-error').textContent).toContain(
      'Enter the Application (client) ID of your app registration',
    );
    expect(input('Tenant').getAttribute('aria-invalid')).toBe('true');
    expect(input('Tenant').getAttribute('aria-describedby')).toBe('tenant-error');
    expect(onSaveConnection).not.toHaveBeenCalled();
  });

  it('saves the parsed connection (trimmed, lower-cased) and says so', async () => {
    const { onSaveConnection } = setup();
    fireEvent.change(screen.getByLabelText('Cloud'), { target: { value: 'usgov' } });
    fireEvent.input(input('Tenant'), { target: { value: '  Contoso.OnMicrosoft.com ' } });
    fireEvent.input(input('Application (client) ID'), { target: { value: '11111111-2222-3333-4444-55555555555A' } });
    press(screen.getByRole('button', { name: 'Save' }), 'Enter');
    await waitFor(() => expect(screen.getByTestId('save-status').textContent).toBe('Saved.'));
    expect(onSaveConnection).toHaveBeenCalledOnce();
    expect(onSaveConnection).toHaveBeenCalledWith({
      cloudId: 'usgov',
      tenant: 'contoso.onmicrosoft.com',
      clientId: '11111111-2222-3333-4444-55555555555a',
    });
    expect(screen.queryByTestId('tenant-error')).toBeNull();
  });

  it('starts from the stored connection and reports a failed save with what to do', async () => {
    setup({
      connection: CONNECTION,
      onSaveConnection: vi.fn(async () => Promise.reject(new Error('Storage quota exceeded.'))),
    });
    expect(input('Tenant').value).toBe('contoso.onmicrosoft.com');
    fireEvent.submit(screen.getByTestId('connection-form'));
    await waitFor(() =>
      expect(screen.getByTestId('save-status').textContent).toBe("Couldn't save: Storage quota exceeded. Try again."),
    );
  });
});

describe('redirect URI', () => {
  it('shows the URI to register and copies it', async () => {
    const { onCopy } = setup();
    expect(screen.getByTestId('redirect-uri').textContent).toBe(REDIRECT);
    press(screen.getByTestId('copy-redirect'), 'Enter');
    expect(onCopy).toHaveBeenCalledWith(REDIRECT);
    await screen.findByText('Copied to the clipboard.');
  });

  it('says how to copy by hand when the clipboard refuses', async () => {
    setup({ onCopy: vi.fn(async () => Promise.reject(new Error('denied'))) });
    fireEvent.click(screen.getByTestId('copy-redirect'));
    await screen.findByText("Couldn't copy: select the address and copy it by hand.");
  });
});

describe('account section', () => {
  it('signed out without a connection: asks to save the connection first', () => {
    setup();
    const account = screen.getByTestId('account');
    expect(account.textContent).toContain('Save the connection settings above, then sign in.');
    expect((within(account).getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('signed out with a connection: Sign in', () => {
    const { onSignIn } = setup({ connection: CONNECTION });
    press(within(screen.getByTestId('account')).getByRole('button', { name: 'Sign in' }), 'Enter');
    expect(onSignIn).toHaveBeenCalledOnce();
  });

  it('signed in: name, UPN, tenant and Sign out', () => {
    const { onSignOut } = setup({ connection: CONNECTION, auth: SIGNED_IN });
    const account = screen.getByTestId('account');
    expect(account.textContent).toContain('Adele Vance');
    expect(account.textContent).toContain('adm-adele@contoso.onmicrosoft.com');
    expect(account.textContent).toContain('tenant-guid');
    press(within(account).getByRole('button', { name: 'Sign out' }), 'Enter');
    expect(onSignOut).toHaveBeenCalledOnce();
  });

  it('renewal required: says so and offers Sign in again', () => {
    const { onSignIn } = setup({ connection: CONNECTION, auth: { ...SIGNED_IN, status: 'renewal-required' } });
    const account = screen.getByTestId('account');
    expect(account.textContent).toContain('Your sign-in has expired.');
    fireEvent.click(within(account).getByRole('button', { name: 'Sign in again' }));
    expect(onSignIn).toHaveBeenCalledOnce();
  });

  it('the page is made of titled sections', () => {
    setup();
    expect(screen.getByRole('heading', { level: 2, name: 'Connection' })).toBeTruthy();
    expect(screen.getByRole('heading', { level: 2, name: 'Account' })).toBeTruthy();
  });
});
