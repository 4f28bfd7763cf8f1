/** Options with a managed policy: locked connection fields, the organisation's read-only lists, Check connection. */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { OptionsView, type OptionsViewProps } from '../../components/options/OptionsView';
import type { ConnectionCheck } from '../../lib/messaging';
import { CONNECTION, installMessages } from './components/fixtures';

function setup(overrides: Partial<OptionsViewProps> = {}) {
  const props: OptionsViewProps = {
    connection: CONNECTION,
    auth: { status: 'signed-out', account: null, detail: null },
    redirectUri: 'https://fimhpbjaiihihdfclklanipldnjbddib.chromiumapp.org/',
    onSaveConnection: vi.fn(async () => {}),
    onCopy: vi.fn(async () => {}),
    onSignIn: vi.fn(),
    onSignOut: vi.fn(),
    ...overrides,
  };
  const view = render(<OptionsView {...props} />);
  return { props, view };
}

const input = (label: string) => screen.getByLabelText(label) as HTMLInputElement;

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});
afterEach(cleanup);

describe('locked connection fields', () => {
  it('disables what the organisation sets, says so, and keeps the rest editable', () => {
    setup({ locked: { tenant: true, clientId: true } });
    expect(input('Tenant').disabled).toBe(true);
    expect(input('Tenant').value).toBe(CONNECTION.tenant);
    expect(input('Application (client) ID').disabled).toBe(true);
    expect(screen.getByTestId('tenant-locked').textContent).toBe('Set by your organisation');
    expect(input('Tenant').getAttribute('aria-describedby')).toContain('tenant-locked');
    expect((screen.getByLabelText('Cloud') as HTMLSelectElement).disabled).toBe(false);
    expect(screen.queryByTestId('cloudId-locked')).toBeNull();
  });

  it('follows a policy that arrives while the page is open', async () => {
    const { props, view } = setup({ connection: null });
    fireEvent.input(input('Application (client) ID'), { target: { value: 'typed' } });
    const managedConnection = { cloudId: 'global', tenant: 'fabrikam.onmicrosoft.com', clientId: CONNECTION.clientId };
    view.rerender(<OptionsView {...props} connection={managedConnection} locked={{ tenant: true }} />);
    await waitFor(() => expect(input('Tenant').value).toBe('fabrikam.onmicrosoft.com'));
    expect(input('Application (client) ID').value).toBe('typed');
  });

  it('has nothing to save when every field is locked', () => {
    setup({ locked: { cloudId: true, tenant: true, clientId: true } });
    expect(
      (within(screen.getByTestId('connection-form')).getByRole('button', { name: 'Save' }) as HTMLButtonElement)
        .disabled,
    ).toBe(true);
  });
});

describe('organisation defaults', () => {
  it('lists the organisation’s templates and bundles read-only', () => {
    setup({
      organisation: {
        templates: [{ id: 'org', name: 'Change ticket', justification: 'Change {ticket}' }],
        bundles: [{ id: 'b', name: 'Exchange work', items: ['group:g:member'] }],
      },
    });
    const section = screen.getByTestId('organisation-defaults');
    expect(within(section).getByTestId('managed-templates').textContent).toContain('Change ticket');
    expect(within(section).getByTestId('managed-bundles').textContent).toContain('Exchange work');
    expect(within(section).queryAllByRole('button')).toEqual([]);
    expect(within(section).queryAllByRole('textbox')).toEqual([]);
  });

  it('is absent without organisation entries', () => {
    setup({ organisation: { templates: [], bundles: [] } });
    expect(screen.queryByTestId('options-organisation')).toBeNull();
  });
});

describe('check connection', () => {
  const CONSENT =
    'https://login.microsoftonline.com/contoso.onmicrosoft.com/adminconsent?client_id=' + CONNECTION.clientId;

  it('reports per permission and offers the admin-consent link when consent is missing', async () => {
    const result: ConnectionCheck = {
      kind: 'checked',
      checkedAt: '2026-03-02T10:00:00Z',
      adminConsentUrl: CONSENT,
      scopes: [
        { scope: 'RoleEligibilitySchedule.ReadWrite.Directory', status: 'ok', detail: null },
        {
          scope: 'PrivilegedEligibilitySchedule.Read.AzureADGroup',
          status: 'not-consented',
          detail: 'PermissionScopeNotGranted',
        },
        { scope: 'RoleManagementPolicy.Read.Directory', status: 'forbidden', detail: 'Insufficient privileges' },
      ],
    };
    const onCopy = vi.fn(async () => {});
    setup({ check: { onCheck: async () => result, onSignIn: vi.fn(), onCopy } });
    fireEvent.click(screen.getByTestId('check-connection-run'));
    const list = await screen.findByTestId('check-results');
    const row = (scope: string) => list.querySelector(`[data-scope="${scope}"]`) as HTMLElement;
    expect(row('RoleEligibilitySchedule.ReadWrite.Directory').textContent).toContain('OK');
    expect(row('PrivilegedEligibilitySchedule.Read.AzureADGroup').textContent).toContain('Not consented');
    expect(row('RoleManagementPolicy.Read.Directory').textContent).toContain('Forbidden');
    expect(screen.getByTestId('check-connection-status').textContent).toBe(
      'Some permissions do not work yet; see below.',
    );
    expect(screen.getByTestId('admin-consent-url').textContent).toBe(CONSENT);
    fireEvent.click(within(screen.getByTestId('check-consent')).getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(onCopy).toHaveBeenCalledWith(CONSENT));
  });

  it('opens the sign-in page when nobody is signed in', async () => {
    const onSignIn = vi.fn();
    setup({
      check: {
        onCheck: async () => ({ kind: 'sign-in-required', detail: 'You are not signed in.' }),
        onSignIn,
        onCopy: vi.fn(),
      },
    });
    fireEvent.click(screen.getByTestId('check-connection-run'));
    await waitFor(() => expect(screen.getByTestId('check-connection-status').textContent).toMatch(/Sign in first/));
    expect(onSignIn).toHaveBeenCalledOnce();
    expect(screen.queryByTestId('check-consent')).toBeNull();
  });
});
