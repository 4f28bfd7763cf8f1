import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { SignInPage, type SignInPageProps } from '../../../entrypoints/signin/SignInPage';
import { AuthError } from '../../../lib/auth/errors';
import type { Account } from '../../../lib/storage';
import { installMessages } from '../components/fixtures';

const account: Account = {
  homeAccountId: 'a.t',
  oid: 'a',
  tenantId: 't',
  name: 'Adele Admin',
  username: 'adm-adele@contoso.onmicrosoft.com',
};
const connection = {
  cloudId: 'global',
  tenant: 'contoso.onmicrosoft.com',
  clientId: '11111111-2222-3333-4444-555555555555',
};

function setup(overrides: Partial<SignInPageProps> = {}) {
  const props: SignInPageProps = {
    connection,
    cloudLabel: 'Microsoft Entra (global)',
    optionsUrl: 'chrome-extension://id/options.html',
    signIn: vi.fn(async () => account),
    onSignedIn: vi.fn(),
    ...overrides,
  };
  render(<SignInPage {...props} />);
  return props;
}

const button = () => screen.getByRole('button', { name: 'Sign in with your admin account' });
const phase = () => screen.getByTestId('signin-page').dataset.phase;

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});
afterEach(cleanup);

describe('sign-in page', () => {
  it('shows the configured tenant, client and cloud, and waits for the button', () => {
    const props = setup();
    expect(screen.getByText('contoso.onmicrosoft.com')).toBeTruthy();
    expect(screen.getByText(connection.clientId)).toBeTruthy();
    expect(screen.getByText('Microsoft Entra (global)')).toBeTruthy();
    expect(props.signIn).not.toHaveBeenCalled();
  });

  it('signs in on click and says who is signed in', async () => {
    const props = setup();
    fireEvent.click(button());
    await screen.findByText('Signed in as Adele Admin (adm-adele@contoso.onmicrosoft.com). You can close this tab.');
    expect(props.onSignedIn).toHaveBeenCalledWith(account);
    expect(phase()).toBe('done');
  });

  it('disables the button while the Microsoft window is open', async () => {
    let finish: (a: Account) => void = () => undefined;
    setup({ signIn: () => new Promise<Account>((r) => (finish = r)) });
    fireEvent.click(button());
    await waitFor(() => expect((button() as HTMLButtonElement).disabled).toBe(true));
    expect(screen.getByRole('status').textContent).toContain('Microsoft window');
    finish(account);
    await waitFor(() => expect(phase()).toBe('done'));
  });

  it('says the sign-in was cancelled and lets the user try again', async () => {
    const signIn = vi
      .fn()
      .mockRejectedValueOnce(new AuthError('cancelled', 'Sign-in was cancelled.'))
      .mockResolvedValueOnce(account);
    setup({ signIn });
    fireEvent.click(button());
    await screen.findByText('Sign-in was cancelled. Choose the button to try again.');
    expect((button() as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(button());
    await waitFor(() => expect(phase()).toBe('done'));
    expect(signIn).toHaveBeenCalledTimes(2);
  });

  it('shows another failure with its reason', async () => {
    setup({ signIn: async () => Promise.reject(new AuthError('failed', 'AADSTS700016: Application not found.')) });
    fireEvent.click(button());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('AADSTS700016: Application not found.');
    expect(alert.textContent).toContain('settings');
  });

  it('never starts by itself, whatever opened it: only a click on the page signs in', async () => {
    const props = setup();
    await new Promise((r) => setTimeout(r, 0));
    expect(props.signIn).not.toHaveBeenCalled();
    fireEvent.click(button());
    await waitFor(() => expect(props.onSignedIn).toHaveBeenCalledOnce());
    expect(props.signIn).toHaveBeenCalledOnce();
  });

  it('links to the settings instead when the extension is not configured', () => {
    const props = setup({ connection: null });
    const link = screen.getByRole('link', { name: 'Open settings' });
    expect(link.getAttribute('href')).toBe('chrome-extension://id/options.html');
    expect(screen.queryByRole('button')).toBeNull();
    expect(props.signIn).not.toHaveBeenCalled();
  });
});
