/**
 * Options: the accounts (issue 16). Each row: the account's label and colour (editable), move up / down, Remove (with
 * an inline confirmation: its tokens, snapshot, journal and history go), and Edit, which picks the account the
 * Connection and Account sections below are about. The organisation's accounts are shown locked.
 */
import { useState } from 'preact/hooks';
import { t } from '../../lib/i18n';
import { ACCOUNT_COLOURS, COLOUR_CSS, type AccountColour, type EffectiveAccount } from '../../lib/accounts';
import { ConfirmInline } from './ConfirmInline';

export interface AccountsSectionProps {
  accounts: readonly EffectiveAccount[];
  /** The account the sections below edit. */
  selected: string;
  /** Adding is off when the organisation's policy says so (disableUserAccounts). */
  canAdd: boolean;
  onSelect(id: string): void;
  onAdd(): void;
  onRename(id: string, label: string, colour: AccountColour): void;
  onMove(id: string, by: -1 | 1): void;
  onRemove(id: string): Promise<void>;
}

export function AccountsSection(props: AccountsSectionProps) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const own = props.accounts.filter((a) => !a.managed);
  return (
    <div class="accounts" data-testid="accounts">
      <ul class="accounts-list">
        {props.accounts.map((a) => {
          const index = own.findIndex((x) => x.id === a.id);
          return (
            <li key={a.id} class="account-row" data-account={a.id} aria-current={a.id === props.selected}>
              <span class="account-dot" style={{ background: COLOUR_CSS[a.colour] }} aria-hidden="true" />
              <input
                type="text"
                value={a.label}
                maxLength={40}
                disabled={a.managed}
                aria-label={t('optAccountLabel')}
                data-testid="account-label"
                onChange={(e) => {
                  const label = (e.target as HTMLInputElement).value.trim();
                  if (label) props.onRename(a.id, label, a.colour);
                }}
              />
              <select
                value={a.colour}
                disabled={a.managed}
                aria-label={t('optAccountColour')}
                data-testid="account-colour"
                onChange={(e) => props.onRename(a.id, a.label, (e.target as HTMLSelectElement).value as AccountColour)}
              >
                {ACCOUNT_COLOURS.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
              <span class="account-who">{a.connection?.tenant ?? t('optAccountNotConfigured')}</span>
              <button type="button" class="btn" onClick={() => props.onSelect(a.id)} data-testid="account-edit">
                {t('optAccountEdit')}
              </button>
              {!a.managed && (
                <>
                  <button
                    type="button"
                    class="btn"
                    disabled={index <= 0}
                    aria-label={t('optAccountUp', a.label)}
                    onClick={() => props.onMove(a.id, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    class="btn"
                    disabled={index < 0 || index >= own.length - 1}
                    aria-label={t('optAccountDown', a.label)}
                    onClick={() => props.onMove(a.id, 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    class="btn"
                    data-testid="account-remove"
                    disabled={props.accounts.length < 2}
                    onClick={() => setConfirming(a.id)}
                  >
                    {t('optAccountRemove')}
                  </button>
                </>
              )}
              {a.managed && <span class="account-managed">{t('optAccountManaged')}</span>}
              {confirming === a.id && (
                <ConfirmInline
                  confirmLabel={t('optAccountRemove')}
                  testId="account-remove-confirm"
                  busy={busy}
                  onCancel={() => setConfirming(null)}
                  onConfirm={() => {
                    setBusy(true);
                    void props.onRemove(a.id).finally(() => {
                      setBusy(false);
                      setConfirming(null);
                    });
                  }}
                >
                  {t('optAccountRemoveConfirm', a.label)}
                </ConfirmInline>
              )}
            </li>
          );
        })}
      </ul>
      {props.canAdd && (
        <button type="button" class="btn" onClick={props.onAdd} data-testid="account-add">
          {t('optAccountAdd')}
        </button>
      )}
    </div>
  );
}
