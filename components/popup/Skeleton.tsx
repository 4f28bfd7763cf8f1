import { t } from '../../lib/i18n';

/** Placeholder rows while the first snapshot is being fetched: the layout does not jump when it lands. */
export function Skeleton({ rows = 4 }: { rows?: number }) {
  return (
    <div class="skeleton" data-testid="loading" role="status" aria-live="polite">
      <span class="visually-hidden">{t('loading')}</span>
      {Array.from({ length: rows }, (_, i) => (
        <div class="skeleton-row" key={i} aria-hidden="true">
          <div class="skeleton-line skeleton-line-title" />
          <div class="skeleton-line" />
        </div>
      ))}
    </div>
  );
}
