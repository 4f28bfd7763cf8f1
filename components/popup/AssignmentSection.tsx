/** A titled list of assignments (Active, Pending approval, Eligible); renders nothing when empty. */
import { useEffect, useState } from 'preact/hooks';
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
  /** Eligibility end by key, shown on active rows (their eligible row is hidden while active). */
  eligibleEnds?: ReadonlyMap<string, string | null>;
}

/**
 * Rows rendered before the first paint: a screenful and more. At MSP scale (hundreds of eligibilities) rendering every
 * row first would hold the popup's first paint back by hundreds of milliseconds (docs/PERFORMANCE.md).
 */
export const FIRST_ROWS = 30;

/** Whether to render every row: from the start when few, else from the render after the first paint. */
function useAllRows(count: number): boolean {
  const [all, setAll] = useState(count <= FIRST_ROWS);
  // Preact runs effects after the browser has painted (next animation frame), so the rest follows the first screenful.
  useEffect(() => {
    if (!all) setAll(true);
  }, [all]);
  return all || count <= FIRST_ROWS;
}

export function AssignmentSection({
  id,
  title,
  assignments,
  now,
  format,
  favourites,
  onToggleFavourite,
  eligibleEnds,
}: AssignmentSectionProps) {
  const all = useAllRows(assignments.length);
  if (assignments.length === 0) return null;
  const headingId = `section-${id}`;
  return (
    <section class="section" data-testid={`section-${id}`} aria-labelledby={headingId}>
      <h2 class="section-title" id={headingId}>
        {title} <span class="section-count">{assignments.length}</span>
      </h2>
      <ul class="rows">
        {(all ? assignments : assignments.slice(0, FIRST_ROWS)).map((a) => (
          <AssignmentRow
            key={`${a.state}:${a.key}:${a.id}`}
            assignment={a}
            eligibleEnd={eligibleEnds?.get(a.key)}
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
