/**
 * Which account a template or bundle is for (issue 16): "All accounts" or one of them. The options page provides the
 * accounts through context, so the editors need no extra props; with a single account the field is not shown.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { t } from '../../lib/i18n';

export interface LibraryAccounts {
  accounts: readonly { id: string; label: string }[];
  /** The account the options page is editing: a new bundle is for it (its keys are that account's). */
  selected: string;
}

export const LibraryAccountsContext = createContext<LibraryAccounts>({ accounts: [], selected: '' });

export function useLibraryAccounts(): LibraryAccounts {
  return useContext(LibraryAccountsContext);
}

/** '' = every account. */
export function AccountScopeField({ id, value, onChange }: { id: string; value: string; onChange(v: string): void }) {
  const { accounts } = useLibraryAccounts();
  if (accounts.length < 2) return null;
  return (
    <div class="field">
      <label for={id}>{t('optLibraryAccount')}</label>
      <select id={id} value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        <option value="">{t('accountAll')}</option>
        {accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {a.label}
          </option>
        ))}
      </select>
    </div>
  );
}
