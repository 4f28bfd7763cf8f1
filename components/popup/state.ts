/**
 * Which of the popup's designed states applies, decided from stored data only (the popup never waits on the network).
 */
import type { Snapshot } from '../../lib/pim/model';
import { ownSnapshot } from '../../lib/pim/snapshot';
import type { AuthState, RefreshState } from '../../lib/storage';

export type PopupState = 'not-configured' | 'signed-out' | 'renewal-required' | 'loading' | 'error' | 'empty' | 'list';

export interface PopupData {
  configured: boolean;
  auth: AuthState;
  snapshot: Snapshot | null;
  refresh: RefreshState;
}

/**
 * The popup shows exactly what the background acts on (lib/pim/snapshot.ts ownSnapshot): the signed-in account's
 * snapshot, or the last signed-in one's while renewal is required. With no account known, no snapshot is anyone's:
 * the popup says "sign in again" (renewal required) or waits for the refresh instead of showing roles it cannot vouch
 * for.
 */
export { ownSnapshot };

/**
 * The main state. renewal-required with cached data still shows the list (with a banner): what was active a moment
 * ago is worth seeing while the user signs in again.
 */
export function popupState(data: PopupData): PopupState {
  if (!data.configured) return 'not-configured';
  if (data.auth.status === 'signed-out') return 'signed-out';
  const snapshot = ownSnapshot(data.snapshot, data.auth);
  if (!snapshot) {
    if (data.auth.status === 'renewal-required') return 'renewal-required';
    return data.refresh.error && !data.refresh.inFlight ? 'error' : 'loading';
  }
  return snapshot.assignments.length === 0 ? 'empty' : 'list';
}

/** Fetch on open only when signed in and the data is missing or older than this. */
export const REFRESH_ON_OPEN_AFTER_MS = 60_000;
