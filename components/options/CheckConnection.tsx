/**
 * Check connection: asks the background to call each Graph endpoint once and shows, per delegated permission, "ok",
 * "not consented" (with the admin-consent link for a Global Administrator) or "forbidden". Props in, events out: the
 * entrypoint sends the message and opens the sign-in tab.
 */
import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../lib/i18n';
import type { ConnectionCheck, ScopeCheck } from '../../lib/messaging';

export interface CheckConnectionProps {
  onCheck(): Promise<ConnectionCheck>;
  /** Opens the sign-in page; called when the check finds nobody signed in. */
  onSignIn(): void;
  onCopy(text: string): Promise<void>;
}

type State =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'done'; result: ConnectionCheck }
  | { kind: 'broken'; message: string };

const STATUS_TEXT: Record<ScopeCheck['status'], MessageKey> = {
  ok: 'checkOk',
  'not-consented': 'checkNotConsented',
  forbidden: 'checkForbidden',
  error: 'checkError',
  skipped: 'checkSkipped',
};

export function CheckConnection({ onCheck, onSignIn, onCopy }: CheckConnectionProps) {
  const [state, setState] = useState<State>({ kind: 'idle' });

  const run = async () => {
    setState({ kind: 'running' });
    try {
      const result = await onCheck();
      if (result.kind === 'sign-in-required') onSignIn();
      setState({ kind: 'done', result });
    } catch (e) {
      setState({ kind: 'broken', message: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <div class="field check-connection" data-testid="check-connection">
      <div class="form-actions">
        <button
          type="button"
          class="btn btn-subtle"
          onClick={run}
          disabled={state.kind === 'running'}
          data-testid="check-connection-run"
        >
          {t('checkConnection')}
        </button>
        <span class="form-status" role="status" data-testid="check-connection-status">
          {state.kind === 'running' && t('checkRunning')}
          {state.kind === 'broken' && t('checkBroken', state.message)}
          {state.kind === 'done' && summary(state.result)}
        </span>
      </div>
      {state.kind === 'done' && state.result.kind === 'checked' && <Results result={state.result} onCopy={onCopy} />}
    </div>
  );
}

function summary(result: ConnectionCheck): string {
  switch (result.kind) {
    case 'not-configured':
      return t('checkNotConfigured');
    case 'sign-in-required':
      return t('checkSignInFirst');
    case 'failed':
      return t('checkFailed', result.detail);
    case 'checked':
      return result.scopes.every((s) => s.status === 'ok' || s.status === 'skipped')
        ? t('checkAllOk')
        : t('checkSomeFailed');
  }
}

function Results({
  result,
  onCopy,
}: {
  result: Extract<ConnectionCheck, { kind: 'checked' }>;
  onCopy(text: string): Promise<void>;
}) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const needsConsent = result.scopes.some((s) => s.status === 'not-consented');
  const copy = async () => {
    try {
      await onCopy(result.adminConsentUrl);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <>
      <ul class="check-results" data-testid="check-results">
        {result.scopes.map((s) => (
          <li key={s.scope} data-scope={s.scope} data-status={s.status}>
            <code>{s.scope}</code> <strong class={`check-status check-${s.status}`}>{t(STATUS_TEXT[s.status])}</strong>
            {s.detail && s.status !== 'ok' && <p class="field-hint">{s.detail}</p>}
          </li>
        ))}
      </ul>
      {needsConsent && (
        <div class="check-consent" data-testid="check-consent">
          <p>{t('checkConsentHint')}</p>
          <div class="copy-row">
            <code class="code" data-testid="admin-consent-url">
              {result.adminConsentUrl}
            </code>
            <button type="button" class="btn btn-subtle" onClick={copy}>
              {t('copy')}
            </button>
          </div>
          <p class="field-hint" role="status">
            {copied === 'copied' ? t('copied') : copied === 'failed' ? t('copyFailed') : ''}
          </p>
        </div>
      )}
    </>
  );
}
