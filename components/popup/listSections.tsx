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
  // With a screenful: what is left of it after the sections above.
  let left = screenful ?? Infinity;
  const limit = (n: number) => {
    if (screenful === undefined) return undefined;
    const mine = Math.min(n, left);
    left -= mine;
    return mine;
  };
  const active = limit(sections.active.length);
  const pending = limit(sections.pending.length);
  const eligible = limit(sections.eligible.length);
  return {
    active: (
      <AssignmentSection
        id="active"
        title={t('sectionActive')}
        assignments={sections.active}
        limit={active}
        {...common}
      />
    ),
    pending: (
      <AssignmentSection
        id="pending"
        title={t('sectionPending')}
        assignments={sections.pending}
        limit={pending}
        {...common}
      />
    ),
    eligible: (
      <AssignmentSection
        id="eligible"
        title={t('sectionEligible')}
        assignments={sections.eligible}
        limit={eligible}
        {...common}
      />
    ),
    shown: sections.active.length + sections.pending.length + sections.eligible.length,
    sections,
  } satisfies ListSections;
}
