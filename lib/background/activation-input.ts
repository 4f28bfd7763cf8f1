/**
 * What an activation (or an extension) sends: the form's input, else what this eligibility used last time (remembered
 * template, typed reason, ticket, duration), checked against the policy (formRules) before anything is sent. Pure.
 */
import { t } from '../i18n';
import { describeError, type ErrorDescription } from '../pim/errors';
import type { Assignment } from '../pim/model';
import {
  DEFAULT_ACTIVATION_MINUTES,
  formRules,
  type ActivationPolicy,
  type Field,
  type FormRules,
} from '../pim/policy';
import type { TicketInfo } from '../pim/requests';
import { justificationText, renderJustification, validateJustification, type Template } from '../pim/templates';
import type { ActivationInput } from '../messaging';
import type { Remembered } from '../storage';

export interface ResolveArgs {
  assignment: Pick<Assignment, 'displayName' | 'kind'>;
  action: 'activate' | 'extend';
  /** null: one click (or extend): everything comes from what was remembered. */
  input: ActivationInput | null;
  remembered: Remembered | undefined;
  templates: readonly Template[];
  policy: ActivationPolicy | null;
  /** Extend's duration choice (wins over everything else). */
  durationMinutes?: number | null;
  now: Date;
  locale: string;
  timeZone?: string;
}

export type Resolved =
  | {
      ok: true;
      rules: FormRules;
      justification: string;
      ticket?: TicketInfo;
      /** Already clamped to the policy maximum. */
      durationMinutes: number;
      startAt?: Date;
      /** What to remember for the next one click once the request succeeded. */
      remember: Remembered;
    }
  | { ok: false; rules: FormRules; description: ErrorDescription };

const RULE_OF: Record<Field, string> = {
  justification: 'JustificationRule',
  ticket: 'TicketingRule',
  duration: 'ExpirationRule',
};

export function resolveActivation(args: ResolveArgs): Resolved {
  const { input, templates } = args;
  // The remembered choices belong to the remembered template: picking another template in the form drops them.
  const rem = !input?.templateId || input.templateId === args.remembered?.templateId ? args.remembered : undefined;
  const templateId = input?.templateId ?? rem?.templateId ?? null;
  const template = templateId ? templates.find((t) => t.id === templateId) : undefined;

  const ticketNumber = input?.ticketNumber?.trim() || rem?.ticketNumber?.trim() || template?.ticketNumber?.trim() || '';
  const ticketSystem = input?.ticketSystem?.trim() || rem?.ticketSystem?.trim() || template?.ticketSystem?.trim() || '';
  const rendered = template
    ? renderJustification(template, {
        displayName: args.assignment.displayName,
        kind: args.assignment.kind,
        now: args.now,
        locale: args.locale,
        timeZone: args.timeZone,
        ticketNumber: ticketNumber || undefined,
      })
    : null;
  const justification = (input?.justification ?? rem?.justification ?? rendered?.text ?? '').trim();
  const wanted =
    args.durationMinutes ??
    input?.durationMinutes ??
    rem?.durationMinutes ??
    template?.durationMinutes ??
    DEFAULT_ACTIVATION_MINUTES;

  const rules = formRules(args.policy, {
    template: { justification, ticketNumber, ticketSystem, durationMinutes: wanted },
    durationMinutes: wanted,
  });
  const ctx = {
    displayName: args.assignment.displayName,
    action: args.action,
    kind: args.assignment.kind,
    maxMinutes: rules.fields.duration.max,
  };

  const problem = justification ? validateJustification(justification).errors[0] : undefined;
  if (problem)
    return {
      ok: false,
      rules,
      description: {
        kind: 'field',
        field: 'justification',
        fields: ['justification'],
        text: justificationText(problem, t),
      },
    };

  const missing = [...rules.missing];
  // "Ticket {ticket}" with no ticket number would send the placeholder itself to the approvers.
  if (rendered?.unfilled.includes('ticket') && justification === rendered.text.trim() && !missing.includes('ticket'))
    missing.push('ticket');
  if (missing.length > 0) {
    return {
      ok: false,
      rules,
      description: describeError(
        { code: 'RoleAssignmentRequestPolicyValidationFailed', failedRules: missing.map((f) => RULE_OF[f]) },
        ctx,
        t,
      ),
    };
  }

  const startAt = input?.startAt ? new Date(input.startAt) : undefined;
  return {
    ok: true,
    rules,
    justification,
    ...(ticketNumber ? { ticket: { ticketNumber, ...(ticketSystem ? { ticketSystem } : {}) } } : {}),
    durationMinutes: rules.fields.duration.default,
    ...(startAt && !Number.isNaN(startAt.getTime()) ? { startAt } : {}),
    remember: {
      templateId: template?.id ?? null,
      durationMinutes: wanted,
      ticketNumber: ticketNumber || null,
      ticketSystem: ticketSystem || null,
      // A reason typed (or edited) rather than rendered from the template is kept as typed; a rendered one is
      // rendered again next time, so {date} stays current.
      justification: justification && justification !== rendered?.text.trim() ? justification : null,
    },
  };
}
