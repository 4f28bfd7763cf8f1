/**
 * Reason templates, in the order the popup offers them: create, edit, delete (after a confirmation), move up/down,
 * plus import/export of the whole library. Every change is an `onSave` with the complete new list; the entrypoint
 * writes templatesItem and the new list comes back as props.
 */
import { useState } from 'preact/hooks';
import { plural, t } from '../../lib/i18n';
import type { Bundle } from '../../lib/pim/bundles';
import type { Template, TemplateLibrary } from '../../lib/pim/templates';
import type { TimeFormat } from '../../lib/pim/time';
import { ConfirmInline } from './ConfirmInline';
import type { DownloadFile } from './download';
import { formatMinutes } from '../../lib/pim/duration';
import { errorText } from './format';
import { TemplatesEditor } from './TemplatesEditor';
import { TemplatesTransfer } from './TemplatesTransfer';
import { byData, useFocusAfter } from './useFocusAfter';
import './library.css';

export interface TemplatesSectionProps {
  templates: Template[];
  /** For the export file, import planning, and "used by N bundles" when deleting. */
  bundles: Bundle[];
  /** Shown for {role} in the preview: an eligible role's name when one is known. */
  sampleRole: string;
  now(): Date;
  format: TimeFormat;
  newId(): string;
  onSave(templates: Template[]): Promise<void>;
  onImport(library: TemplateLibrary): Promise<void>;
  onDownload(file: DownloadFile): void;
}

type Editing = { kind: 'new' } | { kind: 'edit'; id: string } | null;

export function TemplatesSection(props: TemplatesSectionProps) {
  const { templates } = props;
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { root, focusLater, cancelFocus } = useFocusAfter(templates);

  const save = async (next: Template[]) => {
    setError(null);
    try {
      await props.onSave(next);
      return true;
    } catch (err) {
      cancelFocus();
      setError(t('saveFailed', errorText(err)));
      return false;
    }
  };

  const move = (index: number, delta: -1 | 1) => {
    const target = index + delta;
    const item = templates[index];
    if (!item || target < 0 || target >= templates.length) return;
    const next = [...templates];
    next.splice(index, 1);
    next.splice(target, 0, item);
    // Keep the keyboard on the same button; at the end of the list that button is disabled, so fall back to its twin.
    const up = byData('id', item.id, ' [data-move="up"]');
    const down = byData('id', item.id, ' [data-move="down"]');
    focusLater(delta < 0 ? [up, down] : [down, up], { waitForChange: true });
    void save(next);
  };

  const remove = async (id: string) => {
    const index = templates.findIndex((x) => x.id === id);
    const neighbour = templates[index + 1] ?? templates[index - 1];
    focusLater(
      [...(neighbour ? [byData('id', neighbour.id, ' [data-action="edit"]')] : []), '[data-testid="template-new"]'],
      { waitForChange: true },
    );
    if (await save(templates.filter((x) => x.id !== id))) setDeleting(null);
  };

  const submit = async (template: Template) => {
    const exists = templates.some((x) => x.id === template.id);
    const next = exists ? templates.map((x) => (x.id === template.id ? template : x)) : [...templates, template];
    focusLater([byData('id', template.id, ' [data-action="edit"]')], { waitForChange: true });
    try {
      await props.onSave(next);
    } catch (err) {
      // The editor stays open and says so.
      cancelFocus();
      throw err;
    }
    setEditing(null);
  };

  const closeEditor = () => {
    const selector =
      editing?.kind === 'edit' ? byData('id', editing.id, ' [data-action="edit"]') : '[data-testid="template-new"]';
    setEditing(null);
    focusLater([selector, '[data-testid="template-new"]']);
  };

  const editor = (initial: Template | null) => (
    <TemplatesEditor
      initial={initial}
      others={templates}
      sampleRole={props.sampleRole}
      now={props.now()}
      format={props.format}
      newId={props.newId}
      onSubmit={submit}
      onCancel={closeEditor}
    />
  );

  const usedBy = (id: string) => props.bundles.filter((b) => b.templateId === id).length;

  return (
    <div class="library" data-testid="templates" ref={root}>
      {templates.length === 0 ? (
        <p class="library-empty">{t('optTplEmpty')}</p>
      ) : (
        <ol class="library-list" aria-label={t('optTplListLabel')}>
          {templates.map((tpl, i) => (
            <li key={tpl.id} class="library-item" data-testid="template-item" data-id={tpl.id}>
              {editing?.kind === 'edit' && editing.id === tpl.id ? (
                editor(tpl)
              ) : (
                <>
                  <div class="library-row">
                    <div class="library-main">
                      <div class="library-name" data-testid="template-name">
                        {tpl.name}
                      </div>
                      <div class="library-sub">{tpl.justification}</div>
                      <TemplateMeta template={tpl} />
                    </div>
                    <div class="library-actions">
                      <button
                        type="button"
                        class="icon-btn"
                        data-move="up"
                        aria-label={t('optMoveUp', tpl.name)}
                        title={t('optMoveUp', tpl.name)}
                        disabled={i === 0}
                        onClick={() => move(i, -1)}
                      >
                        <Arrow up />
                      </button>
                      <button
                        type="button"
                        class="icon-btn"
                        data-move="down"
                        aria-label={t('optMoveDown', tpl.name)}
                        title={t('optMoveDown', tpl.name)}
                        disabled={i === templates.length - 1}
                        onClick={() => move(i, 1)}
                      >
                        <Arrow up={false} />
                      </button>
                      <button
                        type="button"
                        class="btn btn-subtle"
                        data-action="edit"
                        aria-label={t('optEditNamed', tpl.name)}
                        onClick={() => setEditing({ kind: 'edit', id: tpl.id })}
                      >
                        {t('optEdit')}
                      </button>
                      <button
                        type="button"
                        class="btn btn-subtle"
                        data-action="delete"
                        aria-label={t('optDeleteNamed', tpl.name)}
                        onClick={() => setDeleting(tpl.id)}
                      >
                        {t('optDelete')}
                      </button>
                    </div>
                  </div>
                  {deleting === tpl.id && (
                    <ConfirmInline
                      testId="template-delete"
                      confirmLabel={t('optDelete')}
                      onConfirm={() => void remove(tpl.id)}
                      onCancel={() => {
                        setDeleting(null);
                        focusLater([byData('id', tpl.id, ' [data-action="delete"]')]);
                      }}
                    >
                      {t('optTplDeleteConfirm', tpl.name)}
                      {usedBy(tpl.id) > 0 && ` ${plural(t, 'optTplDeleteUsedBy', usedBy(tpl.id))}`}
                    </ConfirmInline>
                  )}
                </>
              )}
            </li>
          ))}
        </ol>
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
            data-testid="template-new"
            onClick={() => setEditing({ kind: 'new' })}
          >
            {t('optTplNew')}
          </button>
        </div>
      )}
      <TemplatesTransfer
        templates={templates}
        bundles={props.bundles}
        onImport={props.onImport}
        onDownload={props.onDownload}
      />
    </div>
  );
}

function TemplateMeta({ template }: { template: Template }) {
  const parts = [
    template.ticketSystem || template.ticketNumber
      ? t('optTplMetaTicket', [template.ticketSystem, template.ticketNumber].filter(Boolean).join(' '))
      : null,
    template.durationMinutes !== undefined ? formatMinutes(template.durationMinutes, t) : null,
  ].filter((p): p is string => p !== null);
  return parts.length ? <div class="library-meta">{parts.join(' · ')}</div> : null;
}

/** Decorative chevron; the button's label says what it does. */
export function Arrow({ up }: { up: boolean }) {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 16 16"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      stroke-width="1.5"
    >
      <path d={up ? 'M3.5 10 8 5.5 12.5 10' : 'M3.5 6 8 10.5 12.5 6'} stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}
