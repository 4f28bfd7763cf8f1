/**
 * The editor's verdict on a template, pure: the Template schema's own messages per field, validateJustification's
 * errors and warnings in the user's language, and unique names (an export with two equal names cannot be imported).
 */
import { t } from '../../lib/i18n';
import {
  JUSTIFICATION_MAX,
  Template,
  validateJustification,
  validationText,
  type JustificationIssue,
} from '../../lib/pim/templates';

export type TemplateField = 'name' | 'justification' | 'ticketSystem' | 'ticketNumber' | 'durationMinutes';

export interface TemplateValues {
  name: string;
  justification: string;
  ticketSystem: string;
  ticketNumber: string;
}

export interface TemplateCheck {
  /** Set when nothing blocks saving. */
  template?: Template;
  errors: Partial<Record<TemplateField, string>>;
  warnings: string[];
}

const LABELS: Record<TemplateField, () => string> = {
  name: () => t('optTplName'),
  justification: () => t('optTplJustification'),
  ticketSystem: () => t('optTplTicketSystem'),
  ticketNumber: () => t('optTplTicketNumber'),
  durationMinutes: () => t('optDurationLabel'),
};

export const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export function justificationIssueText(issue: JustificationIssue, text: string): string {
  const trimmed = text.trim();
  switch (issue.code) {
    case 'empty':
      return t('optTplJustificationEmpty');
    case 'too-long':
      return t('optTplJustificationTooLong', [...trimmed].length, JUSTIFICATION_MAX);
    case 'control-characters':
      return t('optTplJustificationControl');
    case 'vague':
      return t('optTplJustificationVague', trimmed);
  }
}

/** "Name is empty.": the schema says what is wrong, the label says where. */
export function fieldIssue(label: string, message: string): string {
  return t('optFieldIssue', label, message);
}

const optional = (text: string) => (text.trim() === '' ? undefined : text.trim());

export function checkTemplate(
  id: string,
  values: TemplateValues,
  minutes: number | undefined,
  others: readonly Template[],
): TemplateCheck {
  const errors: TemplateCheck['errors'] = {};
  const justification = validateJustification(values.justification);
  const first = justification.errors[0];
  if (first) errors.justification = justificationIssueText(first, values.justification);
  if (Number.isNaN(minutes)) errors.durationMinutes = t('optDurationNotNumber');

  const parsed = Template.safeParse({
    id,
    name: values.name,
    justification: values.justification.trim(),
    ticketSystem: optional(values.ticketSystem),
    ticketNumber: optional(values.ticketNumber),
    durationMinutes: Number.isNaN(minutes) ? undefined : minutes,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as TemplateField | undefined;
      if (field && field in LABELS && !errors[field])
        errors[field] = fieldIssue(LABELS[field](), validationText(issue, t));
    }
  }
  if (!errors.name && others.some((o) => o.id !== id && sameName(o.name, values.name))) {
    errors.name = t('optNameTaken', values.name.trim());
  }
  const warnings = justification.warnings.map((w) => justificationIssueText(w, values.justification));
  const blocked = Object.keys(errors).length > 0;
  return { template: blocked || !parsed.success ? undefined : parsed.data, errors, warnings };
}
