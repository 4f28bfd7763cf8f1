/** Options wiring: storage and messages in and out of OptionsView. */
import '../../lib/zod-jitless';
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { sampleRoleName } from '../../components/options/bundleChoices';
import { saveFile } from '../../components/options/download';
import { OptionsView, type LibraryProps, type OptionsViewProps } from '../../components/options/OptionsView';
import { t } from '../../lib/i18n';
import {
  connectionLocks,
  effectiveAccounts,
  effectiveSettingsItem,
  managed,
  type ManagedPolicy,
} from '../../lib/managed';
import { sendMessage } from '../../lib/messaging';
import {
  accountIdsIssuedItem,
  accountItems,
  accountsItem,
  bundlesItem,
  settingsItem,
  templatesItem,
} from '../../lib/storage';
import { nextAccountId, nextColour, type AccountEntry, type EffectiveAccount } from '../../lib/accounts';
import { ensureMigrated } from '../../lib/migrate';
import type { Connection } from '../../lib/connection';

const root = document.getElementById('app')!;
document.title = t('optionsTitle');
await ensureMigrated();

// The accounts as the product uses them (managed values laid over the user's); locked fields come from the policy.
let policy: ManagedPolicy = await managed.get();
let accounts: EffectiveAccount[] = await effectiveAccounts.get();
/** The account the Connection, Account and Activity sections are about: `#account=<id>`, else the first. */
let selected =
  accounts.find((a) => a.id === new URLSearchParams(location.hash.slice(1)).get('account'))?.id ?? accounts[0]!.id;
const items = () => accountItems(selected);
const connectionOfSelected = () => accounts.find((a) => a.id === selected)?.connection ?? null;
let data = { connection: connectionOfSelected(), auth: await items().authState.get() };
let azureRoles = (await effectiveSettingsItem.get()).azureRoles;
const organisation = (p: ManagedPolicy) => ({
  templates: p.templates ?? [],
  bundles: p.disableBundles ? [] : (p.bundles ?? []),
});
let library = {
  templates: await templatesItem.get(),
  bundles: await bundlesItem.get(),
  activity: await items().activity.get(),
  assignments: (await items().snapshot.get())?.assignments ?? null,
};

/** Writes the user's own list (the organisation's accounts are not stored), changing one entry or the order. */
async function editAccounts(change: (list: AccountEntry[]) => AccountEntry[]): Promise<void> {
  const stored = await accountsItem.get();
  // The first account may exist only as the default (nothing stored yet): store what is shown.
  const own: AccountEntry[] =
    stored.length > 0 ? stored : accounts.filter((a) => !a.managed).map(({ managed: _m, ...a }) => a);
  await accountsItem.set(change(own));
}

/** The organisation's connection fields apply to the first account; its own accounts are locked whole. */
function locksOf(id: string) {
  const account = accounts.find((a) => a.id === id);
  if (account?.managed) return { cloudId: true, tenant: true, clientId: true };
  const none = { cloudId: false, tenant: false, clientId: false };
  const anchor = accounts.find((a) => a.id === 'a1' && !a.managed) ?? accounts.find((a) => !a.managed);
  return anchor?.id === id ? connectionLocks(policy) : none;
}

/** A new, unconfigured account with an id never used before, then shown for editing. */
async function addAccount(): Promise<void> {
  const id = nextAccountId(
    accounts.map((a) => a.id),
    await accountIdsIssuedItem.get(),
  );
  await accountIdsIssuedItem.set(Number(id.slice(1)));
  await editAccounts((list) => [
    ...list,
    { id, label: t('accountDefaultLabel', id.slice(1)), colour: nextColour(accounts), connection: null },
  ]);
  await select(id);
}

const saveConnection = (connection: Connection) =>
  editAccounts((list) => list.map((a) => (a.id === selected ? { ...a, connection } : a)));

const props: Omit<OptionsViewProps, 'connection' | 'auth'> = {
  // identity.getRedirectURL() is https://<extension id>.chromiumapp.org/ on Chromium, and what Firefox's
  // launchWebAuthFlow accepts there.
  redirectUri: browser.identity.getRedirectURL(),
  onSaveConnection: saveConnection,
  onCopy: (text) => navigator.clipboard.writeText(text),
  onSignIn: () => void browser.tabs.create({ url: browser.runtime.getURL(`/signin.html?account=${selected}`) }),
  onSignOut: () => void sendMessage('auth.signOut', { accountId: selected }),
  check: {
    onCheck: () => sendMessage('connection.check', { accountId: selected }),
    onSignIn: () => void browser.tabs.create({ url: browser.runtime.getURL(`/signin.html?account=${selected}`) }),
    onCopy: (text) => navigator.clipboard.writeText(text),
  },
};

const libraryEvents: Omit<LibraryProps, keyof typeof library | 'sampleRole'> = {
  now: () => new Date(),
  format: { locale: browser.i18n.getUILanguage() },
  newId: () => crypto.randomUUID(),
  onSaveTemplates: (templates) => templatesItem.set(templates),
  onSaveBundles: (bundles) => bundlesItem.set(bundles),
  onImport: async (lib) => {
    await templatesItem.set(lib.templates);
    await bundlesItem.set(lib.bundles);
  },
  onClearActivity: () => items().activity.set([]),
  onDownload: (file) => saveFile(file),
};

const paint = () => {
  const sampleRole = sampleRoleName(library.assignments ?? []) ?? t('optSampleRole');
  render(
    <OptionsView
      {...data}
      {...props}
      locked={locksOf(selected)}
      organisation={organisation(policy)}
      azure={{
        enabled: azureRoles,
        locked: policy.disableAzureRoles === true,
        onChange: (enabled) => void settingsItem.get().then((s) => settingsItem.set({ ...s, azureRoles: enabled })),
      }}
      library={{ ...library, ...libraryEvents, sampleRole }}
      accounts={{
        accounts,
        selected,
        canAdd: policy.disableUserAccounts !== true,
        onSelect: (id) => void select(id),
        onAdd: () => void addAccount(),
        onRename: (id, label, colour) =>
          void editAccounts((list) => list.map((a) => (a.id === id ? { ...a, label, colour } : a))),
        onMove: (id, by) =>
          void editAccounts((list) => {
            const i = list.findIndex((a) => a.id === id);
            const j = i + by;
            if (i < 0 || j < 0 || j >= list.length) return list;
            const next = [...list];
            [next[i], next[j]] = [next[j]!, next[i]!];
            return next;
          }),
        onRemove: async (id) => {
          await sendMessage('accounts.remove', { accountId: id });
        },
      }}
    />,
    root,
  );
};
/** Shows another account's connection, sign-in and history (the accounts' own items are watched anew). */
let unwatch: (() => void)[] = [];
async function select(id: string): Promise<void> {
  selected = id;
  history.replaceState(null, '', `#account=${id}`);
  unwatch.forEach((u) => u());
  const mine = items();
  unwatch = [
    mine.authState.watch((auth) => {
      data = { ...data, auth };
      paint();
    }),
    mine.activity.watch((activity) => {
      library = { ...library, activity };
      paint();
    }),
    mine.snapshot.watch((snapshot) => {
      library = { ...library, assignments: snapshot?.assignments ?? null };
      paint();
    }),
  ];
  const [auth, activity, snapshot] = await Promise.all([
    mine.authState.get(),
    mine.activity.get(),
    mine.snapshot.get(),
  ]);
  if (selected !== id) return;
  data = { connection: connectionOfSelected(), auth };
  library = { ...library, activity, assignments: snapshot?.assignments ?? null };
  paint();
}

paint();
await select(selected);
effectiveAccounts.watch((next) => {
  accounts = next;
  if (!accounts.some((a) => a.id === selected)) void select(accounts[0]!.id);
  data = { ...data, connection: connectionOfSelected() };
  paint();
});
effectiveSettingsItem.watch((settings) => {
  azureRoles = settings.azureRoles;
  paint();
});
managed.watch((next) => {
  policy = next;
  paint();
});
// The popup and the background write these too (imports in another tab, new activity): follow them live.
templatesItem.watch((templates) => {
  library = { ...library, templates };
  paint();
});
bundlesItem.watch((bundles) => {
  library = { ...library, bundles };
  paint();
});
