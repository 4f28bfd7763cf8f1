/**
 * The popup's first paint (issue 18): the stored list as the full popup draws it (same header, search box, sections
 * and rows), before the code for activation, forms, approvals and messaging has loaded. Rows have no controls yet,
 * and notices (a section that failed to load, approvals waiting) come with the rest; the full popup (PopupView)
 * replaces this in the task that loads it, a frame or two later. Props in, nothing out: the whole of it is inert
 * until then.
 */
import { t } from '../../lib/i18n';
import { COLOUR_CSS, type AccountEntry } from '../../lib/accounts';
import type { FirstPaintList } from '../../lib/first-paint';
import type { TimeFormat } from '../../lib/pim/time';
import { AccountSwitcher, AccountTag } from './AccountSwitcher';
import { Header } from './Header';
import { listSections } from './listSections';
import { SearchBox } from './SearchBox';

export interface CachedPopupProps extends FirstPaintList {
  account: AccountEntry;
  accounts: readonly AccountEntry[];
  format: TimeFormat;
  now: number;
}

const nothing = () => undefined;

/**
 * Rows the first paint draws: what the popup's 600 px show (a row is 50–70 px, below the header and search box), fewer
 * than the full popup's first render, whose code is still loading.
 */
export const FIRST_PAINT_ROWS = 10;

export function CachedPopup({ account, accounts, auth, snapshot, favourites, format, now }: CachedPopupProps) {
  const choices = accounts.map((a) => ({ id: a.id, label: a.label, colour: COLOUR_CSS[a.colour] }));
  const several = choices.length > 1;
  const acting = choices.find((a) => a.id === account.id)!;
  const tenant =
    account.connection?.tenant && account.connection.tenant !== 'organizations'
      ? account.connection.tenant
      : (auth.account?.tenantId ?? null);
  const { active, pending, eligible } = listSections({
    snapshot,
    now,
    format,
    query: '',
    favourites: new Set(favourites),
    onToggleFavourite: nothing,
    screenful: FIRST_PAINT_ROWS,
  });
  return (
    // Inert: nothing here takes focus or a click that the full popup, a frame or two later, would drop.
    <div class="popup" data-popup-state="cached" inert>
      <Header
        switcher={several && <AccountSwitcher accounts={choices} current={account.id} onSwitch={nothing} />}
        account={auth.account}
        tenantLabel={tenant}
        refreshing={false}
        onRefresh={nothing}
        onOpenSettings={nothing}
        onSignOut={nothing}
      />
      <main class="content">
        {several && (
          <p class="acting-as">
            <AccountTag account={acting} /> <span>{t('accountActsAs', acting.label)}</span>
          </p>
        )}
        <SearchBox value="" onInput={nothing} />
        {active}
        {pending}
        {eligible}
      </main>
    </div>
  );
}
