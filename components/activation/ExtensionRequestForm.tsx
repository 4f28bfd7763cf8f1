/** Ask the PIM admins to extend a role eligibility that is about to end: one reason, then send (selfExtend). */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../lib/i18n';
import { checkJustification, JustificationField } from './JustificationField';

export interface ExtensionRequestFormProps {
  displayName: string;
  busy: boolean;
  onSubmit(justification: string): void;
  onCancel(): void;
}

export function ExtensionRequestForm({ displayName, busy, onSubmit, onCancel }: ExtensionRequestFormProps) {
  const form = useRef<HTMLFormElement>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const live = checkJustification(text, true);

  useLayoutEffect(() => form.current?.querySelector('textarea')?.focus(), []);

  return (
    <form
      class="act-form"
      ref={form}
      data-testid="extension-form"
      aria-label={t('actExtensionFormLabel', displayName)}
      noValidate
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        e.stopPropagation();
        onCancel();
      }}
      onSubmit={(e) => {
        e.preventDefault();
        if (busy) return;
        setError(live.error);
        if (live.error) form.current?.querySelector('textarea')?.focus();
        else onSubmit(text.trim());
      }}
    >
      <p class="act-hint">{t('actExtensionFormIntro')}</p>
      <JustificationField
        value={text}
        required
        error={error}
        liveError={live.error && text.trim() ? live.error : null}
        warning={live.warning}
        label={t('actExtensionFormReason')}
        onInput={(v) => {
          setText(v);
          setError(null);
        }}
      />
      <div class="act-buttons">
        <button type="submit" class="btn btn-primary" data-testid="extension-submit" aria-busy={busy} disabled={busy}>
          {busy ? t('actFormSubmitting') : t('actExtensionFormSubmit')}
        </button>
        <button type="button" class="btn btn-subtle" onClick={onCancel}>
          {t('actFormCancel')}
        </button>
      </div>
    </form>
  );
}
