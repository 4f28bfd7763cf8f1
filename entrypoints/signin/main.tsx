/** Sign-in tab wiring: one PCA for the page, MSAL's interactive flow in, the recorded account out. */
import '../../lib/zod-jitless';
import type { PublicClientApplication } from '@azure/msal-browser';
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { cloudById } from '../../lib/clouds';
import { t } from '../../lib/i18n';
import { accountInfo, createPca, signInInteractive, signOut } from '../../lib/auth/msal';
import { parseSignInMode, recordSignIn, runStepUp, type StepUpMode } from '../../lib/auth/signin';
import { sendMessage } from '../../lib/messaging';
import { effectiveAccounts } from '../../lib/managed';
import { ensureMigrated } from '../../lib/migrate';
import { accountItems, type Connection } from '../../lib/storage';
import { SignInPage } from './SignInPage';
import { StepUpPage } from './StepUpPage';
import './signin.css';

document.title = t('signinTitle');
const mode = parseSignInMode(location.search);
await ensureMigrated();
// Which account signs in (issue 16): `?account=<id>` from the popup, options or a notification; else the first.
const accounts = await effectiveAccounts.get();
const wanted = new URLSearchParams(location.search).get('account');
const account = accounts.find((a) => a.id === wanted) ?? accounts[0]!;
const { authState: authStateItem, stepUps: stepUpsItem } = accountItems(account.id);
const connection = account.connection;

// One PCA per page: MSAL keeps the request it is waiting on (PKCE verifier, state) in this document.
let pca: Promise<PublicClientApplication> | null = null;
function client(c: Connection): Promise<PublicClientApplication> {
  pca ??= createPca(c).catch((e: unknown) => {
    pca = null;
    throw e;
  });
  return pca;
}

async function signIn() {
  const app = await client(connection!);
  const signedIn = accountInfo(await signInInteractive(app));
  await recordSignIn(signedIn, {
    authState: authStateItem,
    forget: async (homeAccountId) => {
      // Only that account: signOut without one would clear the account just signed in too.
      const previous = app.getAccount({ homeAccountId });
      if (previous) await signOut(app, previous);
    },
    notify: () => sendMessage('auth.signedIn', { accountId: account.id }),
  });
  return signedIn;
}

/** Step-up mode: the claims come from the background's URL; the token goes straight back to it (never stored). */
async function renderStepUp(step: StepUpMode, c: Connection) {
  document.title = t('stepupTitle');
  const [auth, waiting] = await Promise.all([authStateItem.get(), stepUpsItem.get()]);
  // Only a step-up the background is waiting for, with the claims it stored: a URL made up by someone else (another
  // extension can open this page) gets "nothing to verify" and no button.
  const pending = waiting.find((p) => p.stepUpId === step.stepUpId) ?? null;
  const items = pending?.items ?? [];
  const names = (action: string) =>
    items
      .filter((i) => i.action === action)
      .map((i) => i.displayName)
      .join(', ');
  const what = [
    names('activate') && t('stepupActivate', names('activate')),
    names('extend') && t('stepupExtend', names('extend')),
  ]
    .filter(Boolean)
    .join('; ');
  const username = auth.account?.username ?? null;
  render(
    <StepUpPage
      what={what || null}
      username={username}
      verify={
        pending
          ? () =>
              runStepUp(
                { ...step, claims: pending.claims },
                {
                  acquire: async (claims) =>
                    (await signInInteractive(await client(c), { claims, loginHint: username ?? undefined }))
                      .accessToken,
                  report: (payload) => sendMessage('auth.stepUpDone', { ...payload, accountId: account.id }),
                },
              )
          : null
      }
    />,
    document.getElementById('app')!,
  );
}

if (mode.kind === 'stepup' && connection) {
  await renderStepUp(mode, connection);
} else {
  render(
    <SignInPage
      connection={connection}
      cloudLabel={connection ? cloudById(connection.cloudId).label : ''}
      optionsUrl={browser.runtime.getURL('/options.html')}
      signIn={signIn}
      onSignedIn={() => undefined}
    />,
    document.getElementById('app')!,
  );
}
