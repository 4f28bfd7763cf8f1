import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApprovalsSection, type ApprovalsSectionProps } from '../../../components/popup/ApprovalsSection';
import type { CommandResult } from '../../../lib/messaging';
import { approval, NOW } from '../pim/approval-fixtures';

afterEach(cleanup);

const ok = (key: string, text = 'Approved.'): CommandResult => ({
  key,
  kind: 'ok',
  text,
  status: 'Approved',
  field: null,
  requestId: key,
});

function show(props: Partial<ApprovalsSectionProps> = {}) {
  const onDecide = vi.fn<ApprovalsSectionProps['onDecide']>(async (ids) => ids.map((id) => ok(id)));
  const view = render(
    <ApprovalsSection
      approvals={[approval()]}
      error={null}
      now={NOW}
      format={{ locale: 'en-GB', timeZone: 'UTC' }}
      onDecide={onDecide}
      {...props}
    />,
  );
  return { ...view, onDecide };
}

const row = (id: string) => screen.getAllByTestId('approval').find((r) => r.dataset.id === id)!;

describe('Waiting for your approval', () => {
  it('renders nothing when nothing waits', () => {
    show({ approvals: [] });
    expect(screen.queryByTestId('section-approvals')).toBeNull();
  });

  it('shows who asks, for what, why, the ticket and when the window ends; asks for the reason the settings require', () => {
    show({ approvals: [approval({ ticketNumber: 'CHG-1', ticketSystem: 'SNOW' })] });
    const r = row('req-1');
    expect(r.textContent).toContain('Global Administrator');
    expect(r.textContent).toContain('Requested by Megan Bowen (megan@contoso.onmicrosoft.com)');
    expect(within(r).getByTestId('approval-reason').textContent).toBe('Reason: Fix CA');
    expect(r.textContent).toContain('Ticket: SNOW CHG-1');
    expect(within(r).getByTestId('approval-window').textContent).toMatch(/^Expires unanswered /);
    expect(within(r).getByLabelText('Your reason (required)')).toBeTruthy();
  });

  it('sends the typed reason with Approve, and Deny in one click when no reason is required', async () => {
    const { onDecide, rerender } = show({
      approvals: [approval({ id: 'a' }), approval({ id: 'b', kind: 'group', justificationRequired: false })],
    });
    fireEvent.input(within(row('a')).getByTestId('approval-justification'), { target: { value: 'per CHG-7' } });
    fireEvent.click(within(row('a')).getByTestId('approve'));
    await waitFor(() => expect(onDecide).toHaveBeenCalledWith(['a'], 'Approve', 'per CHG-7'));
    fireEvent.click(within(row('b')).getByTestId('deny'));
    await waitFor(() => expect(onDecide).toHaveBeenCalledWith(['b'], 'Deny', null));
    // Storage drops decided requests; their sentences stay.
    rerender(
      <ApprovalsSection
        approvals={[]}
        error={null}
        now={NOW}
        format={{ locale: 'en-GB', timeZone: 'UTC' }}
        onDecide={onDecide}
      />,
    );
    expect((await screen.findAllByTestId('approval-result')).map((e) => e.dataset.kind)).toEqual(['ok', 'ok']);
  });

  it('multi-select approves the chosen requests with one reason', async () => {
    const { onDecide } = show({ approvals: [approval({ id: 'a' }), approval({ id: 'b' }), approval({ id: 'c' })] });
    fireEvent.click(within(row('a')).getByTestId('approval-select'));
    fireEvent.click(within(row('c')).getByTestId('approval-select'));
    fireEvent.input(screen.getByTestId('approvals-shared-justification'), { target: { value: 'Change window' } });
    const button = screen.getByTestId('approve-selected');
    expect(button.textContent).toBe('Approve 2 selected');
    fireEvent.click(button);
    await waitFor(() => expect(onDecide).toHaveBeenCalledWith(['a', 'c'], 'Approve', 'Change window'));
  });

  it('a refusal stays on the row as a sentence; a request PIM cannot decide here links to the portal', async () => {
    const refused: CommandResult = {
      ...ok('a'),
      kind: 'field',
      field: 'justification',
      status: null,
      text: 'Type a reason first.',
    };
    show({
      approvals: [approval({ id: 'a' }), approval({ id: 'p', stepId: null, detailError: 'HTTP 400 BadRequest' })],
      onDecide: async () => [refused],
    });
    fireEvent.click(within(row('a')).getByTestId('approve'));
    expect((await within(row('a')).findByTestId('approval-row-result')).textContent).toBe('Type a reason first.');
    const portal = within(row('p')).getByTestId('approval-portal');
    expect(portal.textContent).toContain('HTTP 400 BadRequest');
    expect(within(portal).getByRole('link').getAttribute('href')).toMatch(/^https:\/\/entra\.microsoft\.com\//);
    expect(within(row('p')).queryByTestId('approve')).toBeNull();
  });

  it('says, once, that a request left the list without the user deciding it', () => {
    show({
      approvals: [],
      left: [
        { id: 'x', requester: 'Megan Bowen', targetName: 'Global Administrator', at: new Date(NOW).toISOString() },
      ],
    });
    expect(screen.getByTestId('approval-left').textContent).toMatch(
      /Megan Bowen for Global Administrator is no longer waiting for you/,
    );
  });
});
