/**
 * The popup's activation state: which items are busy, what each command answered, the open form, the selection, the
 * extension-request box and the "reload portals" banner. Commands go out through ActivationActions; answers come back
 * per item and are shown where the item is.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ActivationInput, CommandResult } from '../../lib/messaging';
import type { Bundle } from '../../lib/pim/bundles';
import { planBundle } from '../../lib/pim/bundles';
import type { Assignment } from '../../lib/pim/model';
import type { Field } from '../../lib/pim/form-rules';
import { memoryOf, rulesFor } from '../activation/rules';
import type { ActivationProps, FormState, Shown } from './activationContext';

export type Banner =
  { kind: 'reload' } | { kind: 'reloaded'; count: number } | { kind: 'reload-failed'; text: string } | null;

/** PIM accepted and the role is (or is about to be) in force now: the moment portals need a reload. */
function activatedNow(r: CommandResult): boolean {
  return r.kind === 'ok' && !/^(pendingapproval|pendingadmindecision|granted|schedulecreated)$/i.test(r.status ?? '');
}

function failure(key: string, e: unknown): CommandResult {
  return {
    key,
    kind: 'fatal',
    status: null,
    text: e instanceof Error ? e.message : String(e),
    field: null,
    requestId: null,
  };
}

const without = <T>(set: ReadonlySet<T>, items: readonly T[]) => new Set([...set].filter((x) => !items.includes(x)));

interface RunOptions {
  /** An activation: success shows the reload banner. */
  activation?: boolean;
  startAt?: string | null;
  /** Sent from the open form: close it unless PIM asks for a field again. */
  fromForm?: boolean;
}

export function useActivation(
  props: ActivationProps,
  assignments: readonly Assignment[],
  eligible: readonly Assignment[],
  now: number,
) {
  const { actions } = props;
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [results, setResults] = useState<ReadonlyMap<string, Shown>>(new Map());
  const [form, setForm] = useState<FormState | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [extensionFor, setExtensionFor] = useState<string | null>(null);
  const [bundleBusy, setBundleBusy] = useState<string | null>(null);
  const [bundleResults, setBundleResults] = useState<ReadonlyMap<string, CommandResult[]>>(new Map());
  const [banner, setBanner] = useState<Banner>(null);
  const opener = useRef<HTMLElement | null>(null);

  /** Where focus goes back to when a form closes: the control that opened it (not a control inside a form). */
  const rememberOpener = () => {
    if (document.activeElement instanceof HTMLElement && !document.activeElement.closest('form'))
      opener.current = document.activeElement;
  };
  const restoreFocus = () => {
    if (opener.current?.isConnected) opener.current.focus();
  };

  const openForm = (keys: string[], anchor: FormState['anchor'], full: boolean, errors: FormState['errors'] = {}) => {
    rememberOpener();
    setExtensionFor(null);
    setForm((prev) => {
      const same = prev !== null && prev.keys.join('\n') === keys.join('\n');
      return { keys, anchor, full: full || (same && prev.full), errors, seq: same ? prev.seq : (prev?.seq ?? 0) + 1 };
    });
  };

  const closeForm = (refocus: boolean) => {
    setForm(null);
    if (refocus) restoreFocus();
  };

  async function run(
    keys: string[],
    call: () => Promise<CommandResult[]>,
    options: RunOptions = {},
  ): Promise<CommandResult[]> {
    setBusy((s) => new Set([...s, ...keys]));
    setResults((m) => new Map([...m].filter(([k]) => !keys.includes(k))));
    let answers: CommandResult[];
    try {
      answers = await call();
    } catch (e) {
      answers = keys.map((k) => failure(k, e));
    }
    setBusy((s) => without(s, keys));
    const startsAt = options.startAt ? Date.parse(options.startAt) : null;
    setResults((m) => new Map([...m, ...answers.map((r): [string, Shown] => [r.key, { result: r, startsAt }])]));
    const fields = answers.filter((r) => r.kind === 'field');
    if (fields.length > 0) {
      const errors: Partial<Record<Field, string>> = {};
      for (const r of fields) errors[r.field ?? 'justification'] ??= r.text;
      const keysAgain = fields.map((r) => r.key);
      openForm(keysAgain, keysAgain.length === 1 ? 'row' : 'selection', false, errors);
    } else if (options.fromForm) {
      // Only the form these answers belong to: the user may have opened another one meanwhile.
      setForm((f) => (f && f.keys.join('\n') === keys.join('\n') ? null : f));
    }
    if (options.activation && answers.some(activatedNow)) setBanner({ kind: 'reload' });
    const settled = answers.filter((r) => r.kind !== 'field').map((r) => r.key);
    setSelected((s) => without(s, settled));
    return answers;
  }

  const data = props;
  const activateKeys = (keys: string[], anchor: FormState['anchor']) => {
    if (rulesFor(keys, data).oneClickReady) void run(keys, () => actions.activate(keys, null), { activation: true });
    else openForm(keys, anchor, false);
  };

  useEffect(() => {
    const key = props.openFormFor;
    if (key && eligible.some((a) => a.key === key)) openForm([key], 'row', false);
  }, []);
  // A badge's Activate: the whole form (template, reason, ticket, duration, start), which is what will be sent.
  const intent = props.intent;
  useEffect(() => {
    if (intent?.command === 'activate' && eligible.some((a) => a.key === intent.key))
      openForm([intent.key], 'row', true);
  }, [intent]);

  const eligibleKeys = new Set(eligible.map((a) => a.key));
  const selectedKeys = [...selected].filter((k) => eligibleKeys.has(k));

  return {
    busy,
    results,
    form,
    selected,
    selectedKeys,
    extensionFor,
    banner,
    bundleBusy,
    bundleResults,
    isSelected: (key: string) => selected.has(key),
    toggleSelected: (key: string) => setSelected((s) => (s.has(key) ? without(s, [key]) : new Set([...s, key]))),
    clearSelection: () => setSelected(new Set()),
    activate: (a: Assignment) => activateKeys([a.key], 'row'),
    activateSelected: () => activateKeys(selectedKeys, 'selection'),
    openOptions: (a: Assignment) => openForm([a.key], 'row', true),
    closeForm,
    submitForm: (input: ActivationInput) => {
      if (!form) return;
      const keys = form.keys;
      void run(keys, () => actions.activate(keys, input), { activation: true, startAt: input.startAt, fromForm: true });
    },
    memory: (key: string) => memoryOf(key, data),
    rules: (key: string) => rulesFor([key], data),
    deactivate: (a: Assignment) => void run([a.key], () => actions.deactivate(a.key)),
    extend: (a: Assignment) => void run([a.key], () => actions.extend(a.key)),
    renew: (a: Assignment) => void run([a.key], () => actions.extend(a.key, true)),
    cancel: (a: Assignment) => void run([a.key], () => actions.cancel(a.key)),
    openExtension: (a: Assignment) => {
      rememberOpener();
      setForm(null);
      setExtensionFor(a.key);
    },
    closeExtension: () => {
      setExtensionFor(null);
      restoreFocus();
    },
    requestExtension: (a: Assignment, justification: string) =>
      void run([a.key], () => actions.requestExtension(a.key, justification)).then(() =>
        setExtensionFor((k) => (k === a.key ? null : k)),
      ),
    activateBundle: async (bundle: Bundle) => {
      const keys = planBundle(bundle, assignments, new Date(now))
        .steps.filter((s) => s.action === 'activate')
        .map((s) => s.key);
      setBundleBusy(bundle.id);
      const answers = await run(keys, () => actions.activateBundle(bundle.id), { activation: true });
      setBundleResults((m) => new Map([...m, [bundle.id, answers]]));
      setBundleBusy((b) => (b === bundle.id ? null : b));
    },
    reloadPortals: () =>
      actions.reloadPortals().then(
        (count) => setBanner({ kind: 'reloaded', count }),
        (e: unknown) => setBanner({ kind: 'reload-failed', text: e instanceof Error ? e.message : String(e) }),
      ),
    dismissBanner: () => setBanner(null),
  };
}

export type Activation = ReturnType<typeof useActivation>;
