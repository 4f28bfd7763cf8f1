/**
 * The whole popup, from stored data only: props in, events out. The entrypoint reads storage, re-renders on change and
 * turns the events into messages; this component never touches browser.* or the network.
 */
import type { RefObject } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { t } from '../../lib/i18n';
import { isCurrent, type PopupSections } from '../../lib/pim/order';
import type { Snapshot } from '../../lib/pim/model';
import { canDeactivate } from '../../lib/pim/deactivate';
import type { Assignment } from '../../lib/pim/model';
import { endsInFuture, formatMoment, parseTime, type TimeFormat } from '../../lib/pim/time';
import type { AuthState, Connection, RefreshState } from '../../lib/storage';
import { waitingApprovals, type ApprovalsState } from '../../lib/pim/approvals';
import { ActivationLayer } from './ActivationLayer';
import { ApprovalsSection, type ApprovalsSectionProps } from './ApprovalsSection';
import type { ActivationProps } from './activationContext';
import { Header } from './Header';
import { AccountSwitcher, AccountTag, type AccountChoice } from './AccountSwitcher';
import { AllAccountsView, type AllAccountsViewProps } from './AllAccountsView';
import { listSections } from './listSections';
import { Notice } from './Notice';
import { SearchBox } from './SearchBox';
import { sectionNotes } from './sectionNotes';
import { Skeleton } from './Skeleton';
import { ownSnapshot, popupState } from './state';
import { useTicker } from './useTicker';

export interface PopupViewProps {
  connection: Connection | null;
  auth: AuthState;
  snapshot: Snapshot | null;
  refresh: RefreshState;
  favourites: readonly string[];
  format: TimeFormat;
  /** Current time; Date.now in the product, a fixed clock in tests and screenshots. */
  clock?: () => number;
  onRefresh(): void;
  onSignIn(): void;
  onSignOut(): void;
  onOpenSettings(): void;
  onToggleFavourite(key: string): void;
  /** Templates, bundles, policies and the commands; without it the list is read-only. */
  activation?: ActivationProps;
  /**
   * Requests waiting for this user's approval (issue 15) and the decision command; the section shows only when any
   * wait.
   */
  approvals?: { state: ApprovalsState | null; onDecide: ApprovalsSectionProps['onDecide'] };
  /**
   * Several accounts (issue 16): the switcher's choices, the one shown (an id or 'all') and, for 'all', every account's
   * active list. One account: absent, and the popup looks as it always did.
   */
  accounts?: {
    list: readonly AccountChoice[];
    current: string;
    onSwitch(id: string): void;
    all?: Omit<AllAccountsViewProps, 'now'>;
  };
}

/** Something on screen changes with the clock: a countdown, or a Deactivate button waiting for PIM's 5 minutes. */
function needsTicker(assignments: readonly Assignment[], now: number): boolean {
  return assignments.some((a) => {
    if (a.state !== 'active') return false;
    const can = canDeactivate(a, new Date(now));
    return endsInFuture(a.endDateTime, now) || (!can.ok && can.reason === 'too-soon');
  });
}

export function PopupView(props: PopupViewProps) {
  const { auth, refresh, format, clock = Date.now } = props;
  const snapshot = ownSnapshot(props.snapshot, auth);
  const state = popupState({ configured: props.connection !== null, auth, snapshot: props.snapshot, refresh });
  const [query, setQuery] = useState('');
  const search = useRef<HTMLInputElement>(null);
  const favourites = useMemo(() => new Set(props.favourites), [props.favourites]);

  const now = clock();
  useTicker(!!snapshot && needsTicker(snapshot.assignments, now));

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing =
        e.target instanceof Element && e.target.closest('input, textarea, select, [contenteditable="true"]');
      if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey && search.current) {
        e.preventDefault();
        search.current.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const signedIn = auth.status !== 'signed-out' && props.connection !== null;
  const tenant =
    props.connection?.tenant && props.connection.tenant !== 'organizations'
      ? props.connection.tenant
      : (auth.account?.tenantId ?? null);
  const since = snapshot ? formatMoment(parseTime(snapshot.fetchedAt) ?? now, now, format) : '';
  const stored = props.approvals?.state ?? null;
  const approvalState = stored && stored.principalId === auth.account?.oid ? stored : null;

  const accounts = props.accounts;
  const switcher = accounts && (
    <AccountSwitcher accounts={accounts.list} current={accounts.current} onSwitch={accounts.onSwitch} />
  );
  if (accounts?.all) {
    return (
      <div class="popup" data-popup-state="all-accounts">
        <Header
          account={null}
          tenantLabel={null}
          refreshing={refresh.inFlight}
          onRefresh={props.onRefresh}
          onOpenSettings={props.onOpenSettings}
          switcher={switcher}
        />
        <main class="content">
          <AllAccountsView {...accounts.all} now={now} />
        </main>
      </div>
    );
  }
  const acting = accounts && accounts.list.length > 1 ? accounts.list.find((a) => a.id === accounts.current) : null;

  return (
    <div class="popup" data-popup-state={state}>
      <Header
        switcher={switcher}
        account={signedIn ? auth.account : null}
        tenantLabel={tenant}
        refreshing={refresh.inFlight}
        onRefresh={signedIn && auth.status === 'signed-in' ? props.onRefresh : undefined}
        onOpenSettings={props.onOpenSettings}
        onSignOut={signedIn ? props.onSignOut : undefined}
      />
      <main class="content">
        {acting && (
          <p class="acting-as" data-testid="acting-as">
            <AccountTag account={acting} /> <span>{t('accountActsAs', acting.label)}</span>
          </p>
        )}
        {state === 'not-configured' && (
          <Notice
            id="not-configured"
            tone="info"
            panel
            title={t('notConfiguredTitle')}
            action={{ label: t('openSettings'), onClick: props.onOpenSettings }}
          >
            {t('notConfiguredText')}
          </Notice>
        )}
        {state === 'signed-out' && (
          <Notice
            id="signed-out"
            tone="info"
            panel
            title={t('signedOutTitle')}
            action={{ label: t('signIn'), onClick: props.onSignIn }}
          >
            {t('signedOutText')}
          </Notice>
        )}
        {auth.status === 'renewal-required' && state !== 'signed-out' && state !== 'not-configured' && (
          <Notice
            id="renewal-required"
            tone="warning"
            panel={state === 'renewal-required'}
            action={{ label: t('signInAgain'), onClick: props.onSignIn }}
          >
            {auth.detail ? `${t('renewalText')} ${t('renewalDetail', auth.detail)}` : t('renewalText')}
          </Notice>
        )}
        {state === 'loading' && <Skeleton />}
        {state === 'error' && (
          <Notice id="error" tone="error" panel action={{ label: t('retry'), onClick: props.onRefresh }}>
            {refresh.error ?? t('errorGeneric')}
          </Notice>
        )}
        {snapshot && refresh.offline && (
          <Notice id="offline" tone="warning" action={{ label: t('retry'), onClick: props.onRefresh }}>
            {t('offlineShowing', since)}
          </Notice>
        )}
        {snapshot && !refresh.offline && refresh.error && !refresh.inFlight && (
          <Notice id="refresh-error" tone="error" action={{ label: t('retry'), onClick: props.onRefresh }}>
            {`${refresh.error} ${t('showingDataFrom', since)}`}
          </Notice>
        )}
        {snapshot &&
          sectionNotes(snapshot, now, format).map((note) => (
            <Notice key={note.id} id={`section:${note.id}`} tone="warning">
              {note.text}
            </Notice>
          ))}
        {auth.status === 'signed-in' && props.approvals && (
          <ApprovalsSection
            approvals={waitingApprovals(approvalState, auth.account?.oid, now)}
            error={approvalState?.error ?? null}
            left={approvalState?.left ?? []}
            now={now}
            format={format}
            onDecide={props.approvals.onDecide}
          />
        )}
        {state === 'empty' && (
          <Notice
            id="empty"
            tone="info"
            panel
            title={t('emptyTitle')}
            action={{ label: t('refresh'), onClick: props.onRefresh }}
          >
            {t('emptyText')}
          </Notice>
        )}
        {state === 'list' && snapshot && (
          <List
            snapshot={snapshot}
            now={now}
            format={format}
            query={query}
            setQuery={setQuery}
            search={search}
            favourites={favourites}
            onToggleFavourite={props.onToggleFavourite}
            activation={props.activation}
          />
        )}
      </main>
    </div>
  );
}

interface ListProps {
  snapshot: Snapshot;
  now: number;
  format: TimeFormat;
  query: string;
  setQuery(q: string): void;
  search: RefObject<HTMLInputElement | null>;
  favourites: ReadonlySet<string>;
  onToggleFavourite(key: string): void;
  activation?: ActivationProps;
}

function List({
  snapshot,
  now,
  format,
  query,
  setQuery,
  search,
  favourites,
  onToggleFavourite,
  activation,
}: ListProps) {
  // Sorting starts from the last render's order: a refreshed snapshot is mostly in the same order (issue 18).
  const previous = useRef<PopupSections | undefined>(undefined);
  const { active, pending, eligible, shown, sections } = listSections({
    snapshot,
    now,
    format,
    query,
    favourites,
    onToggleFavourite,
    previous: previous.current,
  });
  previous.current = sections;
  return (
    <>
      <SearchBox value={query} onInput={setQuery} inputRef={search} />
      {shown === 0 && query.trim() !== '' && (
        <Notice id="no-match" tone="info" action={{ label: t('clearSearch'), onClick: () => setQuery('') }}>
          {t('noMatch', query.trim())}
        </Notice>
      )}
      {shown === 0 && query.trim() === '' && !snapshot.assignments.some((a) => isCurrent(a, now)) && (
        <Notice id="empty" tone="info">
          {t('emptyText')}
        </Notice>
      )}
      {activation ? (
        <ActivationLayer
          activation={activation}
          assignments={snapshot.assignments.filter((a) => isCurrent(a, now))}
          now={now}
          format={format}
          active={active}
          pending={pending}
          eligible={eligible}
        />
      ) : (
        <>
          {active}
          {pending}
          {eligible}
        </>
      )}
    </>
  );
}
