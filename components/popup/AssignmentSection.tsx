/** A titled list of assignments (Active, Pending approval, Eligible); renders nothing when empty. */
import type { Assignment } from '../../lib/pim/model';
import type { TimeFormat } from '../../lib/pim/time';
import { AssignmentRow } from './AssignmentRow';

export interface AssignmentSectionProps {
  id: 'active' | 'pending' | 'eligible';
  title: string;
  assignments: Assignment[];
  now: number;
  format: TimeFormat;
  favourites: ReadonlySet<string>;
  onToggleFavourite(key: string): void;
}

export function AssignmentSection({ id, title, assignments, now, format, favourites, onToggleFavourite }: AssignmentSectionProps) {
  if (assignments.length === 0) return null;
  const headingId = `section-${id}`;
  return (
    <section class="section" data-testid={`section-${id}`} aria-labelledby={headingId}>
      <h2 class="section-title" id={headingId}>
        {title} <span class="section-count">{assignments.length}</span>
      </h2>
      <ul class="rows">
        {assignments.map((a) => (
          <AssignmentRow
            key={`${a.state}:${a.key}:${a.id}`}
            assignment={a}
            now={now}
            format={format}
            favourite={favourites.has(a.key)}
            onToggleFavourite={onToggleFavourite}
          />
        ))}
      </ul>
    </section>
  );
}
