/**
 * Shared set-up for the popup's activation tests: policies, templates, a fake command client, the popup with all of it.
 */
import { render } from '@testing-library/preact';
import { vi } from 'vitest';
import type { ActivationActions, ActivationProps } from '../../../components/popup/activationContext';
import { PopupView, type PopupViewProps } from '../../../components/popup/PopupView';
import type { CommandResult } from '../../../lib/messaging';
import type { Assignment } from '../../../lib/pim/model';
import type { Template } from '../../../lib/pim/templates';
import type { PolicyEntry } from '../../../lib/storage';
import { CONNECTION, FORMAT, IDLE, iso, NOW, SIGNED_IN, snapshot } from './fixtures';

type PolicyRecord = NonNullable<PolicyEntry['policy']>;

export function policy(overrides: Partial<PolicyRecord> = {}): PolicyEntry {
  return {
    policy: {
      maxDuration: 'PT8H',
      maxMinutes: 480,
      expirationRequired: true,
      requireJustification: false,
      requireTicket: false,
      requireMfa: false,
      approvalRequired: false,
      authContext: null,
      ...overrides,
    },
    fetchedAt: iso(NOW),
    error: null,
  };
}

export const TEMPLATE: Template = {
  id: 'tpl-exo',
  name: 'Daily Exchange work',
  justification: 'Mail flow changes on {role} for {ticket}',
  ticketNumber: 'CHG-100',
};
export const OTHER_TEMPLATE: Template = {
  id: 'tpl-other',
  name: 'Incident',
  justification: 'Incident response on {role}',
};

export function ok(key: string, status = 'Provisioned', text = 'Done.'): CommandResult {
  return { key, kind: 'ok', status, text, field: null, requestId: 'req-1' };
}

export function result(key: string, overrides: Partial<CommandResult>): CommandResult {
  return { key, kind: 'ok', status: null, text: '', field: null, requestId: null, ...overrides };
}

/** A command client whose every call answers `ok` for each key unless the test says otherwise. */
export function fakeActions(): { [K in keyof ActivationActions]: ReturnType<typeof vi.fn<ActivationActions[K]>> } {
  return {
    activate: vi.fn<ActivationActions['activate']>(async (keys) => keys.map((k) => ok(k))),
    activateBundle: vi.fn<ActivationActions['activateBundle']>(async () => []),
    deactivate: vi.fn<ActivationActions['deactivate']>(async (key) => [ok(key, 'Revoked')]),
    cancel: vi.fn<ActivationActions['cancel']>(async (key) => [ok(key, 'Canceled')]),
    extend: vi.fn<ActivationActions['extend']>(async (key) => [ok(key, 'Granted')]),
    requestExtension: vi.fn<ActivationActions['requestExtension']>(async (key) => [ok(key, 'PendingApproval')]),
    reloadPortals: vi.fn<ActivationActions['reloadPortals']>(async () => 2),
  };
}

export interface Setup {
  assignments: Assignment[];
  activation?: Partial<ActivationProps>;
  clock?: () => number;
}

export function renderPopup({ assignments, activation = {}, clock = () => NOW }: Setup) {
  const actions = fakeActions();
  const props = (extra: Partial<PopupViewProps> = {}): PopupViewProps => ({
    connection: CONNECTION,
    auth: SIGNED_IN,
    snapshot: snapshot(assignments),
    refresh: IDLE,
    favourites: [],
    format: FORMAT,
    clock,
    onRefresh: vi.fn(),
    onSignIn: vi.fn(),
    onSignOut: vi.fn(),
    onOpenSettings: vi.fn(),
    onToggleFavourite: vi.fn(),
    activation: { templates: [], bundles: [], remembered: {}, policies: {}, actions, ...activation },
    ...extra,
  });
  const view = render(<PopupView {...props()} />);
  return {
    actions,
    ...view,
    rerenderWith: (extra: Partial<PopupViewProps>) => view.rerender(<PopupView {...props(extra)} />),
  };
}

export const rowOf = (key: string, state = 'eligible') =>
  document.querySelector<HTMLElement>(`[data-testid="assignment"][data-key="${key}"][data-state="${state}"]`)!;
