/**
 * The one place a failed Graph/PIM call becomes a sentence a person can act on (graph-pim.md §4). Every string the
 * user sees is in TEXT below, so a later change can move the table to i18n without touching the logic.
 */
import { formatMinutes } from './duration';
import type { Field, StepUp } from './policy';
import type { RequestOutcome } from './requests';

export type Action = 'activate' | 'deactivate' | 'extend' | 'cancel' | 'refresh';

export interface ErrorInput {
  status?: number;
  /** Graph `error.code`; for fetch failures the Graph layer passes 'offline' or 'network' (status 0 or absent). */
  code?: string;
  message?: string;
  /** RoleAssignmentRequestPolicyValidationFailed's rules; parsed from `message` when absent. */
  failedRules?: string[];
  /** From Retry-After (may be fractional). */
  retryAfterSeconds?: number;
  /** 401 claims challenge: the `claims` parameter of WWW-Authenticate (base64 or JSON). */
  claims?: string;
}

export interface ErrorContext {
  displayName: string;
  action: Action;
  /** Names the exact permission in "ask your admin" sentences; both are named when absent. */
  kind?: 'role' | 'group';
  /** The policy's maximum, for "at most 1 h 45 min". */
  maxMinutes?: number;
  /** The policy's authentication context, used when an ACRS failure carries no claims. */
  authContext?: string | null;
}

/** A step-up: an authentication context, MFA, or (401 challenges) the exact claims to hand to MSAL. */
export type StepUpNeed = StepUp | { claims: string };

export type ErrorKind = 'state' | 'field' | 'stepUp' | 'auth' | 'retry' | 'fatal';

export interface ErrorDescription {
  kind: ErrorKind;
  text: string;
  /** The first form field to fix; `fields` lists all of them when PIM named several. */
  field?: Field;
  fields?: Field[];
  next?: string;
  stepUp?: StepUpNeed;
  /** For kind 'state': which state, so the UI can mark the item rather than show an error. */
  state?: 'active' | 'pending' | 'not-active' | 'too-soon' | 'changed';
  /** For kind 'retry' when the server said how long to wait. */
  retryAfterSeconds?: number;
}

export const TEXT = {
  verb: { activate: 'activate', deactivate: 'deactivate', extend: 'extend', cancel: 'cancel the request for', refresh: 'refresh' },
  done: { activate: 'activated', deactivate: 'deactivated', extend: 'extended', cancel: 'cancelled', refresh: 'refreshed' },
  noDetails: 'no details',
  unnamedRule: '(unnamed)',
  alreadyActive: '{name} is already active.',
  alreadyActiveNext: 'Refreshing your list to show when it ends.',
  extendWhileActive: '{name} is still active, and PIM does not queue another activation while one runs.',
  extendWhileActiveNext: 'Deactivate it and activate it again with a new duration, or activate it again when it ends.',
  pending: 'A request for {name} is already waiting for approval.',
  pendingNext: "We'll tell you when it is approved; you can cancel the request from the list.",
  tooSoon: '{name} was activated less than 5 minutes ago, and PIM only allows deactivating it 5 minutes after it started.',
  tooSoonNext: 'Try again in a few minutes.',
  notActive: '{name} is not active any more (it has ended or was never active).',
  notActiveNext: 'Refreshing your list.',
  nothingToCancel: 'The request for {name} was already completed, approved or withdrawn, so there is nothing to cancel.',
  fieldNeeds: '{name} needs {list} before it can be {done}.',
  fieldLabel: { justification: 'a reason', ticket: 'a ticket number', duration: 'a shorter duration' },
  durationMax: ' (at most {max})',
  fieldNext: 'Fill in the highlighted field and try again.',
  fieldNextWithMfa: "Fill in the highlighted field; we'll then open the Microsoft sign-in for multi-factor authentication and try again.",
  and: ' and ',
  mfa: '{name} requires a multi-factor sign-in before you can {verb} it.',
  mfaNext: "We'll open the Microsoft sign-in page; complete MFA there and we'll try again.",
  acrs: '{name} requires an extra sign-in check set by your organisation (authentication context {acrs}).',
  acrsNext: "We'll open the Microsoft sign-in page; complete the check there and we'll try again.",
  acrsUnknown: '{name} requires an extra sign-in check set by your organisation, but PIM did not say which one.',
  acrsUnknownNext: 'Refresh so we can read the role settings, then try again; if it keeps failing, ask your PIM admin which authentication context the role requires.',
  claims: 'Your organisation requires you to sign in again before you can {verb} {name}.',
  claimsNext: "We'll open the Microsoft sign-in page; sign in there and we'll try again.",
  eligibility: 'You are no longer eligible for {name}, or its scope has changed.',
  eligibilityNext: 'Refreshing your list; if it still shows {name}, ask your PIM admin to check your eligibility.',
  otherRules: 'PIM refused to {verb} {name}: its settings rule {rules} was not met.',
  otherRulesNext: 'Ask your PIM admin what the role settings require.',
  signIn: 'Your sign-in has expired, so we could not {verb} {name}.',
  signInNext: 'Sign in again, then retry.',
  consent: 'PIM Companion is not allowed to {verb} {name}: your organisation has not granted it the permission {scope} (or your account may not use it).',
  consentNext: 'Ask your Entra admin to grant admin consent for {scope} to the PIM Companion app registration, then sign in again.',
  conflict: '{name} was changed by someone else at the same time (for example, another approver already decided).',
  conflictNext: 'Refreshing your list.',
  throttled: 'Microsoft Graph is busy and asked us to slow down.',
  throttledNextSeconds: 'Trying again in {seconds} s.',
  throttledNext: 'Trying again shortly.',
  server: 'Microsoft Graph had a problem (HTTP {status}) while we tried to {verb} {name}.',
  serverNext: 'Try again in a minute; if it keeps failing, check the Microsoft 365 service health page.',
  serverNextWrite: 'Refresh to see whether it went through before trying again; if it keeps failing, check the Microsoft 365 service health page.',
  offline: 'Could not reach Microsoft: you seem to be offline.',
  offlineNext: "We'll try again when you are back online.",
  network: 'Could not reach Microsoft Graph (network problem) while we tried to {verb} {name}.',
  networkNext: 'Check your connection or VPN, then try again.',
  unknown: 'Something went wrong while we tried to {verb} {name}: {detail}',
  unknownNext: 'Refresh and try again; if it keeps failing, report this message.',
  // Outcomes of a request that was accepted (not errors, but the same voice and the same future i18n table).
  outcomeActive: '{name} is active. Admin portals can take a few minutes to notice.',
  outcomeScheduled: '{name} is scheduled and will become active at its start time.',
  outcomeApproval: "{name} needs approval: request sent to the approvers; we'll tell you when it is active.",
  outcomeDeactivated: '{name} is deactivated.',
  outcomeCanceled: 'The request for {name} is withdrawn.',
  outcomeInProgress: 'The request for {name} was accepted; PIM is still processing it.',
  outcomeDenied: 'The request for {name} was denied.',
  outcomeFailed: 'PIM could not complete the request for {name}.',
} as const;

const SCOPES = {
  read: { role: 'RoleEligibilitySchedule.Read.Directory, RoleAssignmentSchedule.Read.Directory', group: 'PrivilegedEligibilitySchedule.Read.AzureADGroup, PrivilegedAssignmentSchedule.Read.AzureADGroup' },
  write: { role: 'RoleAssignmentSchedule.ReadWrite.Directory', group: 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup' },
} as const;

function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole));
}

/** `The following policy rules failed: ["ExpirationRule","JustificationRule"]` → the rule names. */
export function parseFailedRules(message: string | undefined): string[] {
  const list = /\[([^\]]*)\]/.exec(message ?? '')?.[1] ?? '';
  return [...list.matchAll(/"?([A-Za-z]+Rule)"?/g)].map((m) => m[1]!);
}

function claimsObject(text: string): unknown {
  let json = text.trim();
  if (/^%7B/i.test(json)) json = decodeURIComponent(json);
  if (!json.startsWith('{')) {
    try {
      json = atob(json.replace(/-/g, '+').replace(/_/g, '/'));
    } catch {
      return null;
    }
  }
  try {
    return JSON.parse(json);
  } catch {
    return null;
  }
}

/** The acrs claim value in a claims object ({"access_token":{"acrs":{"essential":true,"value":"c1"}}}). */
function acrsOf(claims: unknown): string | null {
  const acrs = (claims as { access_token?: { acrs?: { value?: unknown; values?: unknown } } } | null)?.access_token?.acrs;
  const value = acrs?.value ?? (Array.isArray(acrs?.values) ? acrs.values[0] : undefined);
  return typeof value === 'string' && value ? value : null;
}

/** ARM/PIM put the claims in the message as a URL-encoded `&claims=` fragment (azure-powershell#25421). */
export function claimFromMessage(message: string | undefined): string | null {
  const encoded = /[?&]claims=([^&\s"']+)/i.exec(message ?? '')?.[1];
  if (!encoded) return null;
  try {
    return acrsOf(JSON.parse(decodeURIComponent(encoded)));
  } catch {
    return null;
  }
}

function stepUpFromChallenge(claims: string): StepUpNeed {
  const parsed = claimsObject(claims);
  const acrs = acrsOf(parsed);
  if (acrs) return { acrs };
  const amr = (parsed as { access_token?: { amr?: { values?: unknown } } } | null)?.access_token?.amr?.values;
  if (Array.isArray(amr) && amr.includes('mfa')) return 'mfa';
  return { claims: parsed ? JSON.stringify(parsed) : claims };
}

const FIELD_OF_RULE: Record<string, Field> = { justificationrule: 'justification', ticketingrule: 'ticket', expirationrule: 'duration' };
const FIELD_ORDER: Field[] = ['justification', 'ticket', 'duration'];
const NETWORK_CODES = new Set(['network', 'networkerror', 'timeout', 'etimedout', 'econnreset', 'econnrefused', 'enotfound', 'failed to fetch']);

function policyFailure(rules: string[], ctx: ErrorContext, vars: Record<string, string>): ErrorDescription {
  const names = new Set(rules.map((r) => r.toLowerCase()));
  if (names.has('eligibilityrule')) {
    return { kind: 'fatal', text: fill(TEXT.eligibility, vars), next: fill(TEXT.eligibilityNext, vars), state: 'changed' };
  }
  const fields = FIELD_ORDER.filter((f) => [...names].some((n) => FIELD_OF_RULE[n] === f));
  const mfa = names.has('mfarule');
  if (fields.length > 0) {
    const labels = fields.map((f) => TEXT.fieldLabel[f] + (f === 'duration' && ctx.maxMinutes ? fill(TEXT.durationMax, { max: formatMinutes(ctx.maxMinutes) }) : ''));
    const list = labels.length > 1 ? `${labels.slice(0, -1).join(', ')}${TEXT.and}${labels.at(-1)}` : labels[0]!;
    return {
      kind: 'field',
      text: fill(TEXT.fieldNeeds, { ...vars, list, done: TEXT.done[ctx.action] }),
      field: fields[0],
      fields,
      next: mfa ? TEXT.fieldNextWithMfa : TEXT.fieldNext,
      ...(mfa ? { stepUp: 'mfa' as const } : {}),
    };
  }
  if (mfa) return { kind: 'stepUp', text: fill(TEXT.mfa, vars), next: TEXT.mfaNext, stepUp: 'mfa' };
  return { kind: 'fatal', text: fill(TEXT.otherRules, { ...vars, rules: rules.join(', ') || TEXT.unnamedRule }), next: TEXT.otherRulesNext };
}

/** Map any failure of a PIM/Graph call to what the user sees and what the UI should do next. */
export function describeError(err: ErrorInput, ctx: ErrorContext): ErrorDescription {
  const vars = { name: ctx.displayName, verb: TEXT.verb[ctx.action] };
  const code = (err.code ?? '').trim().toLowerCase();
  const status = err.status ?? 0;
  const write = ctx.action !== 'refresh';

  if (code === 'offline') return { kind: 'retry', text: TEXT.offline, next: TEXT.offlineNext };
  if (status === 0 && (NETWORK_CODES.has(code) || (!code && /fetch|network/i.test(err.message ?? '')))) {
    return { kind: 'retry', text: fill(TEXT.network, vars), next: TEXT.networkNext };
  }

  switch (code) {
    case 'roleassignmentrequestpolicyvalidationfailed':
      return policyFailure(err.failedRules ?? parseFailedRules(err.message), ctx, vars);
    case 'roleassignmentexists':
      return ctx.action === 'extend'
        ? { kind: 'state', state: 'active', text: fill(TEXT.extendWhileActive, vars), next: TEXT.extendWhileActiveNext }
        : { kind: 'state', state: 'active', text: fill(TEXT.alreadyActive, vars), next: TEXT.alreadyActiveNext };
    case 'pendingroleassignmentrequest':
      return { kind: 'state', state: 'pending', text: fill(TEXT.pending, vars), next: TEXT.pendingNext };
    case 'activedurationtooshort':
      return { kind: 'state', state: 'too-soon', text: fill(TEXT.tooSoon, vars), next: TEXT.tooSoonNext };
    case 'roleassignmentdoesnotexist':
      return { kind: 'state', state: 'not-active', text: fill(TEXT.notActive, vars), next: TEXT.notActiveNext };
    case 'roleassignmentrequestacrsvalidationfailed': {
      const acrs = claimFromMessage(err.message) ?? ctx.authContext ?? null;
      return acrs
        ? { kind: 'stepUp', text: fill(TEXT.acrs, { ...vars, acrs }), next: TEXT.acrsNext, stepUp: { acrs } }
        : { kind: 'fatal', text: fill(TEXT.acrsUnknown, vars), next: TEXT.acrsUnknownNext };
    }
    case 'toomanyrequests':
      return throttled(err);
  }

  if (status === 401) {
    if (err.claims) return { kind: 'stepUp', text: fill(TEXT.claims, vars), next: TEXT.claimsNext, stepUp: stepUpFromChallenge(err.claims) };
    return { kind: 'auth', text: fill(TEXT.signIn, vars), next: TEXT.signInNext };
  }
  if (status === 403) {
    const scopes = SCOPES[write ? 'write' : 'read'];
    const scope = ctx.kind ? scopes[ctx.kind] : `${scopes.role}, ${scopes.group}`;
    return { kind: 'auth', text: fill(TEXT.consent, { ...vars, scope }), next: fill(TEXT.consentNext, { scope }) };
  }
  if (status === 429) return throttled(err);
  if (status === 409) return { kind: 'state', state: 'changed', text: fill(TEXT.conflict, vars), next: TEXT.conflictNext };
  if (ctx.action === 'cancel' && (status === 400 || status === 404)) {
    return { kind: 'state', state: 'changed', text: fill(TEXT.nothingToCancel, vars), next: TEXT.notActiveNext };
  }
  if (ctx.action === 'deactivate' && status === 404) {
    return { kind: 'state', state: 'not-active', text: fill(TEXT.notActive, vars), next: TEXT.notActiveNext };
  }
  // A bare 400 on activation that mentions MFA: the beta doc's "SelfActivate without an MFA-challenged session".
  if (status === 400 && /multi-?factor|\bmfa\b/i.test(err.message ?? '')) {
    return { kind: 'stepUp', text: fill(TEXT.mfa, vars), next: TEXT.mfaNext, stepUp: 'mfa' };
  }
  if (status >= 500) {
    return {
      kind: 'retry',
      text: fill(TEXT.server, { ...vars, status }),
      next: write ? TEXT.serverNextWrite : TEXT.serverNext,
      ...(err.retryAfterSeconds !== undefined ? { retryAfterSeconds: Math.ceil(err.retryAfterSeconds) } : {}),
    };
  }
  const detail = [err.status ? `HTTP ${err.status}` : '', err.code ?? '', err.message ?? ''].filter(Boolean).join(' ') || TEXT.noDetails;
  return { kind: 'fatal', text: fill(TEXT.unknown, { ...vars, detail }), next: TEXT.unknownNext };
}

function throttled(err: ErrorInput): ErrorDescription {
  const wait = err.retryAfterSeconds !== undefined && Number.isFinite(err.retryAfterSeconds) ? Math.max(1, Math.ceil(err.retryAfterSeconds)) : undefined;
  return wait === undefined
    ? { kind: 'retry', text: TEXT.throttled, next: TEXT.throttledNext }
    : { kind: 'retry', text: TEXT.throttled, next: fill(TEXT.throttledNextSeconds, { seconds: wait }), retryAfterSeconds: wait };
}

/** The sentence for an accepted request (see requests.ts requestOutcome), e.g. the approval notice. */
export function describeOutcome(outcome: RequestOutcome, ctx: Pick<ErrorContext, 'displayName'>): string {
  const key = {
    done: TEXT.outcomeActive,
    scheduled: TEXT.outcomeScheduled,
    'pending-approval': TEXT.outcomeApproval,
    'in-progress': TEXT.outcomeInProgress,
    revoked: TEXT.outcomeDeactivated,
    failed: TEXT.outcomeFailed,
    canceled: TEXT.outcomeCanceled,
    denied: TEXT.outcomeDenied,
  }[outcome];
  return fill(key, { name: ctx.displayName });
}
