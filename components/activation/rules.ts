/**
 * From stored data (policies, remembered choices, templates) to what the popup offers for one or several eligibilities:
 * the form rules (lib/pim/form-rules formRules, merged for a multi-select), the one-click template, and the form's
 * starting values. Pure.
 */
import { formRules, type Field, type FormRules, type Remembered as RuleMemory } from '../../lib/pim/form-rules';
import type { Assignment } from '../../lib/pim/model';
import { renderJustification, type Template } from '../../lib/pim/templates';
import type { TimeFormat } from '../../lib/pim/time';
import type { Bundle } from '../../lib/pim/bundles';
import type { PolicyEntry, Remembered } from '../../lib/storage';

/** What the popup reads from storage for activations. */
export interface ActivationData {
  templates: readonly Template[];
  bundles: readonly Bundle[];
  remembered: Readonly<Record<string, Remembered>>;
  policies: Readonly<Record<string, PolicyEntry>>;
}

/** What one click would reuse for an eligibility: its remembered template, or the reason typed last time. */
export interface Memory {
  /** The remembered template itself (its name goes into the button's tooltip), when it still exists. */
  template: Template | null;
  rules: RuleMemory;
}

export function memoryOf(key: string, data: ActivationData): Memory {
  const r = data.remembered[key];
  if (!r) return { template: null, rules: {} };
  const template = data.templates.find((x) => x.id === r.templateId) ?? null;
  const ticketNumber = r.ticketNumber ?? template?.ticketNumber;
  const ticketSystem = r.ticketSystem ?? template?.ticketSystem;
  // A typed reason wins over the template: it is what was actually sent last time.
  const source = r.justification !== null ? { justification: r.justification } : template;
  return {
    template,
    rules: {
      ...(source
        ? {
            template: {
              justification: source.justification,
              ticketNumber,
              ticketSystem,
              durationMinutes: template?.durationMinutes,
            },
          }
        : {}),
      ...(r.durationMinutes !== null ? { durationMinutes: r.durationMinutes } : {}),
    },
  };
}

const FIELD_ORDER: readonly Field[] = ['justification', 'ticket', 'duration'];

/** Several eligibilities in one form: every requirement of any of them, the shortest maximum. */
export function mergeRules(list: readonly FormRules[]): FormRules {
  const [first, ...rest] = list;
  if (!first) return formRules(null);
  if (rest.length === 0) return first;
  const max = Math.min(...list.map((r) => r.fields.duration.max));
  const missing = new Set(list.flatMap((r) => r.missing));
  return {
    fields: {
      justification: list.some((r) => r.fields.justification === 'required') ? 'required' : 'optional',
      ticket: list.some((r) => r.fields.ticket === 'required') ? 'required' : 'hidden',
      duration: { max, default: Math.min(max, ...list.map((r) => r.fields.duration.default)) },
    },
    stepUp: list.find((r) => r.stepUp)?.stepUp ?? null,
    approvalRequired: list.some((r) => r.approvalRequired),
    missing: FIELD_ORDER.filter((f) => missing.has(f)),
    oneClickReady: list.every((r) => r.oneClickReady),
  };
}

/** pim.activate accepts at most a day (ActivationInput.durationMinutes); PIM itself caps activations at 24 h too. */
export const PROTOCOL_MAX_MINUTES = 1440;

/** The form rules for these keys. A policy not read yet counts as unreadable: ask for a reason rather than fail. */
export function rulesFor(keys: readonly string[], data: ActivationData): FormRules {
  const rules = mergeRules(keys.map((key) => formRules(data.policies[key]?.policy ?? null, memoryOf(key, data).rules)));
  const max = Math.min(rules.fields.duration.max, PROTOCOL_MAX_MINUTES);
  return {
    ...rules,
    fields: { ...rules.fields, duration: { max, default: Math.min(max, rules.fields.duration.default) } },
  };
}

export interface FormValues {
  templateId: string | null;
  /** Marked "last used" in the picker. */
  lastUsedTemplateId: string | null;
  justification: string;
  ticketNumber: string;
  ticketSystem: string;
  durationMinutes: number;
}

export interface RenderTarget {
  targets: readonly Assignment[];
  now: number;
  format: TimeFormat;
}

/**
 * A template's reason for these targets; several targets read as one list ("Exchange Administrator, Teams
 * Administrator").
 */
export function renderFor(
  template: Pick<Template, 'justification' | 'ticketNumber'>,
  ticketNumber: string,
  ctx: RenderTarget,
): string {
  const names = ctx.targets.map((a) => a.displayName).join(', ');
  return renderJustification(template, {
    displayName: names,
    kind: ctx.targets[0]?.kind ?? 'role',
    now: new Date(ctx.now),
    locale: ctx.format.locale,
    timeZone: ctx.format.timeZone,
    ticketNumber: ticketNumber || undefined,
  }).text;
}

/**
 * Where the form starts: the template used last time for the first target that has one (else the first template),
 * the reason typed last time when there was no template, the remembered ticket, the rules' default duration.
 */
export function initialValues(
  keys: readonly string[],
  rules: FormRules,
  data: ActivationData,
  ctx: RenderTarget,
): FormValues {
  const remembered = keys.map((k) => data.remembered[k]).find((r) => r !== undefined);
  const lastUsed = data.templates.find((x) => keys.some((k) => data.remembered[k]?.templateId === x.id)) ?? null;
  const typed = remembered?.justification ?? null;
  const template = lastUsed ?? (typed === null ? (data.templates[0] ?? null) : null);
  const ticketNumber = remembered?.ticketNumber ?? template?.ticketNumber ?? '';
  return {
    templateId: template?.id ?? null,
    lastUsedTemplateId: lastUsed?.id ?? null,
    justification: typed ?? (template ? renderFor(template, ticketNumber, ctx) : ''),
    ticketNumber,
    ticketSystem: remembered?.ticketSystem ?? template?.ticketSystem ?? '',
    durationMinutes: rules.fields.duration.default,
  };
}
