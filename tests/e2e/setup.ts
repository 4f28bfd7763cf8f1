/**
 * Checks that hold for every e2e journey, after each test:
 * - no Graph directory read (`/groups`, `/directoryObjects`) reached any running stand-in. Such reads need
 *   admin-consent scopes PIM Companion does not ask for; names come from the PIM responses' own `$expand`;
 * - no uncaught error and no console.error in any extension context (service worker, auth document, pages, content
 *   script), collected by tests/e2e/harness.ts from every browser it launched.
 */
import { afterEach, expect } from 'vitest';
import { openTenants } from '../fake-tenant/index';
import { takeContextErrors } from './harness';

const seen = new WeakMap<object, number>();

afterEach(async () => {
  expect(takeContextErrors(), 'errors in extension contexts during this journey').toEqual([]);
  for (const tenant of openTenants()) {
    const reads = await tenant.control.directoryReads();
    const fresh = reads.slice(seen.get(tenant) ?? 0);
    seen.set(tenant, reads.length);
    expect(fresh, 'Graph directory reads during this journey').toEqual([]);
  }
});
