import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AzureRolesToggle } from '../../../components/options/AzureRolesToggle';
import { installMessages } from './fixtures';

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});
afterEach(cleanup);

describe('AzureRolesToggle', () => {
  it('turns Azure resource roles off and on', () => {
    const onChange = vi.fn();
    render(<AzureRolesToggle enabled locked={false} onChange={onChange} />);
    const box = screen.getByLabelText('Azure resource roles') as HTMLInputElement;
    expect(box.checked).toBe(true);
    fireEvent.click(box);
    expect(onChange).toHaveBeenCalledWith(false);
  });

  it('is locked, and says so, when the organisation turned Azure roles off', () => {
    render(<AzureRolesToggle enabled={false} locked onChange={vi.fn()} />);
    expect((screen.getByLabelText('Azure resource roles') as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByText('Turned off by your organisation.')).toBeTruthy();
  });
});
