/**
 * The list with activation: provides the row controls, places the reload banner, the Bundles strip (above Eligible)
 * and the selection bar, and builds the one activation form that may be open.
 */
import { createContext, type JSX } from 'preact';
import { useContext, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { plural, t } from '../../lib/i18n';
import type { Assignment } from '../../lib/pim/model';
import type { TimeFormat } from '../../lib/pim/time';
import { ActivationForm } from '../activation/ActivationForm';
import { initialValues, rulesFor } from '../activation/rules';
import { RowControlsContext, type ActivationProps, type RowControls } from './activationContext';
import { RowBelow, RowButtons, SelectBox } from './RowControls';
import { BundleStrip } from './BundleStrip';
import { IntentBanner } from './IntentBanner';
import { Notice } from './Notice';
import { SelectionBar } from './SelectionBar';
import { changedRows, createRowControlsStore, type RowState } from './rowControlsStore';
import { useActivation, type Activation } from './useActivation';

export interface ActivationLayerProps {
  activation: ActivationProps;
  /** The snapshot's current assignments (all of them, not only the ones the search shows). */
  assignments: readonly Assignment[];
  now: number;
  format: TimeFormat;
  active: JSX.Element;
  pending: JSX.Element;
  eligible: JSX.Element;
}

/** Eligibilities that can be activated now: not already active or waiting for approval. */
function activatable(assignments: readonly Assignment[]): Assignment[] {
  const busy = new Set(assignments.filter((a) => a.state !== 'eligible').map((a) => a.key));
  return assignments.filter((a) => a.state === 'eligible' && !busy.has(a.key));
}

function ReloadBanner({ act }: { act: Activation }) {
  const b = act.banner;
  if (!b) return null;
  if (b.kind === 'reload') {
    return (
      <Notice
        id="reload-portals"
        tone="info"
        action={{ label: t('actReloadPortals'), onClick: () => void act.reloadPortals(), testId: 'reload-portals' }}
      >
        {t('actReloadPortalsText')}
      </Notice>
    );
  }
  return (
    <Notice
      id="reload-portals"
      tone={b.kind === 'reloaded' ? 'info' : 'error'}
      action={{ label: t('actDismiss'), onClick: act.dismissBanner }}
    >
      {b.kind === 'reloaded' ? (b.count === 0 ? t('actReloadedNone') : plural(t, 'actReloadedTabs', b.count)) : b.text}
    </Notice>
  );
}

/** The open activation form for the row it is anchored under: a context of its own, read by AnchoredForm only. */
const FormContext = createContext<JSX.Element | null>(null);

/** Where a row places the open form; only this re-renders as the form's props change, not the row or its siblings. */
function AnchoredForm() {
  return useContext(FormContext);
}

/** Controls that always act on and read the latest render's state. */
function delegatingControls(get: () => { act: Activation; format: TimeFormat; rowForm: string | null }): RowControls {
  const act = () => get().act;
  const controls: RowControls = {
    get format() {
      return get().format;
    },
    rules: (key) => act().rules(key),
    memory: (key) => act().memory(key),
    isBusy: (key) => act().busy.has(key),
    result: (key) => act().results.get(key),
    isSelected: (key) => act().isSelected(key),
    toggleSelected: (key) => act().toggleSelected(key),
    activate: (a) => act().activate(a),
    openOptions: (a) => act().openOptions(a),
    deactivate: (a) => act().deactivate(a),
    extend: (a) => act().extend(a),
    renew: (a) => act().renew(a),
    cancel: (a) => act().cancel(a),
    extensionOpen: (key) => act().extensionFor === key,
    openExtension: (a) => act().openExtension(a),
    closeExtension: () => act().closeExtension(),
    requestExtension: (a, justification) => act().requestExtension(a, justification),
    formAt: (key) => (key === get().rowForm ? <AnchoredForm /> : null),
    parts: (a, now) => ({
      select: <SelectBox a={a} c={controls} />,
      buttons: <RowButtons a={a} c={controls} now={now} />,
      below: <RowBelow a={a} c={controls} now={now} />,
    }),
  };
  return controls;
}

export function ActivationLayer({
  activation,
  assignments,
  now,
  format,
  active,
  pending,
  eligible,
}: ActivationLayerProps) {
  const candidates = activatable(assignments);
  const act = useActivation(activation, assignments, candidates, now);
  const [intentDone, setIntentDone] = useState(false);
  useEffect(() => setIntentDone(false), [activation.intent]);
  const form = act.form;
  const targets = form
    ? form.keys.map((k) => candidates.find((a) => a.key === k)).filter((a): a is Assignment => a !== undefined)
    : [];
  let formElement: JSX.Element | null = null;
  if (form && targets.length > 0) {
    const keys = targets.map((a) => a.key);
    const rules = rulesFor(keys, activation);
    formElement = (
      <ActivationForm
        key={form.seq}
        targets={targets}
        rules={rules}
        templates={activation.templates}
        initial={initialValues(keys, rules, activation, { targets, now, format })}
        full={form.full}
        errors={form.errors}
        busy={keys.some((k) => act.busy.has(k))}
        now={now}
        format={format}
        onSubmit={act.submitForm}
        onCancel={() => act.closeForm(true)}
        account={activation.account ?? null}
      />
    );
  }

  // Rows read and call through `latest`, so nothing they use is ever stale, and are told to render again one by one,
  // when what they show changed (rowControlsStore.ts): a refresh, the ticker or a new chunk re-renders no row here.
  const latest = useRef({ act, format, rowForm: null as string | null });
  const rowForm = form?.anchor === 'row' && formElement ? form.keys[0]! : null;
  latest.current = { act, format, rowForm };
  const [store] = useState(() => createRowControlsStore(delegatingControls(() => latest.current)));
  const rowState: RowState = {
    busy: act.busy,
    results: act.results,
    selected: act.selected,
    extensionFor: act.extensionFor,
    rowForm,
    data: activation,
  };
  const shown = useRef(rowState);
  useLayoutEffect(() => {
    const { urgent, data } = changedRows(shown.current, rowState);
    shown.current = rowState;
    store.notify(data, urgent);
  });
  useEffect(() => () => store.dispose(), [store]);

  const selected = act.selectedKeys;
  const asked = activation.intent && !intentDone ? activation.intent : null;
  const intentTarget = asked
    ? ((asked.command === 'activate' ? candidates : assignments.filter((a) => a.state === 'active')).find(
        (a) => a.key === asked.key,
      ) ?? null)
    : null;
  // An Activate request is answered by its form: the banner stays while that form is open.
  const intent = asked && (asked.command !== 'activate' || !intentTarget || form?.keys[0] === asked.key) ? asked : null;
  return (
    <RowControlsContext.Provider value={store}>
      <FormContext.Provider value={rowForm === null ? null : formElement}>
        {intent && (
          <IntentBanner
            intent={intent}
            target={intentTarget}
            format={format}
            account={activation.account ?? null}
            onConfirm={() => {
              setIntentDone(true);
              if (intentTarget && intent.command === 'extend') act.extend(intentTarget);
              if (intentTarget && intent.command === 'deactivate') act.deactivate(intentTarget);
              if (intentTarget && intent.command === 'renew') act.renew(intentTarget);
            }}
            onDismiss={() => setIntentDone(true)}
          />
        )}
        <ReloadBanner act={act} />
        {active}
        {pending}
        <BundleStrip
          bundles={activation.bundles}
          assignments={assignments}
          now={now}
          busyId={act.bundleBusy}
          results={act.bundleResults}
          onActivate={(b) => void act.activateBundle(b)}
        />
        {eligible}
        <SelectionBar
          count={selected.length}
          busy={selected.some((k) => act.busy.has(k))}
          oneClick={selected.length > 0 && rulesFor(selected, activation).oneClickReady}
          onActivate={act.activateSelected}
          onClear={act.clearSelection}
        >
          {form?.anchor === 'selection' ? formElement : null}
        </SelectionBar>
      </FormContext.Provider>
    </RowControlsContext.Provider>
  );
}
