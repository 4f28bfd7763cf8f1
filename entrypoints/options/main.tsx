/** Options wiring: storage and messages in and out of OptionsView. */
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { OptionsView, type OptionsViewProps } from '../../components/options/OptionsView';
import { t } from '../../lib/i18n';
import { sendMessage } from '../../lib/messaging';
import { authStateItem, connectionItem } from '../../lib/storage';

const root = document.getElementById('app')!;
document.title = t('optionsTitle');

let data = { connection: await connectionItem.get(), auth: await authStateItem.get() };

const props: Omit<OptionsViewProps, 'connection' | 'auth'> = {
  // identity.getRedirectURL() is https://<extension id>.chromiumapp.org/ on Chromium, and what Firefox's
  // launchWebAuthFlow accepts there.
  redirectUri: browser.identity.getRedirectURL(),
  onSaveConnection: (connection) => connectionItem.set(connection),
  onCopy: (text) => navigator.clipboard.writeText(text),
  onSignIn: () => void browser.tabs.create({ url: browser.runtime.getURL('/signin.html') }),
  onSignOut: () => void sendMessage('auth.signOut', {}),
};

const paint = () => render(<OptionsView {...data} {...props} />, root);
paint();
connectionItem.watch((connection) => {
  data = { ...data, connection };
  paint();
});
authStateItem.watch((auth) => {
  data = { ...data, auth };
  paint();
});
