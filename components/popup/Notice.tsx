/** A designed state or banner: what happened, in one sentence, and the one next step as a button. */
import type { ComponentChildren } from 'preact';

export interface NoticeAction {
  label: string;
  onClick(): void;
  testId?: string;
}

export interface NoticeProps {
  /** For tests and styling: which designed state this is. */
  id: string;
  tone: 'info' | 'warning' | 'error';
  title?: string;
  children: ComponentChildren;
  action?: NoticeAction;
  /** A full-panel state (centred) rather than a banner above the list. */
  panel?: boolean;
}

export function Notice({ id, tone, title, children, action, panel }: NoticeProps) {
  return (
    <section
      class={`notice notice-${tone}${panel ? ' notice-panel' : ''}`}
      data-testid="notice"
      data-notice={id}
      role={tone === 'error' ? 'alert' : 'status'}
    >
      {title && <h2 class="notice-title">{title}</h2>}
      <p class="notice-text">{children}</p>
      {action && (
        <button
          type="button"
          class={panel ? 'btn btn-primary' : 'btn btn-subtle'}
          onClick={action.onClick}
          data-testid={action.testId}
        >
          {action.label}
        </button>
      )}
    </section>
  );
}
