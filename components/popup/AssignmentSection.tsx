/** A titled list of assignments (Active, Pending approval, Eligible); renders nothing when empty. */
import { Component } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Assignment } from '../../lib/pim/model';
import { MINUTE, type TimeFormat } from '../../lib/pim/time';
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
  /** At most this many rows, and no more later (the popup's first paint draws one screenful). */
  limit?: number;
}

/**
 * Rows rendered before the first paint: a screenful and more. At MSP scale (hundreds of eligibilities) rendering every
 * row first would hold the popup's first paint back by hundreds of milliseconds (docs/PERFORMANCE.md).
 */
export const FIRST_ROWS = 30;

/**
 * The rest follow in chunks of this many, one task each, so a keystroke in search or a click waits for one chunk at
 * most (tens of milliseconds), never for the whole list.
 */
export const CHUNK_ROWS = 30;

/** How many rows to render: FIRST_ROWS before the first paint, then one more chunk per task until all are there. */
function useRowCount(total: number, limit: number | undefined): number {
  const [count, setCount] = useState(Math.min(FIRST_ROWS, limit ?? FIRST_ROWS));
  useEffect(() => {
    if (count >= total || limit !== undefined) return undefined;
    // A macrotask per chunk: the browser paints and handles input between them.
    const id = setTimeout(() => setCount((c) => c + CHUNK_ROWS), 0);
    return () => clearTimeout(id);
  }, [count, total, limit]);
  return Math.min(count, total, limit ?? total);
}

interface ChunkRow {
  assignment: Assignment;
  favourite: boolean;
  eligibleEnd: string | null | undefined;
}

interface RowChunkProps {
  rows: ChunkRow[];
  now: number;
  format: TimeFormat;
  onToggleFavourite(key: string): void;
}

/**
 * The same assignment as far as its row can tell: every field equal (arrays item by item). A refresh stores a new
 * snapshot whose objects are all new; comparing by content lets the rows that did not change skip rendering.
 */
function sameAssignment(a: Assignment, b: Assignment): boolean {
  if (a === b) return true;
  const keys = Object.keys(a) as (keyof Assignment)[];
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => {
    const x = a[k];
    const y = b[k];
    if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => v === y[i]);
    return x === y;
  });
}

const sameRows = (a: readonly ChunkRow[], b: readonly ChunkRow[]) =>
  a.length === b.length &&
  a.every(
    (r, i) =>
      sameAssignment(r.assignment, b[i]!.assignment) &&
      r.favourite === b[i]!.favourite &&
      r.eligibleEnd === b[i]!.eligibleEnd,
  );

/**
 * A run of rows that renders again only when its rows or the time it shows change: the popup's one-second countdown
 * re-renders the active rows, not hundreds of eligible ones (they get a minute clock), and a new chunk does not
 * re-render the ones before it. Row state (results, open forms) comes from context, which reaches rows regardless.
 */
class RowChunk extends Component<RowChunkProps> {
  override shouldComponentUpdate(next: RowChunkProps): boolean {
    const p = this.props;
    return (
      next.now !== p.now ||
      next.format !== p.format ||
      next.onToggleFavourite !== p.onToggleFavourite ||
      !sameRows(p.rows, next.rows)
    );
  }

  override render() {
    const { rows, now, format, onToggleFavourite } = this.props;
    return (
      <>
        {rows.map((r) => (
          <AssignmentRow
            key={`${r.assignment.state}:${r.assignment.key}:${r.assignment.id}`}
            assignment={r.assignment}
            eligibleEnd={r.eligibleEnd}
            now={now}
            format={format}
            favourite={r.favourite}
            onToggleFavourite={onToggleFavourite}
          />
        ))}
      </>
    );
  }
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
  limit,
}: AssignmentSectionProps) {
  const count = useRowCount(assignments.length, limit);
  if (assignments.length === 0) return null;
  // Eligible rows say days and dates ("until 3 Dec", "ends in 5 days"): a minute clock is plenty.
  const rowNow = id === 'eligible' ? now - (now % MINUTE) : now;
  const chunks: ChunkRow[][] = [];
  for (let i = 0; i < count; i += CHUNK_ROWS)
    chunks.push(
      assignments.slice(i, Math.min(count, i + CHUNK_ROWS)).map((a) => ({
        assignment: a,
        favourite: favourites.has(a.key),
        eligibleEnd: eligibleEnds?.get(a.key),
      })),
    );
  const headingId = `section-${id}`;
  return (
    <section class="section" data-testid={`section-${id}`} aria-labelledby={headingId}>
      <h2 class="section-title" id={headingId}>
        {title} <span class="section-count">{assignments.length}</span>
      </h2>
      <ul class="rows">
        {chunks.map((rows, i) => (
          <RowChunk key={i} rows={rows} now={rowNow} format={format} onToggleFavourite={onToggleFavourite} />
        ))}
      </ul>
    </section>
  );
}
