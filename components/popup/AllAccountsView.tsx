/**
 * "All accounts" (issue 16): the active assignments of every account, each list under its account's label and colour,
 * with time left and Deactivate. Eligible lists stay per account (pick the account to activate): an activation form
 * belongs to one account's policies and templates.
 */
import { t } from '../../lib/i18n';
import { canDeactivate } from '../../lib/pim/deactivate';
import type { Snapshot } from '../../lib/pim/model';
import { parseTime, timeLeft } from '../../lib/pim/time';
import { timeLeftText } from './labels';
import { AccountTag, type AccountChoice } from './AccountSwitcher';
import { Notice } from './Notice';

export interface AccountActive {
  account: AccountChoice;
  /** The account's own snapshot (null: signed out or not loaded yet). */
  snapshot: Snapshot | null;
}

export interface AllAccountsViewProps {
  accounts: readonly AccountActive[];
  now: number;
  onOpen(accountId: string): void;
  onDeactivate(accountId: string, key: string): void;
}

export function AllAccountsView({ accounts, now, onOpen, onDeactivate }: AllAccountsViewProps) {
  return (
    <div class="all-accounts" data-testid="all-accounts">
      {accounts.map(({ account, snapshot }) => {
        const skew = snapshot?.clockSkewMs ?? 0;
        const pimNow = now + skew;
        const active = (snapshot?.assignments ?? []).filter(
          (a) => a.state === 'active' && (parseTime(a.endDateTime) ?? Infinity) > pimNow,
        );
        return (
          <section class="section" key={account.id} data-account={account.id} aria-labelledby={`acct-${account.id}`}>
            <h2 class="section-title" id={`acct-${account.id}`}>
              <span class="account-dot" style={{ background: account.colour }} aria-hidden="true" />
              <button type="button" class="link" onClick={() => onOpen(account.id)} data-testid="open-account">
                {account.label}
              </button>
            </h2>
            {!snapshot && (
              <Notice id={`signed-out-${account.id}`} tone="info">
                {t('accountNotSignedIn')}
              </Notice>
            )}
            {snapshot && active.length === 0 && (
              <p class="all-empty" data-testid="all-empty">
                {t('accountNothingActive')}
              </p>
            )}
            <ul class="rows">
              {active.map((a) => {
                const left = timeLeft(a.endDateTime, pimNow, { seconds: false });
                const can = canDeactivate(a, new Date(pimNow));
                return (
                  <li class="row" key={a.key} data-key={a.key} data-account={account.id}>
                    <span class="row-name">{a.displayName}</span>
                    <span class="row-time">{left === null ? t('eligiblePermanent') : timeLeftText(left)}</span>
                    {can.ok && (
                      <span class="row-actions">
                        <AccountTag account={account} />
                        <button
                          type="button"
                          class="btn"
                          data-testid="deactivate"
                          aria-label={t('accountDeactivateIn', a.displayName, account.label)}
                          onClick={() => onDeactivate(account.id, a.key)}
                        >
                          {t('accountDeactivate')}
                        </button>
                      </span>
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
