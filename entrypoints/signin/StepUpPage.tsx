/**
 * The sign-in tab in step-up mode: what waits for the extra check, one "Verify" button, then what happened to each
 * waiting activation. Props in, events out; the MSAL call and the message to the background come in as `verify`.
 */
import { useState } from 'preact/hooks';
import type { StepUpOutcome } from '../../lib/auth/signin';
import { t } from '../../lib/i18n';

export interface StepUpPageProps {
  /** "activate Application Administrator"; null when the waiting activations are no longer known. */
  what: string | null;
  username: string | null;
  /** null: nothing waits for this page (unknown or expired step-up): it says so and offers no button. */
  verify: (() => Promise<StepUpOutcome>) | null;
}

type Phase = { kind: 'ready' } | { kind: 'working' } | ({ kind: 'finished' } & StepUpOutcome);

export function StepUpPage(props: StepUpPageProps) {
  const [phase, setPhase] = useState<Phase>({ kind: 'ready' });

  const verify = props.verify;
  const start = async () => {
    if (!verify) return;
    setPhase({ kind: 'working' });
    setPhase({ kind: 'finished', ...(await verify()) });
  };

  if (!verify) {
    return (
      <main class="signin" data-testid="stepup-page" data-phase="nothing">
        <h1>{t('stepupHeading')}</h1>
        <p class="signin-intro">{t('stepupNothing')}</p>
      </main>
    );
  }

  const finished = phase.kind === 'finished' ? phase : null;
  return (
    <main class="signin" data-testid="stepup-page" data-phase={finished ? finished.status : phase.kind}>
      <h1>{t('stepupHeading')}</h1>
      <p class="signin-intro">{props.what ? t('stepupIntro', props.what) : t('stepupIntroUnknown')}</p>
      {props.username && <p>{t('stepupAccount', props.username)}</p>}
      {!finished && (
        <>
          <button
            type="button"
            class="btn btn-primary"
            data-testid="stepup"
            onClick={() => void start()}
            disabled={phase.kind === 'working'}
          >
            {t('stepupButton')}
          </button>
          <p role="status" class="signin-status">
            {phase.kind === 'working' && t('stepupWorking')}
          </p>
        </>
      )}
      {finished && (
        <div role="status" data-testid="stepup-results">
          {finished.status === 'cancelled' && <p>{t('stepupCancelled')}</p>}
          {finished.status === 'failed' && (
            <p role="alert" class="signin-error">
              {t('stepupFailed', finished.message)}
            </p>
          )}
          {finished.status === 'done' && (
            <ul class="stepup-results">
              {finished.results.map((r) => (
                <li
                  key={r.key}
                  data-kind={r.kind}
                  class={r.kind === 'ok' || r.kind === 'state' ? 'signin-done' : 'signin-error'}
                >
                  {r.text}
                </li>
              ))}
            </ul>
          )}
          {finished.status === 'done' && <p>{t('stepupClose')}</p>}
        </div>
      )}
    </main>
  );
}
