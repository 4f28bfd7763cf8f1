/**
 * The list with activation: provides the row controls, places the reload banner, the Bundles strip (above Eligible)
 * and the selection bar, and builds the one activation form that may be open.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
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

  const controls: RowControls = {
    now,
    format,
    rules: act.rules,
    memory: act.memory,
    isBusy: (key) => act.busy.has(key),
    result: (key) => act.results.get(key),
    isSelected: act.isSelected,
    toggleSelected: act.toggleSelected,
    activate: act.activate,
    openOptions: act.openOptions,
    deactivate: act.deactivate,
    extend: act.extend,
    renew: act.renew,
    cancel: act.cancel,
    extensionOpen: (key) => act.extensionFor === key,
    openExtension: act.openExtension,
    closeExtension: act.closeExtension,
    requestExtension: act.requestExtension,
    formAt: (key) => (form?.anchor === 'row' && form.keys[0] === key ? formElement : null),
    parts: (a) => ({
      select: <SelectBox a={a} c={controls} />,
      buttons: <RowButtons a={a} c={controls} />,
      below: <RowBelow a={a} c={controls} />,
    }),
  };

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
    <RowControlsContext.Provider value={controls}>
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
    </RowControlsContext.Provider>
  );
}
