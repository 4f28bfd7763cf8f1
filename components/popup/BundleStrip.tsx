/**
 * Saved bundles above Eligible: one click activates every item of a bundle with its template. The preview line says
 * what would happen (lib/pim/bundles planBundle); after a run, each item's answer is listed under the bundle.
 */
import { t } from '../../lib/i18n';
import type { CommandResult } from '../../lib/messaging';
import { planBundle, type Bundle } from '../../lib/pim/bundles';
import type { Assignment } from '../../lib/pim/model';

export interface BundleStripProps {
  bundles: readonly Bundle[];
  assignments: readonly Assignment[];
  now: number;
  busyId: string | null;
  results: ReadonlyMap<string, CommandResult[]>;
  onActivate(bundle: Bundle): void;
}

function previewText(plan: ReturnType<typeof planBundle>): string {
  const parts = [t('actBundleToActivate', plan.toActivate)];
  const active = plan.steps.filter((s) => s.action === 'skip' && s.reason === 'active').length;
  const pending = plan.skipped - active;
  if (active) parts.push(t('actBundleSkipActive', active));
  if (pending) parts.push(t('actBundleSkipPending', pending));
  if (plan.missing) parts.push(t('actBundleMissing', plan.missing));
  return parts.join(' · ');
}

export function BundleStrip({ bundles, assignments, now, busyId, results, onActivate }: BundleStripProps) {
  if (bundles.length === 0) return null;
  const nameOf = (key: string) => assignments.find((a) => a.key === key)?.displayName ?? key;
  return (
    <section class="section bundles" data-testid="bundles" aria-labelledby="section-bundles">
      <h2 class="section-title" id="section-bundles">
        {t('actSectionBundles')}
      </h2>
      <ul class="bundle-list">
        {bundles.map((b) => {
          const plan = planBundle(b, assignments, new Date(now));
          const busy = busyId === b.id;
          const skipped = plan.steps.filter((s) => s.action !== 'activate').map((s) => nameOf(s.key));
          const answers = results.get(b.id);
          return (
            <li class="bundle" key={b.id} data-bundle-id={b.id}>
              <button
                type="button"
                class="btn bundle-button"
                disabled={busy || plan.toActivate === 0}
                aria-busy={busy}
                aria-describedby={`bundle-preview-${b.id}`}
                title={skipped.length ? t('actBundleSkippedList', skipped.join(', ')) : undefined}
                data-testid="bundle-activate"
                onClick={() => onActivate(b)}
              >
                {busy && <span class="spinner" aria-hidden="true" />}
                {t('actBundleActivate', b.name)}
              </button>
              <span class="bundle-preview" id={`bundle-preview-${b.id}`} data-testid="bundle-preview">
                {previewText(plan)}
              </span>
              {answers && answers.length > 0 && (
                <ul class="bundle-results" data-testid="bundle-results" aria-live="polite">
                  {answers.map((r) => (
                    <li
                      key={r.key}
                      class={`row-result row-result-${r.kind === 'ok' ? 'ok' : r.kind === 'state' || r.kind === 'stepUp' ? 'info' : 'error'}`}
                      data-kind={r.kind}
                    >
                      <strong>{nameOf(r.key)}</strong>: {r.kind === 'stepUp' ? t('actResultStepUp') : r.text}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
