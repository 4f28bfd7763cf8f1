import { cleanup, fireEvent, screen, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { toLocalInput } from '../../../components/activation/StartField';
import { t } from '../../../lib/i18n';
import { describeError } from '../../../lib/pim/errors';
import { OTHER_TEMPLATE, policy, renderPopup, result, rowOf, TEMPLATE } from './activation-fixtures';
import { assignment, installMessages, iso, MIN, NOW } from './fixtures';

const EXO = assignment({ key: 'role:exo:/', displayName: 'Exchange Administrator' });
const UA = assignment({
  key: 'role:ua:/administrativeUnits/paris',
  displayName: 'User Administrator',
  directoryScopeId: '/administrativeUnits/paris',
  scopeName: 'Paris office',
});

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});
afterEach(cleanup);

const form = () => screen.getByTestId('activation-form');
const field = (id: string) => within(form()).queryByTestId(id);
const textarea = () => field('justification') as HTMLTextAreaElement;
const submit = () => fireEvent.click(within(form()).getByTestId('activation-submit'));
const type = (el: Element | null, value: string) => fireEvent.input(el!, { target: { value } });

function openFor(
  policies: Parameters<typeof policy>[0],
  options: { via?: 'activate' | 'activate-options'; assignments?: (typeof EXO)[] } = {},
) {
  const assignments = options.assignments ?? [EXO];
  const target = assignments[0]!;
  const view = renderPopup({ assignments, activation: { policies: { [target.key]: policy(policies) } } });
  fireEvent.click(within(rowOf(target.key)).getByTestId(options.via ?? 'activate'));
  return view;
}

describe('fields follow the policy', () => {
  it.each([
    { rules: { requireJustification: true }, justification: true, ticket: false, focused: 'justification' },
    { rules: { requireTicket: true }, justification: false, ticket: true, focused: 'ticket-number' },
    {
      rules: { requireJustification: true, requireTicket: true },
      justification: true,
      ticket: true,
      focused: 'justification',
    },
  ])(
    '$rules → reason $justification, ticket $ticket, focus on $focused',
    ({ rules, justification, ticket, focused }) => {
      openFor(rules);
      expect(!!field('justification')).toBe(justification);
      expect(!!field('ticket-number')).toBe(ticket);
      expect(!!field('ticket-system')).toBe(ticket);
      expect(document.activeElement).toBe(field(focused));
      expect(field('template')).toBeNull();
    },
  );

  it('nothing required: one click, and the options button opens the form with an optional reason', () => {
    const { actions } = openFor({}, { via: 'activate-options' });
    expect(actions.activate).not.toHaveBeenCalled();
    expect(form().textContent).toContain('Reason (optional)');
    expect(field('ticket-number')).toBeNull();
    submit();
    expect(actions.activate).toHaveBeenCalledWith(
      [EXO.key],
      expect.objectContaining({ justification: null, durationMinutes: 60 }),
    );
  });

  it("the 24-hour maximum reads as PIM's refusal says it (one formatter: '1 day' in the form and in the error)", () => {
    openFor({ requireJustification: true, maxMinutes: 1440, maxDuration: 'P1D' });
    const error = describeError(
      {
        status: 400,
        code: 'RoleAssignmentRequestPolicyValidationFailed',
        message: 'The following policy rules failed: ["ExpirationRule"]',
      },
      { displayName: EXO.displayName, action: 'activate', kind: 'role', maxMinutes: 1440 },
      t,
    );
    expect(form().textContent).toContain('up to 1 day');
    expect(error.text).toContain('at most 1 day');
  });

  it('a non-whole-hour maximum (PT1H45M) is offered as a preset and caps a custom length', () => {
    const { actions } = openFor({ requireJustification: true, maxMinutes: 105, maxDuration: 'PT1H45M' });
    expect(form().textContent).toContain('up to 1 h 45 min');
    const chips = within(form())
      .getAllByTestId('duration-preset')
      .map((el) => el.parentElement!.textContent);
    expect(chips).toEqual(['30 min', '1 h', '1 h 45 min']);
    fireEvent.click(field('duration-custom')!);
    type(field('duration-hours'), '3');
    type(field('duration-minutes'), '0');
    expect(field('duration-clamped')!.textContent).toBe('Shortened to the maximum, 1 h 45 min');
    type(textarea(), 'Mail flow rule change for INC-42');
    submit();
    expect(actions.activate).toHaveBeenCalledWith([EXO.key], expect.objectContaining({ durationMinutes: 105 }));
  });

  it('shows the administrative unit the eligibility is scoped to (read-only)', () => {
    openFor({ requireJustification: true }, { assignments: [UA] });
    expect(field('activation-scope')!.textContent).toBe('Scope: Paris office (administrative unit)');
    expect(field('activation-scope')!.querySelector('input, select')).toBeNull();
  });
});

describe('the reason', () => {
  it('blocks more than 500 characters, with a counter', () => {
    const { actions } = openFor({ requireJustification: true });
    type(textarea(), 'word '.repeat(101));
    expect(field('justification-count')!.textContent).toBe('504/500');
    expect(field('justification-error')!.textContent).toBe(
      'The reason is 504 characters long; shorten it to 500 or fewer.',
    );
    submit();
    expect(actions.activate).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(textarea());
  });

  it('blocks control characters', () => {
    const { actions } = openFor({ requireJustification: true });
    type(textarea(), 'Fix the mail flow rule\u0007 now');
    submit();
    expect(field('justification-error')!.textContent).toContain('invisible control characters');
    expect(actions.activate).not.toHaveBeenCalled();
  });

  it('blocks an empty required reason only on submit', () => {
    const { actions } = openFor({ requireJustification: true });
    expect(field('justification-error')!.textContent).toBe('');
    submit();
    expect(field('justification-error')!.textContent).toBe('Enter a reason for the activation.');
    expect(actions.activate).not.toHaveBeenCalled();
  });

  it('warns on "BAU" but lets it through', () => {
    const { actions } = openFor({ requireJustification: true });
    type(textarea(), 'BAU');
    expect(field('justification-warning')!.textContent).toContain('“BAU” says little to an approver or auditor');
    submit();
    expect(actions.activate).toHaveBeenCalledWith([EXO.key], expect.objectContaining({ justification: 'BAU' }));
  });
});

describe('templates', () => {
  it('preselects the last used template, renders it, and follows a template change', () => {
    const remembered = {
      [EXO.key]: {
        templateId: TEMPLATE.id,
        durationMinutes: 30,
        ticketNumber: null,
        ticketSystem: null,
        justification: null,
      },
    };
    const { actions } = renderPopup({
      assignments: [EXO],
      activation: {
        templates: [OTHER_TEMPLATE, TEMPLATE],
        remembered,
        policies: { [EXO.key]: policy({ requireJustification: true, requireTicket: true }) },
      },
    });
    // The remembered template has a ticket number, so one click would do; the options button opens the form.
    fireEvent.click(within(rowOf(EXO.key)).getByTestId('activate-options'));
    const picker = field('template') as HTMLSelectElement;
    expect(picker.value).toBe(TEMPLATE.id);
    expect(picker.selectedOptions[0]!.textContent).toBe('Daily Exchange work (last used)');
    expect(textarea().value).toBe('Mail flow changes on Exchange Administrator for CHG-100');
    expect((field('ticket-number') as HTMLInputElement).value).toBe('CHG-100');
    type(field('ticket-number'), 'CHG-200');
    expect(textarea().value).toBe('Mail flow changes on Exchange Administrator for CHG-200');

    fireEvent.change(picker, { target: { value: OTHER_TEMPLATE.id } });
    expect(textarea().value).toBe('Incident response on Exchange Administrator');
    submit();
    expect(actions.activate).toHaveBeenCalledWith([EXO.key], {
      templateId: OTHER_TEMPLATE.id,
      justification: 'Incident response on Exchange Administrator',
      ticketNumber: 'CHG-200',
      ticketSystem: null,
      durationMinutes: 30,
      startAt: null,
    });
  });
});

describe('start', () => {
  it('a later start is sent as an ISO time, and the answer reads "starts 15:00"', async () => {
    const { actions } = openFor({ requireJustification: true });
    actions.activate.mockResolvedValueOnce([
      result(EXO.key, { status: 'Granted', text: 'Exchange Administrator is scheduled.' }),
    ]);
    type(textarea(), 'Planned change CHG-7 on the mail flow rules');
    fireEvent.change(field('start-mode')!, { target: { value: 'later' } });
    type(field('start-at'), toLocalInput(NOW + 60 * MIN));
    expect(field('start-preview')!.textContent).toBe('Starts 15:00');
    submit();
    expect(actions.activate).toHaveBeenCalledWith([EXO.key], expect.objectContaining({ startAt: iso(NOW + 60 * MIN) }));
    expect((await within(rowOf(EXO.key)).findByTestId('result')).textContent).toBe('Scheduled: starts 15:00');
  });
});

describe('several accounts (issue 16)', () => {
  it('names the account the activation is for beside Activate', () => {
    renderPopup({
      assignments: [EXO],
      activation: {
        policies: { [EXO.key]: policy({ requireJustification: true }) },
        account: { id: 'a2', label: 'Fabrikam', colour: '#107C10' },
      },
    });
    fireEvent.click(within(rowOf(EXO.key)).getByTestId('activate'));
    expect(within(form()).getByTestId('account-tag').textContent).toBe('Fabrikam');
  });

  it('shows no account tag with a single account', () => {
    openFor({ requireJustification: true });
    expect(within(form()).queryByTestId('account-tag')).toBeNull();
  });
});
