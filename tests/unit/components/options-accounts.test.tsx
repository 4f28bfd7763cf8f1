/**
 * Options' accounts section (issue 16): rename and recolour, reorder, remove only after the inline confirmation, the
 * organisation's accounts locked, Add hidden when the policy forbids it, and Edit picking the account below.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AccountsSection, type AccountsSectionProps } from '../../../components/options/AccountsSection';
import type { EffectiveAccount } from '../../../lib/accounts';
import { installMessages } from './fixtures';

const CONTOSO: EffectiveAccount = {
  id: 'a1',
  label: 'Contoso',
  colour: 'blue',
  connection: {
    cloudId: 'global',
    tenant: 'contoso.onmicrosoft.com',
    clientId: '11111111-2222-4333-8444-555555555555',
  },
  managed: false,
};
const FABRIKAM: EffectiveAccount = { ...CONTOSO, id: 'a2', label: 'Fabrikam', colour: 'green', connection: null };
const ORG: EffectiveAccount = { ...CONTOSO, id: 'org-lab', label: 'Lab', colour: 'grey', managed: true };

function setup(overrides: Partial<AccountsSectionProps> = {}) {
  const props: AccountsSectionProps = {
    accounts: [CONTOSO, FABRIKAM, ORG],
    selected: 'a1',
    canAdd: true,
    onSelect: vi.fn(),
    onAdd: vi.fn(),
    onRename: vi.fn(),
    onMove: vi.fn(),
    onRemove: vi.fn(async () => {}),
    ...overrides,
  };
  render(<AccountsSection {...props} />);
  return props;
}
const row = (id: string) => document.querySelector<HTMLElement>(`li[data-account="${id}"]`)!;

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});
afterEach(cleanup);

describe('options: accounts', () => {
  it('renames and recolours an account, and Edit picks it for the sections below', () => {
    const props = setup();
    fireEvent.change(within(row('a2')).getByLabelText('Account name'), { target: { value: ' Fabrikam guest ' } });
    expect(props.onRename).toHaveBeenLastCalledWith('a2', 'Fabrikam guest', 'green');
    fireEvent.change(within(row('a2')).getByLabelText('Account colour'), { target: { value: 'purple' } });
    expect(props.onRename).toHaveBeenLastCalledWith('a2', 'Fabrikam', 'purple');
    fireEvent.click(within(row('a2')).getByTestId('account-edit'));
    expect(props.onSelect).toHaveBeenCalledWith('a2');
    expect(row('a1').getAttribute('aria-current')).toBe('true');
    expect(within(row('a2')).getByText('not set up')).toBeTruthy();
  });

  it("moves the user's accounts up and down within their own list", () => {
    const props = setup();
    const up = (id: string) => within(row(id)).getByRole('button', { name: /up$/ }) as HTMLButtonElement;
    const down = (id: string) => within(row(id)).getByRole('button', { name: /down$/ }) as HTMLButtonElement;
    expect(up('a1').disabled).toBe(true);
    expect(down('a2').disabled).toBe(true);
    fireEvent.click(up('a2'));
    expect(props.onMove).toHaveBeenCalledWith('a2', -1);
  });

  it('removes only after the inline confirmation, and Cancel keeps the account', async () => {
    const props = setup();
    fireEvent.click(within(row('a2')).getByTestId('account-remove'));
    expect(props.onRemove).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('account-remove-confirm-cancel'));
    expect(screen.queryByTestId('account-remove-confirm')).toBeNull();
    fireEvent.click(within(row('a2')).getByTestId('account-remove'));
    expect(screen.getByTestId('account-remove-confirm').textContent).toContain('Remove Fabrikam?');
    fireEvent.click(screen.getByTestId('account-remove-confirm-confirm'));
    expect(props.onRemove).toHaveBeenCalledWith('a2');
    await waitFor(() => expect(screen.queryByTestId('account-remove-confirm')).toBeNull());
  });

  it("shows the organisation's accounts locked, and hides Add when the policy forbids new accounts", () => {
    setup({ canAdd: false });
    expect((within(row('org-lab')).getByLabelText('Account name') as HTMLInputElement).disabled).toBe(true);
    expect(within(row('org-lab')).queryByTestId('account-remove')).toBeNull();
    expect(within(row('org-lab')).getByText('Set by your organisation')).toBeTruthy();
    expect(screen.queryByTestId('account-add')).toBeNull();
  });

  it('keeps the last account (Remove is off when only one is left) and adds another', () => {
    const props = setup({ accounts: [CONTOSO] });
    expect((within(row('a1')).getByTestId('account-remove') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId('account-add'));
    expect(props.onAdd).toHaveBeenCalledOnce();
  });
});
