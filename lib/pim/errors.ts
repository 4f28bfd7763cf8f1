/**
 * The one place a failed Graph/PIM call becomes a sentence a person can act on (graph-pim.md §4). Every sentence comes
 * from the messages files (err…, outcome… keys) through the `tr` the caller passes (lib/i18n's t in the extension).
 */
import { decodeBase64Url } from '../base64url';
import type { MessageKey, Translate } from '../i18n';
import { listText } from '../i18n';
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
  kind?: 'role' | 'group' | 'azure';
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

const VERB: Record<Action, MessageKey> = {
  activate: 'errVerbActivate',
  deactivate: 'errVerbDeactivate',
  extend: 'errVerbExtend',
  cancel: 'errVerbCancel',
  refresh: 'errVerbRefresh',
};
const DONE: Record<Action, MessageKey> = {
  activate: 'errDoneActivate',
  deactivate: 'errDoneDeactivate',
  extend: 'errDoneExtend',
  cancel: 'errDoneCancel',
  refresh: 'errDoneRefresh',
};

/** "activate", "cancel the request for": the infinitive that fits "before you can … {name}". */
export function actionVerb(action: Action, tr: Translate): string {
  return tr(VERB[action]);
}

/** "activated", "cancelled": the participle that fits "was not …" / "before it can be …". */
export function actionDone(action: Action, tr: Translate): string {
  return tr(DONE[action]);
}

const SCOPES = {
  read: {
    role: 'RoleEligibilitySchedule.Read.Directory, RoleAssignmentSchedule.Read.Directory',
    group: 'PrivilegedEligibilitySchedule.Read.AzureADGroup, PrivilegedAssignmentSchedule.Read.AzureADGroup',
    azure: 'Azure Service Management user_impersonation',
  },
  write: {
    role: 'RoleAssignmentSchedule.ReadWrite.Directory',
    group: 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
    azure: 'Azure Service Management user_impersonation',
  },
} as const;

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
      json = decodeBase64Url(json);
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
  const acrs = (claims as { access_token?: { acrs?: { value?: unknown; values?: unknown } } } | null)?.access_token
    ?.acrs;
  const value = acrs?.value ?? (Array.isArray(acrs?.values) ? (acrs.values as unknown[])[0] : undefined);
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

const FIELD_OF_RULE: Record<string, Field> = {
  justificationrule: 'justification',
  ticketingrule: 'ticket',
  expirationrule: 'duration',
};
const FIELD_ORDER: Field[] = ['justification', 'ticket', 'duration'];
const NETWORK_CODES = new Set([
  'network',
  'networkerror',
  'timeout',
  'etimedout',
  'econnreset',
  'econnrefused',
  'enotfound',
  'failed to fetch',
]);

const FIELD_LABEL: Record<Field, MessageKey> = {
  justification: 'errFieldJustification',
  ticket: 'errFieldTicket',
  duration: 'errFieldDuration',
};

/** The two substitutions most sentences take, in the order the err… messages declare them: name, then verb. */
interface Vars {
  name: string;
  verb: string;
}

function policyFailure(rules: string[], ctx: ErrorContext, v: Vars, tr: Translate): ErrorDescription {
  const names = new Set(rules.map((r) => r.toLowerCase()));
  if (names.has('eligibilityrule')) {
    return {
      kind: 'fatal',
      text: tr('errEligibility', v.name),
      next: tr('errEligibilityNext', v.name),
      state: 'changed',
    };
  }
  const fields = FIELD_ORDER.filter((f) => [...names].some((n) => FIELD_OF_RULE[n] === f));
  const mfa = names.has('mfarule');
  if (fields.length > 0) {
    const labels = fields.map((f) =>
      f === 'duration' && ctx.maxMinutes
        ? tr('errFieldDurationMax', formatMinutes(ctx.maxMinutes, tr))
        : tr(FIELD_LABEL[f]),
    );
    return {
      kind: 'field',
      text: tr('errFieldNeeds', v.name, listText(tr, labels), actionDone(ctx.action, tr)),
      field: fields[0],
      fields,
      next: mfa ? tr('errFieldNextWithMfa') : tr('errFieldNext'),
      ...(mfa ? { stepUp: 'mfa' as const } : {}),
    };
  }
  if (mfa) return { kind: 'stepUp', text: tr('errMfa', v.name, v.verb), next: tr('errMfaNext'), stepUp: 'mfa' };
  return {
    kind: 'fatal',
    text: tr('errOtherRules', v.name, v.verb, rules.join(', ') || tr('errUnnamedRule')),
    next: tr('errOtherRulesNext'),
  };
}

/** Map any failure of a PIM/Graph call to what the user sees (in `tr`'s language) and what the UI should do next. */
export function describeError(err: ErrorInput, ctx: ErrorContext, tr: Translate): ErrorDescription {
  const v: Vars = { name: ctx.displayName, verb: actionVerb(ctx.action, tr) };
  const code = (err.code ?? '').trim().toLowerCase();
  const status = err.status ?? 0;
  const write = ctx.action !== 'refresh';

  if (code === 'offline') return { kind: 'retry', text: tr('errOffline'), next: tr('errOfflineNext') };
  if (status === 0 && (NETWORK_CODES.has(code) || (!code && /fetch|network/i.test(err.message ?? '')))) {
    return { kind: 'retry', text: tr('errNetwork', v.name, v.verb), next: tr('errNetworkNext') };
  }

  switch (code) {
    case 'roleassignmentrequestpolicyvalidationfailed':
      return policyFailure(err.failedRules ?? parseFailedRules(err.message), ctx, v, tr);
    case 'roleassignmentexists':
      return ctx.action === 'extend'
        ? {
            kind: 'state',
            state: 'active',
            text: tr('errExtendWhileActive', v.name),
            next: tr('errExtendWhileActiveNext'),
          }
        : { kind: 'state', state: 'active', text: tr('errAlreadyActive', v.name), next: tr('errAlreadyActiveNext') };
    case 'pendingroleassignmentrequest':
      return { kind: 'state', state: 'pending', text: tr('errPending', v.name), next: tr('errPendingNext') };
    case 'activedurationtooshort':
      return { kind: 'state', state: 'too-soon', text: tr('errTooSoon', v.name), next: tr('errTooSoonNext') };
    case 'roleassignmentdoesnotexist':
      return { kind: 'state', state: 'not-active', text: tr('errNotActive', v.name), next: tr('errNotActiveNext') };
    case 'roleassignmentrequestacrsvalidationfailed': {
      const acrs = claimFromMessage(err.message) ?? ctx.authContext ?? null;
      return acrs
        ? { kind: 'stepUp', text: tr('errAcrs', v.name, acrs), next: tr('errAcrsNext'), stepUp: { acrs } }
        : { kind: 'fatal', text: tr('errAcrsUnknown', v.name), next: tr('errAcrsUnknownNext') };
    }
    case 'toomanyrequests':
      return throttled(err, tr);
  }

  if (status === 401) {
    if (err.claims)
      return {
        kind: 'stepUp',
        text: tr('errClaims', v.name, v.verb),
        next: tr('errClaimsNext'),
        stepUp: stepUpFromChallenge(err.claims),
      };
    return { kind: 'auth', text: tr('errSignIn', v.name, v.verb), next: tr('errSignInNext') };
  }
  if (status === 403) {
    const scopes = SCOPES[write ? 'write' : 'read'];
    const scope = ctx.kind ? scopes[ctx.kind] : `${scopes.role}, ${scopes.group}`;
    return { kind: 'auth', text: tr('errConsent', v.name, v.verb, scope), next: tr('errConsentNext', scope) };
  }
  if (status === 429) return throttled(err, tr);
  if (status === 409)
    return { kind: 'state', state: 'changed', text: tr('errConflict', v.name), next: tr('errConflictNext') };
  if (ctx.action === 'cancel' && (status === 400 || status === 404)) {
    return { kind: 'state', state: 'changed', text: tr('errNothingToCancel', v.name), next: tr('errNotActiveNext') };
  }
  if (ctx.action === 'deactivate' && status === 404) {
    return { kind: 'state', state: 'not-active', text: tr('errNotActive', v.name), next: tr('errNotActiveNext') };
  }
  // A bare 400 on activation that mentions MFA: the beta doc's "SelfActivate without an MFA-challenged session".
  if (status === 400 && /multi-?factor|\bmfa\b/i.test(err.message ?? '')) {
    return { kind: 'stepUp', text: tr('errMfa', v.name, v.verb), next: tr('errMfaNext'), stepUp: 'mfa' };
  }
  if (status >= 500) {
    return {
      kind: 'retry',
      text: tr('errServer', v.name, v.verb, status),
      next: write ? tr('errServerNextWrite') : tr('errServerNext'),
      ...(err.retryAfterSeconds !== undefined ? { retryAfterSeconds: Math.ceil(err.retryAfterSeconds) } : {}),
    };
  }
  const detail =
    [err.status ? `HTTP ${err.status}` : '', err.code ?? '', err.message ?? ''].filter(Boolean).join(' ') ||
    tr('errNoDetails');
  return { kind: 'fatal', text: tr('errUnknown', v.name, v.verb, detail), next: tr('errUnknownNext') };
}

function throttled(err: ErrorInput, tr: Translate): ErrorDescription {
  const wait =
    err.retryAfterSeconds !== undefined && Number.isFinite(err.retryAfterSeconds)
      ? Math.max(1, Math.ceil(err.retryAfterSeconds))
      : undefined;
  return wait === undefined
    ? { kind: 'retry', text: tr('errThrottled'), next: tr('errThrottledNext') }
    : { kind: 'retry', text: tr('errThrottled'), next: tr('errThrottledNextSeconds', wait), retryAfterSeconds: wait };
}

const OUTCOME: Record<RequestOutcome, MessageKey> = {
  done: 'outcomeActive',
  scheduled: 'outcomeScheduled',
  'pending-approval': 'outcomeApproval',
  'in-progress': 'outcomeInProgress',
  revoked: 'outcomeDeactivated',
  failed: 'outcomeFailed',
  canceled: 'outcomeCanceled',
  denied: 'outcomeDenied',
};

/** The sentence for an accepted request (see requests.ts requestOutcome), e.g. the approval notice. */
export function describeOutcome(
  outcome: RequestOutcome,
  ctx: Pick<ErrorContext, 'displayName'>,
  tr: Translate,
): string {
  return tr(OUTCOME[outcome], ctx.displayName);
}
