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
  effectiveConnectionItem,
  effectiveSettingsItem,
  managed,
  type ManagedPolicy,
} from '../../lib/managed';
import { sendMessage } from '../../lib/messaging';
import {
  activityItem,
  authStateItem,
  bundlesItem,
  connectionItem,
  settingsItem,
  snapshotItem,
  templatesItem,
} from '../../lib/storage';

const root = document.getElementById('app')!;
document.title = t('optionsTitle');

// The connection as the product uses it (managed values laid over the user's); locked fields come from the policy.
let policy: ManagedPolicy = await managed.get();
let data = { connection: await effectiveConnectionItem.get(), auth: await authStateItem.get() };
let azureRoles = (await effectiveSettingsItem.get()).azureRoles;
const organisation = (p: ManagedPolicy) => ({
  templates: p.templates ?? [],
  bundles: p.disableBundles ? [] : (p.bundles ?? []),
});
let library = {
  templates: await templatesItem.get(),
  bundles: await bundlesItem.get(),
  activity: await activityItem.get(),
  assignments: (await snapshotItem.get())?.assignments ?? null,
};

const props: Omit<OptionsViewProps, 'connection' | 'auth'> = {
  // identity.getRedirectURL() is https://<extension id>.chromiumapp.org/ on Chromium, and what Firefox's
  // launchWebAuthFlow accepts there.
  redirectUri: browser.identity.getRedirectURL(),
  onSaveConnection: (connection) => connectionItem.set(connection),
  onCopy: (text) => navigator.clipboard.writeText(text),
  onSignIn: () => void browser.tabs.create({ url: browser.runtime.getURL('/signin.html') }),
  onSignOut: () => void sendMessage('auth.signOut', {}),
  check: {
    onCheck: () => sendMessage('connection.check', {}),
    onSignIn: () => void browser.tabs.create({ url: browser.runtime.getURL('/signin.html') }),
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
  onClearActivity: () => activityItem.set([]),
  onDownload: (file) => saveFile(file),
};

const paint = () => {
  const sampleRole = sampleRoleName(library.assignments ?? []) ?? t('optSampleRole');
  render(
    <OptionsView
      {...data}
      {...props}
      locked={connectionLocks(policy)}
      organisation={organisation(policy)}
      azure={{
        enabled: azureRoles,
        locked: policy.disableAzureRoles === true,
        onChange: (enabled) => void settingsItem.get().then((s) => settingsItem.set({ ...s, azureRoles: enabled })),
      }}
      library={{ ...library, ...libraryEvents, sampleRole }}
    />,
    root,
  );
};
paint();
effectiveConnectionItem.watch((connection) => {
  data = { ...data, connection };
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
authStateItem.watch((auth) => {
  data = { ...data, auth };
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
activityItem.watch((activity) => {
  library = { ...library, activity };
  paint();
});
snapshotItem.watch((snapshot) => {
  library = { ...library, assignments: snapshot?.assignments ?? null };
  paint();
});
