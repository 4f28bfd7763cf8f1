// @vitest-environment node
/**
 * The refresh round-trip floor the bench reports (scripts/bench/popup.ts longestPageChain): each page of a list needs
 * the previous page's `nextLink`, so a refresh takes at least as many round trips as its longest chain of pages.
 */
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../fake-tenant/index';
import { longestPageChain } from '../../../scripts/bench/popup';

let seq = 0;
const entry = (patch: Partial<LogEntry> & Pick<LogEntry, 'host' | 'path'>): LogEntry => ({
  seq: ++seq,
  at: new Date(0).toISOString(),
  method: 'GET',
  query: '',
  status: 200,
  ...patch,
});
const ROLES = "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')";
const GROUPS =
  "/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances/filterByCurrentUser(on='principal')";
const item = (id: string, url: string) => ({ id, method: 'GET', url, status: 200 });
const batch = (...items: ReturnType<typeof item>[]) =>
  entry({ host: 'graph.microsoft.com', method: 'POST', path: '/v1.0/$batch', batch: items });

describe('longestPageChain', () => {
  it('counts the first page and each followed nextLink of the longest list, in $batch items and ARM requests', () => {
    const log = [
      batch(
        item('1', `${ROLES}?$expand=roleDefinition`),
        item('2', `${GROUPS}?$expand=group`),
        item('3', '/me?$select=id'),
      ),
      entry({
        host: 'management.azure.com',
        path: '/providers/Microsoft.Authorization/roleEligibilityScheduleInstances',
        query: '$filter=asTarget()&api-version=2020-10-01',
      }),
      batch(
        item('1', `${ROLES}?$expand=roleDefinition&$skiptoken=eyJvIjoxMDB9`),
        item('2', `${GROUPS}?$expand=group&$skiptoken=eyJvIjoxMDB9`),
      ),
      entry({
        host: 'management.azure.com',
        path: '/providers/Microsoft.Authorization/roleEligibilityScheduleInstances',
        query: '$filter=asTarget()&api-version=2020-10-01&$skiptoken=100',
      }),
      batch(item('1', `${ROLES}?$expand=roleDefinition&$skiptoken=eyJvIjoyMDB9`)),
    ];
    expect(longestPageChain(log)).toEqual({ pages: 3, list: `graph.microsoft.com${ROLES}` });
  });

  it('is 1 for lists that fit one page, and 0 without any read', () => {
    expect(longestPageChain([batch(item('1', `${ROLES}?$expand=roleDefinition`), item('2', '/me'))]).pages).toBe(1);
    expect(
      longestPageChain([entry({ host: 'login.microsoftonline.com', path: '/t/oauth2/v2.0/token', method: 'POST' })]),
    ).toEqual({ pages: 0, list: '' });
  });
});
