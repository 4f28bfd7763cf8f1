/**
 * The popup's three lists (Active, Pending approval, Eligible) from a snapshot: ordered, filtered by the search and
 * with favourites first (lib/pim/order.ts). Shared by the full popup (PopupView) and its first paint (CachedPopup),
 * so both draw the same rows in the same order.
 */
import type { JSX } from 'preact';
import { t } from '../../lib/i18n';
import type { Snapshot } from '../../lib/pim/model';
import { buildSections, type PopupSections } from '../../lib/pim/order';
import type { TimeFormat } from '../../lib/pim/time';
import { AssignmentSection } from './AssignmentSection';
import { searchLabels } from './labels';

export interface ListSectionsInput {
  snapshot: Snapshot;
  now: number;
  format: TimeFormat;
  query: string;
  favourites: ReadonlySet<string>;
  onToggleFavourite(key: string): void;
  /** Draw at most this many rows in all, top down (the first paint's one screenful); absent: every row, in chunks. */
  screenful?: number;
  /** The previous render's sections: sorting starts from their order (a refreshed list is mostly in it). */
  previous?: PopupSections;
}

export interface ListSections {
  active: JSX.Element;
  pending: JSX.Element;
  eligible: JSX.Element;
  /** How many rows the three hold together. */
  shown: number;
  /** The ordered lists, for the next render's `previous`. */
  sections: PopupSections;
}

export function listSections({
  snapshot,
  now,
  format,
  query,
  favourites,
  onToggleFavourite,
  screenful,
  previous,
}: ListSectionsInput) {
  const sections = buildSections(snapshot.assignments, {
    now,
    favourites,
    query,
    locale: format.locale,
    labels: searchLabels,
    previous,
  });
  const eligibleEnds = new Map(
    snapshot.assignments.filter((a) => a.state === 'eligible').map((a) => [a.key, a.endDateTime]),
  );
  const common = { now, format, favourites, onToggleFavourite, eligibleEnds };
  // With a screenful: what is left of it after the sections above (so they are drawn top down, in this order).
  let left = screenful ?? Infinity;
  const section = (id: 'active' | 'pending' | 'eligible', title: string) => {
    const assignments = sections[id];
    const limit = screenful === undefined ? undefined : Math.min(assignments.length, left);
    if (limit !== undefined) left -= limit;
    return <AssignmentSection id={id} title={title} assignments={assignments} limit={limit} {...common} />;
  };
  return {
    active: section('active', t('sectionActive')),
    pending: section('pending', t('sectionPending')),
    eligible: section('eligible', t('sectionEligible')),
    shown: sections.active.length + sections.pending.length + sections.eligible.length,
    sections,
  } satisfies ListSections;
}
