/**
 * Shown while eligible rows are ticked (or a form for several items is open): "Activate N selected" (one click when all
 * are ready, else one form) and Clear.
 */
import type { ComponentChildren } from 'preact';
import { t } from '../../lib/i18n';

/** pim.activate takes at most 20 keys (lib/messaging). */
export const MAX_SELECTED = 20;

export interface SelectionBarProps {
  count: number;
  busy: boolean;
  oneClick: boolean;
  onActivate(): void;
  onClear(): void;
  /** The form for the selection, when open. */
  children?: ComponentChildren;
}

export function SelectionBar({ count, busy, oneClick, onActivate, onClear, children }: SelectionBarProps) {
  if (count === 0 && !children) return null;
  const tooMany = count > MAX_SELECTED;
  return (
    <div class="selection" data-testid="selection-bar" role="region" aria-label={t('actSelectionLabel')}>
      {children}
      {count > 0 && (
        <div class="selection-bar">
          <button
            type="button"
            class="btn btn-primary btn-small"
            disabled={busy || tooMany}
            aria-busy={busy}
            title={oneClick ? t('actSelectionOneClick') : t('actActivateTooltipForm')}
            data-testid="activate-selected"
            onClick={onActivate}
          >
            {busy && <span class="spinner" aria-hidden="true" />}
            {t('actActivateSelected', count)}
          </button>
          <button type="button" class="btn btn-subtle btn-small" onClick={onClear} data-testid="clear-selection">
            {t('actClearSelection')}
          </button>
          {tooMany && <span class="row-actions-note">{t('actSelectionTooMany', MAX_SELECTED)}</span>}
        </div>
      )}
    </div>
  );
}
