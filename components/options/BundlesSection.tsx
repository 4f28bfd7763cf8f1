/**
 * Bundles: named sets of roles and groups the popup activates in one click. Create, edit, delete (after a
 * confirmation); each change is an `onSave` with the complete new list, written to bundlesItem by the entrypoint.
 */
import { useMemo, useState } from 'preact/hooks';
import { t } from '../../lib/i18n';
import type { Bundle } from '../../lib/pim/bundles';
import type { Assignment } from '../../lib/pim/model';
import type { Template } from '../../lib/pim/templates';
import { eligibleChoices, namesByKey } from './bundleChoices';
import { BundlesEditor } from './BundlesEditor';
import { ConfirmInline } from './ConfirmInline';
import { formatMinutes } from '../../lib/pim/duration';
import { errorText } from './format';
import { byData, useFocusAfter } from './useFocusAfter';
import './library.css';

export interface BundlesSectionProps {
  bundles: Bundle[];
  templates: Template[];
  /** The snapshot's assignments (any state); null when there is no snapshot yet (not signed in). */
  assignments: Assignment[] | null;
  newId(): string;
  onSave(bundles: Bundle[]): Promise<void>;
}

type Editing = { kind: 'new' } | { kind: 'edit'; id: string } | null;

/** How many item names a bundle's summary line shows before "+N". */
const SUMMARY_ITEMS = 3;

export function BundlesSection(props: BundlesSectionProps) {
  const { bundles, templates } = props;
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { root, focusLater, cancelFocus } = useFocusAfter(bundles);
  const choices = useMemo(() => eligibleChoices(props.assignments ?? []), [props.assignments]);
  const names = useMemo(() => namesByKey(props.assignments ?? []), [props.assignments]);

  const remove = async (id: string) => {
    const index = bundles.findIndex((b) => b.id === id);
    const neighbour = bundles[index + 1] ?? bundles[index - 1];
    focusLater(
      [...(neighbour ? [byData('id', neighbour.id, ' [data-action="edit"]')] : []), '[data-testid="bundle-new"]'],
      { waitForChange: true },
    );
    setError(null);
    try {
      await props.onSave(bundles.filter((b) => b.id !== id));
      setDeleting(null);
    } catch (err) {
      cancelFocus();
      setError(t('saveFailed', errorText(err)));
    }
  };

  const submit = async (bundle: Bundle) => {
    const exists = bundles.some((b) => b.id === bundle.id);
    focusLater([byData('id', bundle.id, ' [data-action="edit"]')], { waitForChange: true });
    try {
      await props.onSave(exists ? bundles.map((b) => (b.id === bundle.id ? bundle : b)) : [...bundles, bundle]);
    } catch (err) {
      cancelFocus();
      throw err;
    }
    setEditing(null);
  };

  const closeEditor = () => {
    const selector =
      editing?.kind === 'edit' ? byData('id', editing.id, ' [data-action="edit"]') : '[data-testid="bundle-new"]';
    setEditing(null);
    focusLater([selector, '[data-testid="bundle-new"]']);
  };

  const editor = (initial: Bundle | null) => (
    <BundlesEditor
      initial={initial}
      others={bundles}
      choices={choices}
      names={names}
      templates={templates}
      newId={props.newId}
      onSubmit={submit}
      onCancel={closeEditor}
    />
  );

  const summary = (bundle: Bundle) => {
    const shown = bundle.items.slice(0, SUMMARY_ITEMS).map((key) => names.get(key) ?? key);
    const more = bundle.items.length - shown.length;
    return more > 0 ? t('optBundleItemsMore', shown.join(', '), more) : shown.join(', ');
  };

  const meta = (bundle: Bundle) => {
    const template = bundle.templateId ? templates.find((tpl) => tpl.id === bundle.templateId) : undefined;
    return [
      bundle.templateId
        ? template
          ? t('optBundleUsesTemplate', template.name)
          : t('optBundleTemplateMissing')
        : t('optBundleNoTemplate'),
      bundle.durationMinutes !== undefined ? formatMinutes(bundle.durationMinutes, t) : null,
    ]
      .filter((p): p is string => p !== null)
      .join(' · ');
  };

  return (
    <div class="library" data-testid="bundles" ref={root}>
      {props.assignments === null && <p class="field-hint library-note">{t('optBundleNoSnapshot')}</p>}
      {bundles.length === 0 ? (
        <p class="library-empty">{t('optBundleEmpty')}</p>
      ) : (
        <ul class="library-list" aria-label={t('optBundleListLabel')}>
          {bundles.map((bundle) => (
            <li key={bundle.id} class="library-item" data-testid="bundle-item" data-id={bundle.id}>
              {editing?.kind === 'edit' && editing.id === bundle.id ? (
                editor(bundle)
              ) : (
                <>
                  <div class="library-row">
                    <div class="library-main">
                      <div class="library-name" data-testid="bundle-name">
                        {bundle.name}
                      </div>
                      <div class="library-sub">{summary(bundle)}</div>
                      <div class="library-meta">{meta(bundle)}</div>
                    </div>
                    <div class="library-actions">
                      <button
                        type="button"
                        class="btn btn-subtle"
                        data-action="edit"
                        aria-label={t('optEditNamed', bundle.name)}
                        onClick={() => setEditing({ kind: 'edit', id: bundle.id })}
                      >
                        {t('optEdit')}
                      </button>
                      <button
                        type="button"
                        class="btn btn-subtle"
                        data-action="delete"
                        aria-label={t('optDeleteNamed', bundle.name)}
                        onClick={() => setDeleting(bundle.id)}
                      >
                        {t('optDelete')}
                      </button>
                    </div>
                  </div>
                  {deleting === bundle.id && (
                    <ConfirmInline
                      testId="bundle-delete"
                      confirmLabel={t('optDelete')}
                      onConfirm={() => void remove(bundle.id)}
                      onCancel={() => {
                        setDeleting(null);
                        focusLater([byData('id', bundle.id, ' [data-action="delete"]')]);
                      }}
                    >
                      {t('optBundleDeleteConfirm', bundle.name)}
                    </ConfirmInline>
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {editing?.kind === 'new' ? (
        <div class="library-item library-new">{editor(null)}</div>
      ) : (
        <div class="form-actions library-toolbar">
          <button
            type="button"
            class="btn btn-primary"
            data-testid="bundle-new"
            onClick={() => setEditing({ kind: 'new' })}
          >
            {t('optBundleNew')}
          </button>
        </div>
      )}
    </div>
  );
}
