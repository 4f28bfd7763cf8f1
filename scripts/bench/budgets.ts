/**
 * Issue 18's goals: the one list of budgets. The bench's table (report.ts) and the bundle-size test
 * (tests/e2e/bundle-size.test.ts) both read them from here; change a budget here and nowhere else.
 * Sizes are gzip -9 bytes (kB = 1000 bytes); ratios are medians taken in the same run.
 */

export interface Goal {
  /** The measure as issue 18's goals table words it. */
  measure: string;
  /** The budget: the figure must be at most this (or exactly this where `exact`). */
  max: number;
  /** How the budget prints: '×', ' ms', ' kB gz', '' (a count). */
  unit: '×' | ' ms' | ' kB gz' | '';
  exact?: boolean;
}

export const GOALS = {
  paint20: { measure: 'popup cached paint / blank-page floor, 20 items', max: 1.3, unit: '×' },
  paint500: { measure: 'popup cached paint / floor, 500 items', max: 1.5, unit: '×' },
  longestTask500: {
    measure: 'longest main-thread task after the first paint, 500 items',
    max: 50,
    unit: ' ms',
  },
  popupFirstPaintJs: {
    measure: 'JS the popup loads before the cached list is on screen',
    max: 25_000,
    unit: ' kB gz',
  },
  warmRefreshRoundTrips: {
    measure: 'warm refresh, 500 eligibilities (Graph + ARM)',
    max: 1,
    unit: '',
    exact: true,
  },
  warmRefreshTokenRequests: { measure: 'token-endpoint requests per warm refresh', max: 0, unit: '', exact: true },
  portalMainThread: {
    measure: 'portal main-thread time per minute with the badge counting down / without',
    max: 1.2,
    unit: '×',
  },
  portalHeap: { measure: 'portal JS heap with / without', max: 1.3, unit: '×' },
  wakeupsOneActive: { measure: 'worker wake-ups per hour, one role active', max: 20, unit: '' },
} as const satisfies Record<string, Goal>;

/** Budgets the bench held before issue 18 and still holds (not in issue 18's table). */
export const BUDGETS = {
  /** Content script, gzipped (issue 7). */
  contentScriptJs: 15_000,
  /** Worker wake-ups per idle hour with nothing active (issue 7; issue 18: "keep the idle budget"). */
  wakeupsNothingActive: 6,
  /** Round trips of a cold refresh (caches of group details and policies empty), 20 eligible. */
  coldRefreshRoundTrips: 2,
  /** The toolbar's text is never off by more than this in an activation's last 15 minutes (issue 18, wake-ups). */
  toolbarMaxOffMs: 60_000,
} as const;

/** The JS size budgets the built bundles must meet, by bundle context (sizes.ts `BundleSize.context`). */
export const SIZE_BUDGETS: Readonly<Record<string, number>> = {
  popup: GOALS.popupFirstPaintJs.max,
  'content script': BUDGETS.contentScriptJs,
};

/** "≤ 1.3×", "≤ 25 kB gz", "= 1". */
export function budgetText(g: Goal): string {
  const value = g.unit === ' kB gz' ? String(g.max / 1000) : String(g.max);
  return `${g.exact ? '=' : '≤'} ${value}${g.unit}`;
}

/** Whether a figure meets a goal. NaN (not measured) never does. */
export function meets(g: Goal, figure: number): boolean {
  return g.exact ? figure === g.max : figure <= g.max;
}
