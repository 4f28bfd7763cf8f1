/**
 * Activation rules learned from PIM's refusals, for the roles and groups whose policy cannot be read (a 403 for
 * admins who hold no directory reader role until they activate; reference §3 "Design for both outcomes").
 *
 * PIM's 400 `RoleAssignmentRequestPolicyValidationFailed` names the failed rules (JustificationRule, TicketingRule,
 * ExpirationRule, MfaRule) but not the maximum duration. That is found with one `$batch` of validation-only requests
 * (`isValidationOnly: true`, documented as a dry run: nothing is created) at the usual lengths, each with the fields
 * already known to be required filled in: the longest one PIM accepts is the maximum (to that step). What was learned
 * is kept as the key's policy entry (`learned: true`), so the form asks for exactly that next time, and a later 403 on
 * the policy read does not erase it.
 */
import type { GraphClient } from '../graph/client';
import { minutesToIso } from '../pim/duration';
import type { Assignment } from '../pim/model';
import type { ActivationPolicy } from '../pim/policy';
import { activate, type TicketInfo } from '../pim/requests';
import type { PolicyEntry } from '../storage';

/** The lengths tried, longest first (PIM allows up to 24 h; 30-minute steps below an hour). */
export const PROBE_MINUTES: readonly number[] = [1440, 720, 480, 240, 120, 60, 30];

const UNKNOWN: ActivationPolicy = {
  maxDuration: 'PT8H',
  maxMinutes: 480,
  expirationRequired: true,
  requireJustification: true,
  requireTicket: false,
  requireMfa: false,
  approvalRequired: false,
  authContext: null,
};

/**
 * The refusals a form can answer (a field, or a shorter duration); others (MfaRule, EligibilityRule) are not learned.
 */
export const FORM_RULES: ReadonlySet<string> = new Set(['JustificationRule', 'TicketingRule', 'ExpirationRule']);

/** Whether a key's rules are ours to learn: no readable policy (403, none yet) or one we learned before. */
export function learnable(entry: PolicyEntry | undefined): boolean {
  return !entry || entry.policy === null || entry.learned === true;
}

export async function learnFromRefusal(args: {
  graph: GraphClient;
  target: Assignment;
  principalId: string;
  entry: PolicyEntry | undefined;
  failedRules: readonly string[];
  /** What the refused request carried: reused by the probes (placeholders where it lacked a required field). */
  justification: string;
  ticket?: TicketInfo;
  now: Date;
  probeReason: string;
}): Promise<PolicyEntry> {
  const known = args.entry?.learned ? args.entry.policy : null;
  const failed = new Set(args.failedRules);
  const policy: ActivationPolicy = {
    ...(known ?? UNKNOWN),
    requireJustification: (known?.requireJustification ?? true) || failed.has('JustificationRule'),
    requireTicket: (known?.requireTicket ?? false) || failed.has('TicketingRule'),
    requireMfa: (known?.requireMfa ?? false) || failed.has('MfaRule'),
  };
  // Azure roles: ARM's dry run (`…/validate`) is a later api-version than the one we speak, and Graph knows nothing
  // of ARM scopes, so their maximum is not probed: the fields are learned, the duration stays as known (or 8 h).
  if (args.target.kind !== 'azure' && (!known || failed.has('ExpirationRule'))) {
    const max = await probeMaximum(args, policy);
    if (max !== null) policy.maxMinutes = max;
    policy.maxDuration = minutesToIso(policy.maxMinutes);
  }
  return { policy, fetchedAt: args.now.toISOString(), error: null, learned: true };
}

async function probeMaximum(
  args: Parameters<typeof learnFromRefusal>[0],
  policy: ActivationPolicy,
): Promise<number | null> {
  const justification = args.justification.trim() || args.probeReason;
  const ticket =
    args.ticket ?? (policy.requireTicket ? { ticketNumber: 'validation', ticketSystem: 'PIM Companion' } : undefined);
  const requests = PROBE_MINUTES.map((minutes) => {
    const r = activate(args.target, args.principalId, {
      justification,
      durationMinutes: minutes,
      now: args.now,
      ...(ticket ? { ticket } : {}),
    });
    return {
      id: `max-${minutes}`,
      method: 'POST' as const,
      url: r.path,
      body: { ...(r.body as object), isValidationOnly: true },
    };
  });
  try {
    const answers = await args.graph.batch(requests);
    const accepted = answers
      .filter((a) => a.status >= 200 && a.status < 300)
      .map((a) => Number(a.id.slice('max-'.length)));
    return accepted.length > 0 ? Math.max(...accepted) : null;
  } catch (e) {
    console.warn(`PIM Companion: could not learn the maximum duration (${String(e)}).`);
    return null;
  }
}
