/**
 * An inline "are you sure" row instead of window.confirm: it stays inside the page's focus order and styles, and the
 * safe choice (Cancel) gets focus so an Enter pressed by habit does not destroy anything.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { t } from '../../lib/i18n';

export interface ConfirmInlineProps {
  children: ComponentChildren;
  confirmLabel: string;
  onConfirm(): void;
  onCancel(): void;
  testId?: string;
  /** Disables both buttons while the confirmed action runs. */
  busy?: boolean;
}

export function ConfirmInline({ children, confirmLabel, onConfirm, onCancel, testId, busy }: ConfirmInlineProps) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div
      class="confirm"
      role="group"
      aria-label={confirmLabel}
      data-testid={testId}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <div class="confirm-text">{children}</div>
      <div class="form-actions">
        <button
          type="button"
          class="btn btn-danger"
          onClick={onConfirm}
          disabled={busy}
          data-testid={testId && `${testId}-confirm`}
        >
          {confirmLabel}
        </button>
        <button
          type="button"
          class="btn"
          ref={cancel}
          onClick={onCancel}
          disabled={busy}
          data-testid={testId && `${testId}-cancel`}
        >
          {t('optCancel')}
        </button>
      </div>
    </div>
  );
}
