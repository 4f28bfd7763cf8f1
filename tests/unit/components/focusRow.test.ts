import { afterEach, describe, expect, it } from 'vitest';
import { focusRow } from '../../../components/popup/focusRow';

const row = (key: string, state: string) => {
  const li = document.createElement('li');
  li.dataset.testid = 'assignment';
  li.dataset.key = key;
  li.dataset.state = state;
  return li;
};

afterEach(() => {
  document.body.innerHTML = '';
});

describe('focusRow: the row a notification opened the popup for', () => {
  it('marks and focuses the active row of the key, not its eligibility', async () => {
    const root = document.createElement('div');
    document.body.append(root);
    root.append(row('role:ex:/', 'eligible'), row('role:ex:/', 'active'), row('role:ga:/', 'eligible'));
    expect(await focusRow(root, 'role:ex:/')).toBe(true);
    const active = root.querySelector<HTMLElement>('[data-state="active"]')!;
    expect(active.dataset.focused).toBe('true');
    expect(document.activeElement).toBe(active);
    expect(root.querySelectorAll('[data-focused]')).toHaveLength(1);
  });

  it('waits for a row that a later chunk renders', async () => {
    const root = document.createElement('div');
    document.body.append(root);
    const found = focusRow(root, 'role:r99:/');
    root.append(row('role:r1:/', 'eligible'));
    setTimeout(() => root.append(row('role:r99:/', 'eligible')), 0);
    expect(await found).toBe(true);
    expect(document.activeElement).toBe(root.querySelector('[data-key="role:r99:/"]'));
  });

  it('gives up quietly when the row never comes (the role has gone)', async () => {
    const root = document.createElement('div');
    document.body.append(root);
    root.append(row('role:ga:/', 'eligible'));
    expect(await focusRow(root, 'role:gone:/', 30)).toBe(false);
    expect(root.querySelectorAll('[data-focused]')).toHaveLength(0);
  });
});
