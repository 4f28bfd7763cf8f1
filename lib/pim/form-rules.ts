/**
 * Policy → activation form: what the form must ask for, given a role's or group's activation policy and what the user
 * chose last time. Kept free of zod so the popup can load it without the Graph policy schemas of ./policy.ts (which
 * re-exports everything here).
 */
import { DEFAULT_MAX_MINUTES, clampMinutes } from './duration';
import { validateJustification, type Template } from './templates';

export interface ActivationPolicy {
  /** ISO-8601, e.g. PT8H or PT1H45M. */
  maxDuration: string;
  maxMinutes: number;
  expirationRequired: boolean;
  requireJustification: boolean;
  requireTicket: boolean;
  requireMfa: boolean;
  approvalRequired: boolean;
  /** The Conditional Access authentication context (claimValue, e.g. "c1") when the rule is enabled. */
  authContext: string | null;
}

export type Field = 'justification' | 'ticket' | 'duration';
export type StepUp = { acrs: string } | 'mfa';

export interface Remembered {
  template?: Pick<Template, 'justification' | 'ticketNumber' | 'ticketSystem' | 'durationMinutes'>;
  /** The length used last time for this role/group, in minutes. */
  durationMinutes?: number;
}

export interface FormRules {
  fields: {
    justification: 'required' | 'optional';
    ticket: 'required' | 'hidden';
    /** Minutes. `default` is already clamped to `max`. */
    duration: { max: number; default: number };
  };
  /** Sign-in step needed before submitting (an authentication context wins over plain MFA: it usually includes it). */
  stepUp: StepUp | null;
  approvalRequired: boolean;
  /** Required fields the remembered template does not fill. */
  missing: Field[];
  /** Nothing to ask: activate with the remembered values (a step-up sign-in may still open). */
  oneClickReady: boolean;
}

export const DEFAULT_ACTIVATION_MINUTES = 60;

/**
 * What the activation form must show. `policy === null` means the policy could not be read (often a 403 for plain
 * eligible users): ask for a justification (the common requirement), cap at Graph's default PT8H, and learn the rest
 * from the error if PIM refuses.
 */
export function formRules(policy: ActivationPolicy | null, remembered: Remembered = {}): FormRules {
  const template = remembered.template;
  const max = policy?.maxMinutes ?? DEFAULT_MAX_MINUTES;
  const wanted = remembered.durationMinutes ?? template?.durationMinutes ?? DEFAULT_ACTIVATION_MINUTES;
  const justification = policy === null || policy.requireJustification ? 'required' : 'optional';
  const ticket = policy?.requireTicket ? 'required' : 'hidden';

  const missing: Field[] = [];
  if (justification === 'required' && (!template || validateJustification(template.justification).errors.length > 0)) {
    missing.push('justification');
  }
  if (ticket === 'required' && !template?.ticketNumber?.trim()) missing.push('ticket');

  const stepUp: StepUp | null = policy?.authContext ? { acrs: policy.authContext } : policy?.requireMfa ? 'mfa' : null;
  return {
    fields: { justification, ticket, duration: { max, default: clampMinutes(wanted, max) } },
    stepUp,
    approvalRequired: policy?.approvalRequired ?? false,
    missing,
    oneClickReady: missing.length === 0,
  };
}
