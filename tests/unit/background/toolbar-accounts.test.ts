/**
 * Issue 16: the toolbar is drawn once for every account. It counts down the soonest end of any account, and its
 * tooltip names each role's account.
 */
import { describe, expect, it } from 'vitest';
import { mergeSnapshots } from '../../../lib/pim/snapshot';
import { toolbarState } from '../../../lib/background/toolbar';
import { english } from '../i18n/messages';
import { active, format, MIN, settings, snap, T0 } from './scheduler-fixtures';

describe('the toolbar across accounts', () => {
  it('shows the soonest end of any account and names the account in the tooltip', () => {
    const contoso = snap([active('role:sr:/', T0 - 5 * MIN, 45)]);
    const fabrikam = snap([active('role:gr:/', T0 - 10 * MIN, 18)]);
    const merged = mergeSnapshots([
      { label: 'Contoso', snapshot: contoso },
      { label: 'Fabrikam', snapshot: fabrikam },
    ]);
    const state = toolbarState(merged, settings(), T0, format, english);
    expect(state.text).toBe('8m');
    const names = merged!.assignments.map((a) => a.displayName);
    expect(names.every((n) => /^(Contoso|Fabrikam): /.test(n))).toBe(true);
    expect(state.title).toContain('Fabrikam: ');
    expect(state.title).toContain('Contoso: ');
  });

  it('leaves names alone with one account, skips accounts without a snapshot, and is null when none has one', () => {
    const one = snap([active('role:sr:/', T0 - 5 * MIN, 45)]);
    const merged = mergeSnapshots([
      { label: null, snapshot: one },
      { label: null, snapshot: null },
    ]);
    expect(merged!.assignments.map((a) => a.displayName)).toEqual(one.assignments.map((a) => a.displayName));
    expect(mergeSnapshots([{ label: 'Contoso', snapshot: null }])).toBeNull();
  });
});
