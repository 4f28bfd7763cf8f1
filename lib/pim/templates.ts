/**
 * Reason templates: the justification an admin would otherwise retype for every activation, with placeholders
 * ({role} {group} {date} {ticket}), plus their validation and the import/export file that shares them with colleagues.
 */
// zod/mini: the popup loads this; classic zod does not tree-shake (docs/PERFORMANCE.md).
import { z } from 'zod/mini';
import type { MessageKey, Translate } from '../i18n';
import {
  ActivationMinutes,
  Bundle,
  LibraryAccount,
  LibraryId,
  LibraryName,
  VALIDATION_KEYS,
  validationKey,
} from './bundles';
import type { AssignmentKind } from './model';

/** PIM documents no limit; 500 keeps audit logs readable and matches what the portal's box accepts comfortably. */
export const JUSTIFICATION_MAX = 500;

export const Template = z.object({
  id: LibraryId,
  name: LibraryName,
  justification: z.string().check(z.maxLength(JUSTIFICATION_MAX, { error: validationKey('valTooLong') })),
  ticketSystem: z.optional(z.string().check(z.trim(), z.maxLength(100, { error: validationKey('valTooLong') }))),
  ticketNumber: z.optional(z.string().check(z.trim(), z.maxLength(100, { error: validationKey('valTooLong') }))),
  durationMinutes: z.optional(ActivationMinutes),
  accountId: LibraryAccount,
});
export type Template = z.infer<typeof Template>;

// ---------------------------------------------------------------------------------------------------------------
// Rendering

export const PLACEHOLDERS = ['role', 'group', 'date', 'ticket'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export interface RenderContext {
  /** The role's or group's display name. */
  displayName: string;
  kind: AssignmentKind;
  now: Date;
  /** BCP 47 locale for {date}, e.g. 'en-GB'. */
  locale: string;
  /** Overrides the template's ticket number (typed in the form). */
  ticketNumber?: string;
  /** For {date}; defaults to the runtime's zone (the user's). Tests pin it. */
  timeZone?: string;
}

export interface Rendered {
  text: string;
  /** Placeholders we do not know, left as typed (e.g. "{reason}"): the UI points at them. */
  unknown: string[];
  /** Known placeholders with nothing to put in (e.g. {ticket} without a ticket number), also left as typed. */
  unfilled: Placeholder[];
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Fill a template's justification. {role} and {group} both take the display name, whatever the kind, so one template
 * serves a bundle that mixes roles and groups. Unknown or empty placeholders stay as typed and are reported.
 */
export function renderJustification(
  template: Pick<Template, 'justification' | 'ticketNumber'>,
  ctx: RenderContext,
): Rendered {
  const ticket = (ctx.ticketNumber ?? template.ticketNumber ?? '').trim();
  const date = new Intl.DateTimeFormat(ctx.locale, { dateStyle: 'medium', timeZone: ctx.timeZone }).format(ctx.now);
  const values: Record<Placeholder, string> = { role: ctx.displayName, group: ctx.displayName, date, ticket };
  const unknown = new Set<string>();
  const unfilled = new Set<Placeholder>();
  const text = template.justification.replace(PLACEHOLDER, (whole, rawName: string) => {
    const name = rawName.toLowerCase();
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      unknown.add(whole);
      return whole;
    }
    const value = values[name as Placeholder];
    if (!value) {
      unfilled.add(name as Placeholder);
      return whole;
    }
    return value;
  });
  return { text, unknown: [...unknown], unfilled: [...unfilled] };
}

// ---------------------------------------------------------------------------------------------------------------
// Validation

/** What is wrong, with the numbers and text a sentence needs; justificationText says it in the user's language. */
export type JustificationIssue =
  | { code: 'empty' }
  | { code: 'too-long'; length: number; max: number }
  | { code: 'control-characters' }
  | { code: 'vague'; text: string };

export interface JustificationCheck {
  /** Block submission. */
  errors: JustificationIssue[];
  /** Worth a nudge; approvers and auditors reject reasons like "BAU". */
  warnings: JustificationIssue[];
}

/**
 * C0/C1 controls except tab and line breaks (a textarea produces those), and the bidi overrides that can make an
 * audit-log line read differently from what was stored.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;

const VAGUE = new Set([
  'bau',
  'admin',
  'test',
  'testing',
  'work',
  'n/a',
  'na',
  'none',
  'todo',
  'asdf',
  'x',
  'stuff',
  'job',
  'task',
  'needed',
  'access',
  'admin work',
  'admin tasks',
  'business as usual',
]);

export function validateJustification(text: string): JustificationCheck {
  const errors: JustificationIssue[] = [];
  const warnings: JustificationIssue[] = [];
  const trimmed = text.trim();
  // Code points, not UTF-16 units: an emoji is one character to the person typing.
  const length = [...trimmed].length;
  if (length === 0) errors.push({ code: 'empty' });
  if (length > JUSTIFICATION_MAX) errors.push({ code: 'too-long', length, max: JUSTIFICATION_MAX });
  if (CONTROL.test(text)) errors.push({ code: 'control-characters' });
  const normalized = trimmed.toLowerCase().replace(/[.!,;:]+$/u, '');
  if (length > 0 && (!/\s/u.test(trimmed) || VAGUE.has(normalized))) warnings.push({ code: 'vague', text: trimmed });
  return { errors, warnings };
}

/** The issue as a sentence that says what to do, in `tr`'s language. */
export function justificationText(issue: JustificationIssue, tr: Translate): string {
  switch (issue.code) {
    case 'empty':
      return tr('actJustificationEmpty');
    case 'too-long':
      return tr('actJustificationTooLong', issue.length, issue.max);
    case 'control-characters':
      return tr('actJustificationControl');
    case 'vague':
      return tr('actJustificationVague', issue.text);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Import / export

export const EXPORT_FORMAT = 'pim-companion-templates';
export const EXPORT_VERSION = 1;
const IMPORT_MAX_CHARS = 1_000_000;

export const ExportFile = z.object({
  format: z.literal(EXPORT_FORMAT, { error: validationKey('valNotExportFormat') }),
  version: z.literal(EXPORT_VERSION, { error: validationKey('valVersion') }),
  templates: z._default(z.array(Template).check(z.maxLength(500, { error: validationKey('valTooManyTemplates') })), []),
  bundles: z._default(z.array(Bundle).check(z.maxLength(200, { error: validationKey('valTooManyBundles') })), []),
});
export type ExportFile = z.infer<typeof ExportFile>;
export interface TemplateLibrary {
  templates: Template[];
  bundles: Bundle[];
}

export function exportLibrary(lib: TemplateLibrary): string {
  const file: ExportFile = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    templates: lib.templates,
    bundles: lib.bundles,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** ['templates', 2, 'justification'] → "templates[2].justification". */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
    '',
  );
}

/**
 * Issue fields that hold the bound or expected value a validation message substitutes ("longer than 80 characters").
 */
type IssueDetail = { maximum?: unknown; minimum?: unknown; values?: unknown; expected?: unknown };

/**
 * A schema issue of Template, Bundle or ExportFile as words in `tr`'s language (without the field: "is empty"). Our
 * schemas carry message keys (validationKey) and the issue supplies the number; zod's own English messages (wrong
 * type, and the like in an imported file) are replaced by our generic ones.
 */
export function validationText(issue: z.core.$ZodIssue, tr: Translate): string {
  const d = issue as IssueDetail;
  const values = Array.isArray(d.values) ? d.values : [];
  const detail = [d.maximum, d.minimum, values[0]].find(
    (x) => typeof x === 'number' || typeof x === 'string' || typeof x === 'bigint',
  );
  const key = VALIDATION_KEYS.has(issue.message) ? (issue.message as MessageKey) : null;
  if (key) return tr(key, String(detail ?? ''));
  if (issue.code === 'invalid_type') return tr('valWrongType', typeof d.expected === 'string' ? d.expected : '');
  return tr('valInvalid');
}

function duplicates(items: readonly { id: string; name: string }[], list: string, tr: Translate): string | null {
  const seen = new Map<string, number>();
  for (const [i, item] of items.entries()) {
    for (const [field, value] of [
      ['id', item.id],
      ['name', item.name.trim().toLowerCase()],
    ] as const) {
      const earlier = seen.get(`${field}:${value}`);
      if (earlier !== undefined)
        return tr(
          'importDuplicate',
          `${list}[${i}].${field}`,
          field === 'id' ? item.id : item.name,
          `${list}[${earlier}]`,
        );
      seen.set(`${field}:${value}`, i);
    }
  }
  return null;
}

export type ImportResult = { ok: true; data: TemplateLibrary } | { ok: false; error: string };

/**
 * Parse an import file; a bad file gets one sentence in `tr`'s language saying what is wrong and where
 * (e.g. "templates[2].justification: …"). Paths stay as in the file: they point at JSON, which is not translated.
 */
export function parseImport(jsonText: string, tr: Translate): ImportResult {
  if (jsonText.length > IMPORT_MAX_CHARS) return { ok: false, error: tr('importTooLarge') };
  let raw: unknown;
  try {
    raw = JSON.parse(jsonText);
  } catch (e) {
    return { ok: false, error: tr('importNotJson', e instanceof Error ? e.message : String(e)) };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: tr('importNotObject') };
  const version = (raw as { version?: unknown }).version;
  if (
    (raw as { format?: unknown }).format === EXPORT_FORMAT &&
    typeof version === 'number' &&
    version > EXPORT_VERSION
  ) {
    return { ok: false, error: tr('importNewerVersion', version) };
  }
  const parsed = ExportFile.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => tr('importIssue', formatPath(i.path) || tr('importFile'), validationText(i, tr)));
    const list = issues.join('; ');
    const extra = parsed.error.issues.length - 3;
    return { ok: false, error: extra > 0 ? tr('importMoreIssues', list, extra) : list };
  }
  const dup = duplicates(parsed.data.templates, 'templates', tr) ?? duplicates(parsed.data.bundles, 'bundles', tr);
  if (dup) return { ok: false, error: dup };
  return { ok: true, data: { templates: parsed.data.templates, bundles: parsed.data.bundles } };
}

export interface Overwrite<T> {
  incoming: T;
  /** Existing entries with the same id or the same name (case-insensitive); usually one. */
  replaces: T[];
}
export interface ImportPlanFor<T> {
  added: T[];
  overwritten: Overwrite<T>[];
}
export interface ImportPlan {
  templates: ImportPlanFor<Template>;
  bundles: ImportPlanFor<Bundle>;
}

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function planList<T extends { id: string; name: string }>(
  existing: readonly T[],
  incoming: readonly T[],
): ImportPlanFor<T> {
  const plan: ImportPlanFor<T> = { added: [], overwritten: [] };
  for (const item of incoming) {
    const replaces = existing.filter((e) => e.id === item.id || sameName(e.name, item.name));
    if (replaces.length) plan.overwritten.push({ incoming: item, replaces });
    else plan.added.push(item);
  }
  return plan;
}

/** What an import would add and what it would overwrite (same id or name), so the UI can ask before replacing. */
export function planImport(existing: TemplateLibrary, incoming: TemplateLibrary): ImportPlan {
  return {
    templates: planList(existing.templates, incoming.templates),
    bundles: planList(existing.bundles, incoming.bundles),
  };
}

function applyList<T extends { id: string; name: string }>(existing: readonly T[], plan: ImportPlanFor<T>): T[] {
  const result = [...existing];
  for (const { incoming, replaces } of plan.overwritten) {
    const at = result.findIndex((e) => replaces.includes(e));
    const kept = result.filter((e) => !replaces.includes(e));
    kept.splice(at === -1 ? kept.length : Math.min(at, kept.length), 0, incoming);
    result.splice(0, result.length, ...kept);
  }
  return [...result, ...plan.added];
}

/** The library after a confirmed import: overwritten entries are replaced in place, new ones appended. */
export function applyImport(existing: TemplateLibrary, plan: ImportPlan): TemplateLibrary {
  return {
    templates: applyList(existing.templates, plan.templates),
    bundles: applyList(existing.bundles, plan.bundles),
  };
}
