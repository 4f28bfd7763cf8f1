/** What a row may do and show about activation; provided by the list, absent when the popup is read-only. */
import { createContext, type JSX } from 'preact';
import { useContext, useLayoutEffect, useState } from 'preact/hooks';
import type { AccountChoice } from './AccountSwitcher';
import type { ActivationInput, CommandResult } from '../../lib/messaging';
import type { Assignment } from '../../lib/pim/model';
import type { Field, FormRules } from '../../lib/pim/form-rules';
import type { TimeFormat } from '../../lib/pim/time';
import type { ActivationData, Memory } from '../activation/rules';
import type { IntentView } from './IntentBanner';
import type { RowControlsStore } from './rowControlsStore';

/** The commands, each answering per item (lib/messaging CommandResult); the entrypoint sends them as messages. */
export interface ActivationActions {
  activate(keys: string[], input: ActivationInput | null): Promise<CommandResult[]>;
  activateBundle(bundleId: string): Promise<CommandResult[]>;
  deactivate(key: string): Promise<CommandResult[]>;
  cancel(key: string): Promise<CommandResult[]>;
  /** `renew`: the user confirmed the deactivate-then-activate fallback a refused Extend offered. */
  extend(key: string, renew?: boolean): Promise<CommandResult[]>;
  requestExtension(key: string, justification: string): Promise<CommandResult[]>;
  /** Reloads the open admin-portal tabs; resolves with how many. */
  reloadPortals(): Promise<number>;
}

export interface ActivationProps extends ActivationData {
  actions: ActivationActions;
  /** Open the form for this eligibility at once (popup.html?activate=<key>, when a one-click elsewhere needs input). */
  openFormFor?: string | null;
  /** A portal badge's request for the user to confirm here (components/popup/IntentBanner.tsx). */
  intent?: IntentView | null;
  /** With several accounts (issue 16): the account these buttons act for, shown next to them. */
  account?: AccountChoice | null;
}

/**
 * A result as the row shows it; `startsAt` is the start the user asked for (a Granted request shows "starts 14:00").
 */
export interface Shown {
  result: CommandResult;
  startsAt: number | null;
}

export interface FormState {
  keys: string[];
  /** Under the row (one key) or under the selection bar. */
  anchor: 'row' | 'selection';
  full: boolean;
  errors: Partial<Record<Field, string>>;
  /** Changes on every fresh open, so the form starts from the stored values again; a re-prompt keeps what was typed. */
  seq: number;
}

/**
 * What rows read and call; always the latest state. Rows take the time from their own props, and learn that what they
 * show changed from the store they get it from (rowControlsStore.ts, RowControlsContext).
 */
export interface RowControls {
  format: TimeFormat;
  rules(key: string): FormRules;
  memory(key: string): Memory;
  isBusy(key: string): boolean;
  result(key: string): Shown | undefined;
  isSelected(key: string): boolean;
  toggleSelected(key: string): void;
  /** One click when the remembered choices satisfy the policy, else the form. */
  activate(a: Assignment): void;
  /** The form even when one click would do (to change duration, start or reason). */
  openOptions(a: Assignment): void;
  deactivate(a: Assignment): void;
  extend(a: Assignment): void;
  /** Confirms the renewal a refused Extend offered (CommandResult.next 'renew'). */
  renew(a: Assignment): void;
  cancel(a: Assignment): void;
  extensionOpen(key: string): boolean;
  openExtension(a: Assignment): void;
  closeExtension(): void;
  requestExtension(a: Assignment, justification: string): void;
  /** The activation form anchored under this row, if any. */
  formAt(key: string): JSX.Element | null;
  /**
   * The row's controls (components/popup/RowControls.tsx), rendered by the layer that provides this context: a row
   * shown without them (the popup's first paint) loads none of their code.
   */
  parts(a: Assignment, now: number): { select: JSX.Element; buttons: JSX.Element; below: JSX.Element };
}

/**
 * The list's controls and the per-row change notices; one object for the list's lifetime, so a new context value
 * never re-renders every row at once (issue 18). Rows read it with useRowControls.
 */
export const RowControlsContext = createContext<RowControlsStore | null>(null);

/**
 * The list's controls for the row of `key` (null when the popup is read-only); renders again when told to. Here, not
 * in rowControlsStore.ts, so a row drawn without controls (the popup's first paint) loads none of the store's code.
 */
export function useRowControls(key: string): RowControls | null {
  const store = useContext(RowControlsContext);
  const [, setSeen] = useState(0);
  useLayoutEffect(() => store?.subscribe(key, () => setSeen((n) => n + 1)), [store, key]);
  return store?.controls ?? null;
}
