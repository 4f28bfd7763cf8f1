import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ACTIVITY_CSV_COLUMNS, activityCsv, csvCell } from '../../../components/options/activityCsv';
import type { ActivityEntry } from '../../../lib/storage';
import { installMessages, iso, MIN, NOW } from './fixtures';
import { press } from './keyboard';
import { mountLibrary } from './options-harness';

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});
afterEach(cleanup);

const entry = (over: Partial<ActivityEntry> & Pick<ActivityEntry, 'id' | 'at'>): ActivityEntry => ({
  action: 'activate',
  key: 'role:exch:/',
  displayName: 'Exchange Administrator',
  justification: 'Update mail flow rules for CHG0042',
  durationMinutes: 60,
  outcome: 'Provisioned',
  text: '',
  requestId: 'req-1',
  ...over,
});

// Stored out of order on purpose: the view sorts newest first itself.
const ENTRIES: ActivityEntry[] = [
  entry({ id: 'e1', at: iso(NOW - 3 * 60 * MIN) }),
  entry({
    id: 'e3',
    at: iso(NOW - 5 * MIN),
    action: 'deactivate',
    justification: null,
    durationMinutes: null,
    outcome: 'Revoked',
    requestId: 'req-3',
  }),
  entry({
    id: 'e2',
    at: iso(NOW - 30 * MIN),
    displayName: 'Global Administrator',
    key: 'role:ga:/',
    durationMinutes: 105,
    outcome: 'JustificationRule',
    text: 'The role needs a justification.',
    requestId: null,
  }),
];

describe('activity section', () => {
  it('lists the history newest first: what, when, reason, duration, outcome, request id', () => {
    mountLibrary({ activity: ENTRIES });
    const rows = screen.getAllByTestId('activity-row');
    const cells = rows.map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    );
    expect(cells).toEqual([
      ['13:55', 'DeactivateExchange Administrator', '—', '—', 'Revoked', 'req-3'],
      [
        '13:30',
        'ActivateGlobal Administrator',
        'Update mail flow rules for CHG0042',
        '1 h 45 min',
        'JustificationRuleThe role needs a justification.',
        '—',
      ],
      ['11:00', 'ActivateExchange Administrator', 'Update mail flow rules for CHG0042', '1 h', 'Provisioned', 'req-1'],
    ]);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'When',
      'What',
      'Reason',
      'Duration',
      'Outcome',
      'Request ID',
    ]);
    expect(rows[0]!.querySelector('time')?.getAttribute('datetime')).toBe(iso(NOW - 5 * MIN));
  });

  it('exports the CSV text as a file', () => {
    const { events } = mountLibrary({ activity: ENTRIES });
    press(screen.getByTestId('activity-export'), 'Enter');
    expect(events.onDownload).toHaveBeenCalledWith({
      name: 'pim-companion-activity.csv',
      type: 'text/csv;charset=utf-8',
      text: `\uFEFF${activityCsv(ENTRIES)}`,
    });
  });

  it('clears only after confirmation', async () => {
    const { events, state } = mountLibrary({ activity: ENTRIES });
    press(screen.getByTestId('activity-clear'), 'Enter');
    expect(screen.getByRole('group', { name: 'Clear history' }).textContent).toContain(
      'Delete all 3 entries from this device?',
    );
    press(screen.getByTestId('activity-clear-cancel'), 'Enter');
    expect(events.onClearActivity).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(screen.getByTestId('activity-clear'));
    fireEvent.click(screen.getByTestId('activity-clear'));
    press(screen.getByTestId('activity-clear-confirm'), 'Enter');
    await waitFor(() => expect(screen.getByTestId('activity-empty')).toBeTruthy());
    expect(events.onClearActivity).toHaveBeenCalledOnce();
    expect(state.activity).toEqual([]);
    expect((screen.getByTestId('activity-export') as HTMLButtonElement).disabled).toBe(true);
  });

  it('an empty history says what will appear there', () => {
    mountLibrary();
    expect(screen.getByTestId('activity-empty').textContent).toContain('No requests yet.');
    expect((screen.getByTestId('activity-clear') as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('activityCsv', () => {
  it('has a stable header and one CRLF-terminated row per entry, newest first', () => {
    const csv = activityCsv(ENTRIES);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('time,action,name,key,reason,duration_minutes,outcome,details,request_id');
    expect(lines[0]!.split(',')).toEqual([...ACTIVITY_CSV_COLUMNS]);
    expect(lines.slice(1)).toEqual([
      `${iso(NOW - 5 * MIN)},deactivate,Exchange Administrator,role:exch:/,,,Revoked,,req-3`,
      `${iso(NOW - 30 * MIN)},activate,Global Administrator,role:ga:/,Update mail flow rules for CHG0042,105,JustificationRule,The role needs a justification.,`,
      `${iso(NOW - 3 * 60 * MIN)},activate,Exchange Administrator,role:exch:/,Update mail flow rules for CHG0042,60,Provisioned,,req-1`,
      '',
    ]);
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    const csv = activityCsv([entry({ id: 'q', at: iso(NOW), justification: 'Fix "rule", then\nverify' })]);
    expect(csv.split('\r\n')[1]).toContain(',"Fix ""rule"", then\nverify",');
  });

  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['plain', 'plain'],
    [' padded ', '" padded "'],
  ])('neutralises spreadsheet formulas: %j → %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes numbers as numbers and null as an empty cell', () => {
    expect(csvCell(90)).toBe('90');
    expect(csvCell(null)).toBe('');
  });

  it('an empty history is just the header', () => {
    expect(activityCsv([])).toBe(`${ACTIVITY_CSV_COLUMNS.join(',')}\r\n`);
  });
});
