/**
 * Import and export of the template library (templates + bundles) as one JSON file. Import never writes on its own:
 * a bad file is rejected with the parser's sentence (what and where), a good one is shown as a plan (what is new,
 * what would be overwritten) and applied only when the user confirms.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { plural, t } from '../../lib/i18n';
import type { Bundle } from '../../lib/pim/bundles';
import {
  applyImport,
  exportLibrary,
  parseImport,
  planImport,
  type ImportPlanFor,
  type Template,
  type TemplateLibrary,
} from '../../lib/pim/templates';
import type { DownloadFile } from './download';
import { errorText } from './format';

export const EXPORT_FILE_NAME = 'pim-companion-templates.json';

export interface TemplatesTransferProps {
  templates: Template[];
  bundles: Bundle[];
  onImport(library: TemplateLibrary): Promise<void>;
  onDownload(file: DownloadFile): void;
}

type State =
  | { kind: 'idle' }
  | { kind: 'rejected'; file: string; reason: string }
  | { kind: 'review'; file: string; incoming: TemplateLibrary; applying: boolean; failed: string | null }
  | { kind: 'done'; templates: number; bundles: number };

export function TemplatesTransfer({ templates, bundles, onImport, onDownload }: TemplatesTransferProps) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const input = useRef<HTMLInputElement>(null);
  const chooser = useRef<HTMLButtonElement>(null);
  const review = useRef<HTMLDivElement>(null);
  const incoming = state.kind === 'review' ? state.incoming : null;
  // Planned against the current library at every render, so a change made meanwhile (another tab) is what is shown
  // and what is applied.
  const plan = useMemo(
    () => (incoming ? planImport({ templates, bundles }, incoming) : null),
    [incoming, templates, bundles],
  );

  const choose = async (e: Event) => {
    const el = e.currentTarget as HTMLInputElement;
    const file = el.files?.[0];
    if (!file) return;
    let text: string;
    try {
      text = await file.text();
    } catch (err) {
      setState({ kind: 'rejected', file: file.name, reason: errorText(err) });
      return;
    } finally {
      // Choosing the same file again (after fixing it) must fire change again.
      el.value = '';
    }
    const parsed = parseImport(text, t);
    setState(
      parsed.ok
        ? { kind: 'review', file: file.name, incoming: parsed.data, applying: false, failed: null }
        : { kind: 'rejected', file: file.name, reason: parsed.error },
    );
  };

  const confirm = async () => {
    if (state.kind !== 'review' || !plan) return;
    setState({ ...state, applying: true, failed: null });
    try {
      await onImport(applyImport({ templates, bundles }, plan));
      setState({ kind: 'done', templates: state.incoming.templates.length, bundles: state.incoming.bundles.length });
      chooser.current?.focus();
    } catch (err) {
      setState({ ...state, applying: false, failed: t('saveFailed', errorText(err)) });
    }
  };

  const cancel = () => {
    setState({ kind: 'idle' });
    chooser.current?.focus();
  };

  // A file dialog returns focus to the (now disabled) Import button: take the keyboard to the plan it asks about.
  const reviewing = state.kind === 'review';
  useEffect(() => {
    if (reviewing) review.current?.focus();
  }, [reviewing]);

  const exportNow = () =>
    onDownload({ name: EXPORT_FILE_NAME, type: 'application/json', text: exportLibrary({ templates, bundles }) });

  const overwrites = plan ? plan.templates.overwritten.length + plan.bundles.overwritten.length : 0;
  const empty = plan ? plan.templates.added.length + plan.bundles.added.length + overwrites === 0 : false;

  return (
    <div class="transfer" aria-labelledby="transfer-title">
      <h3 id="transfer-title">{t('optTransferTitle')}</h3>
      <p class="section-intro">{t('optTransferIntro')}</p>
      <div class="form-actions">
        <button
          type="button"
          class="btn"
          ref={chooser}
          onClick={() => input.current?.click()}
          disabled={state.kind === 'review'}
        >
          {t('optImportChoose')}
        </button>
        <input
          ref={input}
          type="file"
          accept=".json,application/json"
          hidden
          tabIndex={-1}
          aria-label={t('optImportChoose')}
          data-testid="templates-import"
          onChange={(e) => void choose(e)}
        />
        <button type="button" class="btn" onClick={exportNow} data-testid="templates-export">
          {t('optExport')}
        </button>
      </div>
      {state.kind === 'rejected' && (
        <div class="lib-notice lib-notice-error" role="alert" data-testid="import-error">
          <p class="lib-notice-title">{t('optImportRejected', state.file)}</p>
          <p class="lib-notice-text" data-testid="import-error-reason">
            {state.reason}
          </p>
          <p class="lib-notice-text">{t('optImportNothingChanged')}</p>
        </div>
      )}
      {state.kind === 'done' && (
        <p class="form-status" role="status" data-testid="import-done">
          {t(
            'optImportDone',
            plural(t, 'optImportTemplates', state.templates),
            plural(t, 'optImportBundles', state.bundles),
          )}
        </p>
      )}
      {state.kind === 'review' && plan && (
        <div
          class="lib-notice import-plan"
          role="region"
          aria-labelledby="import-plan-title"
          data-testid="import-plan"
          ref={review}
          tabIndex={-1}
        >
          <p class="lib-notice-title" id="import-plan-title">
            {t('optImportReviewTitle', state.file)}
          </p>
          {empty ? (
            <p class="lib-notice-text">{t('optImportEmpty')}</p>
          ) : (
            <>
              <PlanList
                plan={plan.templates}
                added={t('optImportAddTemplates')}
                overwritten={t('optImportOverwriteTemplates')}
                testId="import-plan-templates"
              />
              <PlanList
                plan={plan.bundles}
                added={t('optImportAddBundles')}
                overwritten={t('optImportOverwriteBundles')}
                testId="import-plan-bundles"
              />
            </>
          )}
          {state.failed && (
            <p class="field-error" role="alert">
              {state.failed}
            </p>
          )}
          <div class="form-actions">
            {!empty && (
              <button
                type="button"
                class={overwrites ? 'btn btn-danger' : 'btn btn-primary'}
                onClick={() => void confirm()}
                disabled={state.applying}
                data-testid="import-confirm"
              >
                {overwrites ? t('optImportConfirmOverwrite', overwrites) : t('optImportConfirm')}
              </button>
            )}
            <button type="button" class="btn" onClick={cancel} disabled={state.applying} data-testid="import-cancel">
              {empty ? t('optClose') : t('optCancel')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

function PlanList<T extends { id: string; name: string }>({
  plan,
  added,
  overwritten,
  testId,
}: {
  plan: ImportPlanFor<T>;
  added: string;
  overwritten: string;
  testId: string;
}) {
  if (!plan.added.length && !plan.overwritten.length) return null;
  return (
    <div data-testid={testId}>
      {plan.added.length > 0 && (
        <>
          <p class="lib-notice-text plan-heading">{added}</p>
          <ul class="plan-list" data-testid={`${testId}-added`}>
            {plan.added.map((item) => (
              <li key={item.id}>{item.name}</li>
            ))}
          </ul>
        </>
      )}
      {plan.overwritten.length > 0 && (
        <>
          <p class="lib-notice-text plan-heading plan-warning">{overwritten}</p>
          <ul class="plan-list" data-testid={`${testId}-overwritten`}>
            {plan.overwritten.map(({ incoming, replaces }) => (
              <li key={incoming.id}>{t('optImportReplaces', incoming.name, replaces.map((r) => r.name).join(', '))}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
