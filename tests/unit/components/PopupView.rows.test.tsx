import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { options } from 'preact';
import { AssignmentRow } from '../../../components/popup/AssignmentRow';
import { CHUNK_ROWS, FIRST_ROWS } from '../../../components/popup/AssignmentSection';
import { PopupView, type PopupViewProps } from '../../../components/popup/PopupView';
import type { Assignment } from '../../../lib/pim/model';
import {
  assignment,
  CONNECTION,
  DAY_MS,
  FORMAT,
  IDLE,
  installMessages,
  iso,
  MIN,
  NOW,
  SIGNED_IN,
  snapshot,
} from './fixtures';
import { fakeActions } from './activation-fixtures';
import { press } from './keyboard';

const ASSIGNMENTS: Assignment[] = [
  assignment({ key: 'role:ga:/', displayName: 'Global Administrator' }),
  assignment({
    key: 'role:ua:/administrativeUnits/paris',
    displayName: 'User Administrator',
    directoryScopeId: '/administrativeUnits/paris',
    scopeName: 'Paris office',
    endDateTime: iso(Date.parse('2026-12-30T17:00:00Z')),
  }),
  assignment({ key: 'role:hd:/', displayName: 'Helpdesk Administrator', endDateTime: iso(NOW + 5 * DAY_MS) }),
  assignment({
    key: 'group:msg:member',
    kind: 'group',
    accessId: 'member',
    displayName: 'PIM-Messaging-Admins',
    grants: ['Exchange Administrator', 'Teams Administrator'],
  }),
  assignment({ key: 'role:sec:/', displayName: 'Security Reader', memberType: 'group', viaGroupName: 'Tier-1 admins' }),
  assignment({
    key: 'role:ex:/',
    state: 'active',
    displayName: 'Exchange Administrator',
    assignmentType: 'Activated',
    endDateTime: iso(NOW + 38 * MIN + 20_000),
  }),
  assignment({ key: 'role:ex:/', state: 'eligible', displayName: 'Exchange Administrator' }),
  assignment({
    key: 'role:teams:/',
    state: 'active',
    displayName: 'Teams Administrator',
    endDateTime: iso(NOW + 9 * MIN + 59_000),
  }),
  assignment({
    key: 'role:pra:/',
    state: 'pending',
    displayName: 'Privileged Role Administrator',
    status: 'PendingApproval',
    startDateTime: iso(NOW + 35 * MIN),
  }),
];

function setup(overrides: Partial<PopupViewProps> = {}) {
  const onToggleFavourite = vi.fn();
  const props: PopupViewProps = {
    connection: CONNECTION,
    auth: SIGNED_IN,
    snapshot: snapshot(ASSIGNMENTS),
    refresh: IDLE,
    favourites: [],
    format: FORMAT,
    clock: () => NOW,
    onRefresh: vi.fn(),
    onSignIn: vi.fn(),
    onSignOut: vi.fn(),
    onOpenSettings: vi.fn(),
    onToggleFavourite,
    ...overrides,
  };
  return { onToggleFavourite, ...render(<PopupView {...props} />) };
}

const row = (key: string, state = 'eligible') =>
  document.querySelector<HTMLElement>(`[data-testid="assignment"][data-key="${key}"][data-state="${state}"]`)!;
const keys = (section: string) =>
  [...document.querySelectorAll<HTMLElement>(`[data-testid="section-${section}"] [data-testid="assignment"]`)].map(
    (r) => r.dataset.key,
  );

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('rows', () => {
  it('role, tenant-wide, permanent eligibility', () => {
    setup();
    const r = row('role:ga:/');
    expect(r.dataset.kind).toBe('role');
    expect(r.textContent).toContain('Role');
    expect(within(r).getByTestId('scope').textContent).toBe('Tenant-wide');
    expect(within(r).getByTestId('when').textContent).toBe('permanent');
    expect(within(r).queryByTestId('eligibility-warning')).toBeNull();
  });

  it('administrative unit scope and its end date, without a warning when far away', () => {
    setup();
    const r = row('role:ua:/administrativeUnits/paris');
    expect(within(r).getByTestId('scope').textContent).toBe('Paris office');
    expect(within(r).getByTestId('when').textContent).toBe('eligible until 30 Dec');
    expect(within(r).queryByTestId('eligibility-warning')).toBeNull();
  });

  it('warns when the eligibility ends within 14 days, with what to do', () => {
    setup();
    expect(within(row('role:hd:/')).getByTestId('eligibility-warning').textContent).toBe(
      'Eligibility ends in 5 days: ask your admin to renew it.',
    );
  });

  it('group: badge, access and the roles it grants', () => {
    setup();
    const r = row('group:msg:member');
    expect(r.dataset.kind).toBe('group');
    expect(r.textContent).toContain('Group');
    expect(r.textContent).toContain('Member');
    expect(within(r).getByTestId('grants').textContent).toBe('grants Exchange Administrator, Teams Administrator');
  });

  it('held through a group: says which', () => {
    setup();
    expect(within(row('role:sec:/')).getByTestId('via').textContent).toBe('via group Tier-1 admins');
  });

  it('active: minutes left and the end time; mm:ss in the last 10 minutes', () => {
    setup();
    const ex = row('role:ex:/', 'active');
    expect(within(ex).getByTestId('time-left').textContent).toBe('38 min left');
    expect(within(ex).getByTestId('when').textContent).toBe('Activated · until 14:38');
    expect(within(row('role:teams:/', 'active')).getByTestId('time-left').textContent).toBe('09:59 left');
  });

  it('labels Activated, Assigned (time-bound) and permanent assignments differently; Deactivate only for Activated', () => {
    setup({
      snapshot: snapshot([
        assignment({
          key: 'role:act:/',
          state: 'active',
          displayName: 'Activated role',
          assignmentType: 'Activated',
          startDateTime: iso(NOW - 20 * MIN),
          endDateTime: iso(NOW + 60 * MIN),
        }),
        assignment({
          key: 'role:act:/',
          state: 'eligible',
          displayName: 'Activated role',
          endDateTime: iso(Date.parse('2027-03-01T00:00:00Z')),
        }),
        assignment({
          key: 'role:tb:/',
          state: 'active',
          displayName: 'Time-bound role',
          assignmentType: 'Assigned',
          startDateTime: iso(NOW - DAY_MS),
          endDateTime: iso(NOW + 2 * DAY_MS),
        }),
        assignment({
          key: 'role:perm:/',
          state: 'active',
          displayName: 'Permanent role',
          assignmentType: 'Assigned',
          startDateTime: null,
          endDateTime: null,
        }),
      ]),
      activation: { templates: [], bundles: [], remembered: {}, policies: {}, actions: fakeActions() },
    });
    const act = row('role:act:/', 'active');
    expect(within(act).getByTestId('when').textContent).toBe('Activated · until 15:00');
    expect(within(act).getByTestId('time-left').textContent).toBe('1 h left');
    expect(within(act).getByTestId('eligible-end').textContent).toBe('eligible until 1 Mar 2027');
    expect(within(act).queryByTestId('deactivate')).not.toBeNull();
    const timeBound = row('role:tb:/', 'active');
    expect(within(timeBound).getByTestId('when').textContent).toBe('Assigned until 24 Nov, 14:00');
    expect(within(timeBound).queryByTestId('time-left')).toBeNull();
    expect(within(timeBound).queryByTestId('deactivate')).toBeNull();
    const permanent = row('role:perm:/', 'active');
    expect(within(permanent).getByTestId('when').textContent).toBe('Assigned · permanent');
    expect(within(permanent).queryByTestId('deactivate')).toBeNull();
  });

  it('pending: status and requested start', () => {
    setup();
    expect(within(row('role:pra:/', 'pending')).getByTestId('when').textContent).toBe(
      'Waiting for approval · requested start 14:35',
    );
  });

  it('pending approval shows the requested duration; an approved later start shows as scheduled', () => {
    setup({
      snapshot: snapshot([
        assignment({
          key: 'role:w:/',
          state: 'pending',
          status: 'PendingApproval',
          startDateTime: iso(NOW - 2 * MIN),
          endDateTime: iso(NOW + 118 * MIN),
        }),
        assignment({
          key: 'role:s:/',
          state: 'pending',
          status: 'Granted',
          startDateTime: iso(NOW + 60 * MIN),
          endDateTime: iso(NOW + 150 * MIN),
        }),
      ]),
    });
    expect(within(row('role:w:/', 'pending')).getByTestId('when').textContent).toBe(
      'Waiting for approval · requested start 13:58 · for 2 h',
    );
    expect(within(row('role:s:/', 'pending')).getByTestId('when').textContent).toBe(
      'Approved, scheduled · starts at 15:00 · for 1 h 30 min',
    );
  });
});

describe('sections and ordering', () => {
  it('active soonest-ending first; eligible favourites first, then by name; active items not repeated as eligible', () => {
    setup({ favourites: ['role:sec:/'] });
    expect(keys('active')).toEqual(['role:teams:/', 'role:ex:/']);
    expect(keys('pending')).toEqual(['role:pra:/']);
    expect(keys('eligible')).toEqual([
      'role:sec:/',
      'role:ga:/',
      'role:hd:/',
      'group:msg:member',
      'role:ua:/administrativeUnits/paris',
    ]);
    expect(screen.getByTestId('section-active').querySelector('h2')!.textContent).toBe('Active 2');
  });
});

describe('search', () => {
  it('filters by name, scope and granted roles; says when nothing matches', () => {
    setup();
    const box = screen.getByTestId('search') as HTMLInputElement;
    fireEvent.input(box, { target: { value: 'paris' } });
    expect(screen.getAllByTestId('assignment').map((r) => r.dataset.key)).toEqual([
      'role:ua:/administrativeUnits/paris',
    ]);
    fireEvent.input(box, { target: { value: 'teams' } });
    expect(screen.getAllByTestId('assignment').map((r) => r.dataset.key)).toEqual(['role:teams:/', 'group:msg:member']);
    fireEvent.input(box, { target: { value: 'tenant-wide global' } });
    expect(screen.getAllByTestId('assignment').map((r) => r.dataset.key)).toEqual(['role:ga:/']);
    fireEvent.input(box, { target: { value: 'intune' } });
    expect(screen.queryAllByTestId('assignment')).toHaveLength(0);
    expect(document.querySelector('[data-notice="no-match"]')!.textContent).toContain('Nothing matches “intune”.');
    press(screen.getByRole('button', { name: 'Clear search' }), 'Enter');
    expect(screen.getAllByTestId('assignment')).toHaveLength(ASSIGNMENTS.length - 1);
  });

  it('/ focuses the search box, but typing / inside it does not steal the key', () => {
    setup();
    const box = screen.getByTestId('search');
    fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(box);
    expect(fireEvent.keyDown(box, { key: '/' })).toBe(true);
  });

  it('Escape clears the search', () => {
    setup();
    const box = screen.getByTestId('search') as HTMLInputElement;
    fireEvent.input(box, { target: { value: 'paris' } });
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(box.value).toBe('');
  });
});

describe('favourites', () => {
  it('Enter on the star fires the event with the key; the star says what it will do', () => {
    const { onToggleFavourite } = setup({ favourites: ['role:ga:/'] });
    const star = within(row('role:hd:/')).getByTestId('favourite');
    expect(star.getAttribute('aria-pressed')).toBe('false');
    expect(star.getAttribute('aria-label')).toBe('Add Helpdesk Administrator to favourites');
    press(star, 'Enter');
    expect(onToggleFavourite).toHaveBeenCalledWith('role:hd:/');
    expect(within(row('role:ga:/')).getByTestId('favourite').getAttribute('aria-label')).toBe(
      'Remove Global Administrator from favourites',
    );
  });
});

describe('countdown', () => {
  it('one timer ticks every second while something is active, and the row drops out when it ends', () => {
    vi.useFakeTimers({ now: NOW });
    const before = vi.getTimerCount();
    setup({ clock: Date.now });
    expect(vi.getTimerCount() - before).toBe(1);
    const teams = () => row('role:teams:/', 'active');
    expect(within(teams()).getByTestId('time-left').textContent).toBe('09:59 left');
    void act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(within(teams()).getByTestId('time-left').textContent).toBe('09:58 left');
    void act(() => {
      vi.advanceTimersByTime(9 * MIN + 58_000);
    });
    expect(teams()).toBeNull();
    expect(keys('active')).toEqual(['role:ex:/']);
  });

  it('no timer when nothing is active', () => {
    vi.useFakeTimers({ now: NOW });
    const before = vi.getTimerCount();
    setup({ clock: Date.now, snapshot: snapshot(ASSIGNMENTS.filter((a) => a.state !== 'active')) });
    expect(vi.getTimerCount() - before).toBe(0);
  });
});

/** How many assignment rows Preact renders while `run` runs (its options.diffed hook, restored afterwards). */
function rowRenders(run: () => void): number {
  let rendered = 0;
  const previous = options.diffed;
  options.diffed = (vnode) => {
    if (vnode.type === AssignmentRow) rendered += 1;
    previous?.(vnode);
  };
  try {
    run();
  } finally {
    options.diffed = previous;
  }
  return rendered;
}

describe('long lists', () => {
  const many = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      assignment({ key: `role:r${i}:/`, displayName: `Role ${String(i).padStart(3, '0')}` }),
    );
  const activeOne = assignment({
    key: 'role:ex:/',
    state: 'active',
    displayName: 'Exchange Administrator',
    assignmentType: 'Activated',
    endDateTime: iso(NOW + 38 * MIN),
  });

  it('renders a screenful first, then the rest one chunk per task', () => {
    vi.useFakeTimers({ now: NOW });
    setup({ clock: Date.now, snapshot: snapshot(many(100)) });
    expect(keys('eligible')).toHaveLength(FIRST_ROWS);
    void act(() => {
      vi.advanceTimersToNextTimer();
    });
    expect(keys('eligible')).toHaveLength(FIRST_ROWS + CHUNK_ROWS);
    for (let i = 0; i < 10 && vi.getTimerCount() > 0; i++)
      void act(() => {
        vi.advanceTimersToNextTimer();
      });
    expect(keys('eligible')).toHaveLength(100);
    expect(vi.getTimerCount()).toBe(0);
    expect(keys('eligible').at(-1)).toBe('role:r99:/');
  });

  it('a refresh that changed one row renders that row’s chunk again, not the whole list', () => {
    vi.useFakeTimers({ now: NOW });
    const list = many(100);
    const { rerender, onToggleFavourite } = setup({ clock: Date.now, snapshot: snapshot(list) });
    for (let i = 0; i < 5; i++)
      void act(() => {
        vi.advanceTimersToNextTimer();
      });
    expect(keys('eligible')).toHaveLength(100);
    // What a refresh stores: every object new, one name changed.
    const fresh = structuredClone(list);
    fresh[42] = { ...fresh[42]!, displayName: 'Role 042 (renamed)' };
    const rendered = rowRenders(() => {
      rerender(
        <PopupView
          connection={CONNECTION}
          auth={SIGNED_IN}
          snapshot={snapshot(fresh)}
          refresh={IDLE}
          favourites={[]}
          format={FORMAT}
          clock={Date.now}
          onRefresh={vi.fn()}
          onSignIn={vi.fn()}
          onSignOut={vi.fn()}
          onOpenSettings={vi.fn()}
          onToggleFavourite={onToggleFavourite}
        />,
      );
    });
    expect(rendered).toBe(CHUNK_ROWS);
    expect(row('role:r42:/').textContent).toContain('Role 042 (renamed)');
  });

  it("the countdown's tick renders the active rows again, not the eligible ones", () => {
    vi.useFakeTimers({ now: NOW + 30_000 });
    setup({ clock: Date.now, snapshot: snapshot([activeOne, ...many(100)]) });
    for (let i = 0; i < 5; i++)
      void act(() => {
        vi.advanceTimersToNextTimer();
      });
    expect(keys('eligible')).toHaveLength(100);
    const rendered = rowRenders(() => {
      void act(() => {
        vi.advanceTimersByTime(1000);
      });
    });
    expect(rendered).toBe(1);
  });
});
