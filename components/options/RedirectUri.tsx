/** The redirect URI to register on the app registration, with a copy button (copying is an event: no API use here). */
import { useState } from 'preact/hooks';
import { t } from '../../lib/i18n';

export interface RedirectUriProps {
  uri: string;
  onCopy(text: string): Promise<void>;
}

export function RedirectUri({ uri, onCopy }: RedirectUriProps) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await onCopy(uri);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div class="field">
      <span class="label" id="redirect-label">
        {t('redirectUriLabel')}
      </span>
      <div class="copy-row">
        <code class="code" aria-labelledby="redirect-label" data-testid="redirect-uri">
          {uri}
        </code>
        <button type="button" class="btn btn-subtle" onClick={copy} data-testid="copy-redirect">
          {t('copy')}
        </button>
      </div>
      <p class="field-hint" role="status">
        {copied === 'copied' ? t('copied') : copied === 'failed' ? t('copyFailed') : t('redirectUriHint')}
      </p>
    </div>
  );
}
