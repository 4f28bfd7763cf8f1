/**
 * Commands wired to fakes: fakeBrowser storage (the real items), the real Graph client over a fake fetch that answers
 * like Graph, and recorded tabs / popup / refresh. Each POST is recorded with the bearer token it carried.
 */
import { vi } from 'vitest';
import { createGraphClient } from '../../../lib/graph/client';
import { createActivityLog } from '../../../lib/background/activity';
import { createCommands, type CommandExtras } from '../../../lib/background/commands';
import { createJournal } from '../../../lib/background/journal';
import { createPolicyStore } from '../../../lib/background/policy-store';
import { createStepUps } from '../../../lib/background/stepup';
import { ActivationInput } from '../../../lib/messaging';
import type { Bundle } from '../../../lib/pim/bundles';
import { groupKey, roleKey, type Assignment } from '../../../lib/pim/model';
import type { ActivationPolicy } from '../../../lib/pim/policy';
import type { Template } from '../../../lib/pim/templates';
import { bundlesItem, templatesItem, type PolicyEntry, type Remembered } from '../../../lib/storage';
import { a1, a1Connection, setConnection } from '../account-fixture';
import { batchHandler, fakeFetch, GRAPH, type BatchItemRequest, type Recorded, type Reply } from '../graph/fake-graph';

export const ME = '8a3f5b2c-1d4e-4f6a-9b7c-2e1d0c9b8a71';
export const NOW = new Date('2026-11-22T10:00:00Z');
export const ROLE = {
  exchange: '29232cdf-9323-42fd-ade2-1d097af3e4de',
  app: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  cloudApp: '158c047a-c907-4556-b7ef-446551a6b5f7',
  global: '62e90394-69f5-4237-9190-012177145e10',
  user: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  reader: '5d6b6bb7-de71-4623-b4af-96380a352509',
};
export const GROUP = '4e6d8f0a-2b1c-4d3e-8f5a-6b7c8d9e0f12';
export const K = {
  exchange: roleKey(ROLE.exchange, '/'),
  app: roleKey(ROLE.app, '/'),
  cloudApp: roleKey(ROLE.cloudApp, '/'),
  global: roleKey(ROLE.global, '/'),
  user: roleKey(ROLE.user, '/'),
  reader: roleKey(ROLE.reader, '/'),
  group: groupKey(GROUP, 'member'),
};
const NAMES: Record<string, string> = {
  [K.exchange]: 'Exchange Administrator',
  [K.app]: 'Application Administrator',
  [K.cloudApp]: 'Cloud Application Administrator',
  [K.global]: 'Global Administrator',
  [K.user]: 'User Administrator',
  [K.reader]: 'Security Reader',
  [K.group]: 'PIM – Teams admins',
};

export function assignment(key: string, state: Assignment['state'], over: Partial<Assignment> = {}): Assignment {
  const [kind, targetId] = key.split(':') as ['role' | 'group', string];
  return {
    key,
    kind,
    state,
    id: `${state}-${targetId}`,
    principalId: ME,
    targetId,
    displayName: NAMES[key] ?? key,
    directoryScopeId: '/',
    scopeName: null,
    accessId: kind === 'group' ? 'member' : null,
    assignmentType: state === 'active' ? 'Activated' : null,
    memberType: 'direct',
    startDateTime: null,
    endDateTime: null,
    grants: [],
    status: state === 'pending' ? 'PendingApproval' : null,
    justification: null,
    ...over,
  };
}

export function policy(over: Partial<ActivationPolicy> = {}): PolicyEntry {
  const p: ActivationPolicy = {
    maxDuration: 'PT8H',
    maxMinutes: 480,
    expirationRequired: true,
    requireJustification: true,
    requireTicket: false,
    requireMfa: false,
    approvalRequired: false,
    authContext: null,
    ...over,
  };
  return { policy: p, fetchedAt: NOW.toISOString(), error: null };
}
export const unreadable: PolicyEntry = {
  policy: null,
  fetchedAt: NOW.toISOString(),
  error: 'HTTP 403 Authorization_RequestDenied',
};

export const input = (i: Partial<ActivationInput> = {}) => ActivationInput.parse(i);

export const template: Template = {
  id: 'tpl-mail',
  name: 'Mail flow',
  justification: 'Mail flow change for {role} ({ticket})',
  ticketNumber: 'CHG-42',
  ticketSystem: 'ServiceNow',
  durationMinutes: 60,
};

export interface Post extends Recorded {
  path: string;
  token: string;
}

export type PostRoute = (post: Post, n: number) => Reply | Promise<Reply>;

export const created = (status: string, id = 'req-1'): Reply => ({
  status: 201,
  body: { id, status, action: 'selfActivate' },
});
export const graphError = (code: string, message: string, status = 400): Reply => ({
  status,
  body: { error: { code, message } },
});

export interface Setup {
  assignments?: Assignment[];
  policies?: Record<string, PolicyEntry>;
  remembered?: Record<string, Remembered>;
  templates?: Template[];
  bundles?: Bundle[];
  post?: PostRoute;
  batch?: (item: BatchItemRequest) => Reply;
  now?: Date;
  notify?: (n: { key: string; title: string; message: string }) => void;
  confirm?: CommandExtras['confirm'];
}

export async function setup(s: Setup = {}) {
  const now = s.now ?? NOW;
  await setConnection({
    cloudId: 'global',
    tenant: 'contoso.onmicrosoft.com',
    clientId: '11111111-2222-4333-8444-555555555555',
  });
  await a1.authState.set({
    status: 'signed-in',
    account: {
      homeAccountId: 'h',
      oid: ME,
      tenantId: 't',
      name: 'Lidia',
      username: 'adm-lidia@contoso.onmicrosoft.com',
    },
    detail: null,
  });
  await a1.snapshot.set({
    fetchedAt: now.toISOString(),
    principalId: ME,
    assignments: s.assignments ?? [],
    sections: {},
  });
  await a1.policies.set(s.policies ?? {});
  await a1.remembered.set(s.remembered ?? {});
  await templatesItem.set(s.templates ?? [template]);
  await bundlesItem.set(s.bundles ?? []);

  const posts: Post[] = [];
  const batchRoute = batchHandler(
    s.batch ?? (() => ({ status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'no' } } })),
  );
  const { fetch, calls } = fakeFetch(async (req, n) => {
    if (req.url.endsWith('/$batch')) return batchRoute(req, n);
    const post: Post = {
      ...req,
      path: req.url.replace(`${GRAPH}/v1.0`, ''),
      token: (req.headers.authorization ?? '').replace(/^Bearer /, ''),
    };
    posts.push(post);
    return (s.post ?? (() => created('Provisioned')))(post, posts.length - 1);
  });

  let ids = 0;
  const newId = () => `id-${++ids}`;
  const openTab = vi.fn(async (_url: string) => 7);
  const focusTab = vi.fn(async (_tabId: number) => true);
  const refresh = vi.fn(async () => true);
  const openPopup = vi.fn(async () => true);

  const stepUps = createStepUps({
    item: a1.stepUps,
    now: () => now,
    newId,
    openTab,
    focusTab,
    pageUrl: (q) => `chrome-extension://ext/signin.html${q}`,
  });

  const commands = createCommands({
    now: () => now,
    graph: (_connection, token) =>
      createGraphClient({ getToken: async () => token ?? 'silent-token', graphBase: GRAPH, fetch, maxRetries: 0 }),
    items: {
      connection: a1Connection,
      authState: a1.authState,
      snapshot: a1.snapshot,
      remembered: a1.remembered,
      templates: templatesItem,
      bundles: bundlesItem,
    },
    policies: createPolicyStore(a1.policies),
    journal: createJournal({ item: a1.journal, now: () => now, newId }),
    activity: createActivityLog({ item: a1.activity, now: () => now, newId }),
    stepUps,
    refresh,
    locale: 'en-GB',
    timeZone: 'UTC',
    openPopup,
    ...(s.notify ? { notify: s.notify } : {}),
    ...(s.confirm ? { confirm: s.confirm } : {}),
  });
  const sender = { id: 'ext', url: 'chrome-extension://ext/popup.html' };
  return { commands, h: commands.handlers, sender, posts, calls, openTab, focusTab, refresh, openPopup, stepUps };
}
