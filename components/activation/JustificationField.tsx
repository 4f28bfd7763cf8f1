/** The reason box: counter, blocking problems (empty, too long, control characters) and the "says little" nudge. */
import { useId } from 'preact/hooks';
import { t } from '../../lib/i18n';
import { JUSTIFICATION_MAX, validateJustification, type JustificationIssue } from '../../lib/pim/templates';

/** The issue as a sentence in the user's language (lib/pim/templates gives codes and English text). */
function issueText(issue: JustificationIssue, text: string): string {
  switch (issue.code) {
    case 'empty':
      return t('actJustificationEmpty');
    case 'too-long':
      return t('actJustificationTooLong', [...text.trim()].length, JUSTIFICATION_MAX);
    case 'control-characters':
      return t('actJustificationControl');
    case 'vague':
      return t('actJustificationVague', text.trim());
  }
}

export interface JustificationProblems {
  error: string | null;
  warning: string | null;
}

/** `required`: an empty box blocks; an optional box may stay empty but what is typed must still be sendable. */
export function checkJustification(text: string, required: boolean): JustificationProblems {
  const { errors, warnings } = validateJustification(text);
  const blocking = errors.filter((e) => required || e.code !== 'empty');
  return {
    error: blocking[0] ? issueText(blocking[0], text) : null,
    warning: warnings[0] ? issueText(warnings[0], text) : null,
  };
}

export interface JustificationFieldProps {
  value: string;
  required: boolean;
  /** Shown after a submit attempt, or PIM's own sentence (JustificationRule). */
  error: string | null;
  /** Live problems that do not wait for a submit (too long, control characters). */
  liveError: string | null;
  warning: string | null;
  label?: string;
  onInput(value: string): void;
}

export function JustificationField({
  value,
  required,
  error,
  liveError,
  warning,
  label,
  onInput,
}: JustificationFieldProps) {
  const id = useId();
  const length = [...value.trim()].length;
  const shown = error ?? liveError;
  return (
    <div class="act-field">
      <label class="act-label" for={id}>
        {label ?? t('actFormJustification')}
        {!required && <span class="act-hint"> {t('actFormOptional')}</span>}
      </label>
      <textarea
        id={id}
        class="act-input act-textarea"
        rows={3}
        value={value}
        data-field="justification"
        data-testid="justification"
        aria-required={required}
        aria-invalid={shown !== null}
        aria-describedby={`${id}-msg ${id}-count`}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      <div class="act-foot">
        <span id={`${id}-msg`} class="act-error" data-testid="justification-error">
          {shown}
        </span>
        <span
          id={`${id}-count`}
          class={`act-counter${length > JUSTIFICATION_MAX ? ' act-counter-over' : ''}`}
          data-testid="justification-count"
        >
          {t('actFormCounter', length, JUSTIFICATION_MAX)}
        </span>
      </div>
      {warning && !shown && (
        <p class="act-warning" data-testid="justification-warning">
          {warning}
        </p>
      )}
    </div>
  );
}
