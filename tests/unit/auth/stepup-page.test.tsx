import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { StepUpPage } from '../../../entrypoints/signin/StepUpPage';
import { AuthError } from '../../../lib/auth/errors';
import { parseSignInMode, runStepUp, type StepUpMode } from '../../../lib/auth/signin';
import type { CommandResult } from '../../../lib/messaging';
import { installMessages } from '../components/fixtures';

const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
const mode: StepUpMode = { kind: 'stepup', stepUpId: 's1', claims };
const ok: CommandResult = {
  key: 'role:app:/',
  kind: 'ok',
  status: 'Provisioned',
  text: 'Application Administrator is active.',
  field: null,
  requestId: 'r1',
};

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});
afterEach(cleanup);

describe('step-up mode of the sign-in page', () => {
  it('reads ?stepup and the claims; anything but a claims object falls back to a plain sign-in', () => {
    expect(parseSignInMode(`?stepup=s1&claims=${encodeURIComponent(claims)}`)).toEqual(mode);
    expect(parseSignInMode('?stepup=s1&claims=not-json')).toEqual({ kind: 'signin' });
    expect(parseSignInMode('?stepup=s1&claims=%5B1%5D')).toEqual({ kind: 'signin' });
  });

  it('acquires a token with the claims and hands it to the background', async () => {
    const acquire = vi.fn(async () => 'acrs-token');
    const report = vi.fn(async () => ({ results: [ok] }));
    expect(await runStepUp(mode, { acquire, report })).toEqual({ status: 'done', results: [ok] });
    expect(acquire).toHaveBeenCalledWith(claims);
    expect(report).toHaveBeenCalledWith({ stepUpId: 's1', accessToken: 'acrs-token', error: null });
  });

  it('reports a cancel too, so nothing stays waiting in the background', async () => {
    const report = vi.fn(async () => ({ results: [] }));
    const out = await runStepUp(mode, {
      acquire: async () => Promise.reject(new AuthError('cancelled', 'closed')),
      report,
    });
    expect(out.status).toBe('cancelled');
    expect(report).toHaveBeenCalledWith({ stepUpId: 's1', accessToken: null, error: 'cancelled' });
  });

  it('shows what is waiting, verifies on the button, then shows each result', async () => {
    const verify = vi.fn(async () => ({ status: 'done' as const, results: [ok] }));
    render(
      <StepUpPage
        what="activate Application Administrator"
        username="adm-lidia@contoso.onmicrosoft.com"
        verify={verify}
      />,
    );
    screen.getByText(
      'Your organisation requires an extra sign-in check before PIM Companion can activate Application Administrator.',
    );
    fireEvent.click(screen.getByTestId('stepup'));
    await screen.findByText('Application Administrator is active.');
    screen.getByText('You can close this tab.');
    expect(screen.getByTestId('stepup-page').dataset.phase).toBe('done');
  });

  it('says so when the check was cancelled', async () => {
    render(<StepUpPage what={null} username={null} verify={async () => ({ status: 'cancelled', results: [] })} />);
    fireEvent.click(screen.getByTestId('stepup'));
    await screen.findByText(/Verification cancelled/);
  });
});
