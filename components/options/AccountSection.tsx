/** Who is signed in (name, UPN, tenant) and the one action that fits: Sign in, Sign in again, or Sign out. */
import { t } from '../../lib/i18n';
import type { AuthState } from '../../lib/storage';

export interface AccountSectionProps {
  auth: AuthState;
  configured: boolean;
  onSignIn(): void;
  onSignOut(): void;
}

export function AccountSection({ auth, configured, onSignIn, onSignOut }: AccountSectionProps) {
  const account = auth.status === 'signed-out' ? null : auth.account;
  if (!account) {
    return (
      <div data-testid="account" data-status="signed-out">
        <p>{configured ? t('accountSignedOut') : t('accountNeedsConnection')}</p>
        <button type="button" class="btn btn-primary" onClick={onSignIn} disabled={!configured}>
          {t('signIn')}
        </button>
      </div>
    );
  }
  return (
    <div data-testid="account" data-status={auth.status}>
      <dl class="facts">
        <dt>{t('accountName')}</dt>
        <dd>{account.name}</dd>
        <dt>{t('accountUpn')}</dt>
        <dd>{account.username}</dd>
        <dt>{t('accountTenant')}</dt>
        <dd>
          <code>{account.tenantId}</code>
        </dd>
      </dl>
      {auth.status === 'renewal-required' && <p class="field-error">{t('renewalText')}</p>}
      <div class="form-actions">
        {auth.status === 'renewal-required' && (
          <button type="button" class="btn btn-primary" onClick={onSignIn}>
            {t('signInAgain')}
          </button>
        )}
        <button type="button" class="btn btn-subtle" onClick={onSignOut}>
          {t('signOut')}
        </button>
      </div>
    </div>
  );
}
