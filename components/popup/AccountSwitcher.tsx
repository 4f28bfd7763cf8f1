/**
 * The popup's account switcher (issue 16): a native select, so it is keyboard operable and announced as what it is
 * (arrow keys, type-ahead, Enter), with the current account's colour beside it. Shown only with several accounts.
 */
import { t } from '../../lib/i18n';
import { ALL_ACCOUNTS } from '../../lib/accounts';

export interface AccountChoice {
  id: string;
  label: string;
  /** CSS colour (lib/accounts.ts COLOUR_CSS). */
  colour: string;
}

export interface AccountSwitcherProps {
  accounts: readonly AccountChoice[];
  /** An account id, or ALL_ACCOUNTS. */
  current: string;
  onSwitch(id: string): void;
}

export function AccountSwitcher({ accounts, current, onSwitch }: AccountSwitcherProps) {
  if (accounts.length < 2) return null;
  const colour = accounts.find((a) => a.id === current)?.colour ?? 'transparent';
  return (
    <div class="account-switch">
      <span class="account-dot" style={{ background: colour }} aria-hidden="true" />
      <select
        aria-label={t('accountSwitchLabel')}
        data-testid="account-switch"
        value={current}
        onChange={(e) => onSwitch((e.target as HTMLSelectElement).value)}
      >
        {accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {a.label}
          </option>
        ))}
        <option value={ALL_ACCOUNTS}>{t('accountAll')}</option>
      </select>
    </div>
  );
}

/** The account an action runs under, next to its buttons: the label on the account's colour. */
export function AccountTag({ account }: { account: AccountChoice | null | undefined }) {
  if (!account) return null;
  return (
    <span class="account-tag" style={{ borderColor: account.colour, color: account.colour }} data-testid="account-tag">
      {account.label}
    </span>
  );
}
