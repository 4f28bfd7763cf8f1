/** The sign-in tab: which tenant and app, one primary action, and what happened. Props in, events out. */
import { useState } from 'preact/hooks';
import { errorCodeOf } from '../../lib/auth/errors';
import { t } from '../../lib/i18n';
import type { Account, Connection } from '../../lib/storage';

export interface SignInPageProps {
  connection: Connection | null;
  cloudLabel: string;
  optionsUrl: string;
  /** The interactive sign-in; rejects with an error whose `code` is 'cancelled' when the window was closed. */
  signIn(): Promise<Account>;
  onSignedIn(account: Account): void;
}

type Phase =
  | { kind: 'ready' }
  | { kind: 'working' }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string }
  | { kind: 'done'; account: Account };

export function SignInPage(props: SignInPageProps) {
  const [phase, setPhase] = useState<Phase>({ kind: 'ready' });

  const start = async () => {
    setPhase({ kind: 'working' });
    try {
      const account = await props.signIn();
      setPhase({ kind: 'done', account });
      props.onSignedIn(account);
    } catch (e) {
      if (errorCodeOf(e) === 'cancelled') setPhase({ kind: 'cancelled' });
      else setPhase({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  };

  if (!props.connection) {
    return (
      <main class="signin" data-testid="signin-page" data-phase="not-configured">
        <h1>{t('signinHeading')}</h1>
        <p>{t('signinNotConfigured')}</p>
        <a class="btn btn-primary" href={props.optionsUrl}>
          {t('openSettings')}
        </a>
      </main>
    );
  }

  return (
    <main class="signin" data-testid="signin-page" data-phase={phase.kind}>
      <h1>{t('signinHeading')}</h1>
      <dl class="facts">
        <dt>{t('signinTenant')}</dt>
        <dd>
          <code>{props.connection.tenant}</code>
        </dd>
        <dt>{t('signinClient')}</dt>
        <dd>
          <code>{props.connection.clientId}</code>
        </dd>
        <dt>{t('signinCloud')}</dt>
        <dd>{props.cloudLabel}</dd>
      </dl>
      {phase.kind === 'done' ? (
        <p role="status" class="signin-done">
          {t('signinDone', phase.account.name, phase.account.username)}
        </p>
      ) : (
        <>
          <p class="signin-intro">{t('signinIntro')}</p>
          <button
            type="button"
            class="btn btn-primary"
            data-testid="signin"
            onClick={() => void start()}
            disabled={phase.kind === 'working'}
          >
            {t('signinButton')}
          </button>
          <p role="status" class="signin-status">
            {phase.kind === 'working' && t('signinWorking')}
            {phase.kind === 'cancelled' && t('signinCancelled')}
          </p>
          {phase.kind === 'failed' && (
            <p role="alert" class="signin-error">
              {t('signinFailed', phase.message)}
            </p>
          )}
        </>
      )}
    </main>
  );
}
