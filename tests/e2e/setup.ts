/**
 * A check that holds for every e2e journey, after each test: no Graph directory read (`/groups`, `/directoryObjects`)
 * reached any running stand-in. Such reads need admin-consent scopes PIM Companion does not ask for; names come from
 * the PIM responses' own `$expand`. Uncaught errors and console problems in extension contexts fail a journey when its
 * browser closes (tests/e2e/harness.ts Session.close).
 */
import { afterEach, expect } from 'vitest';
import { openTenants } from '../fake-tenant/index';

const seen = new WeakMap<object, number>();

afterEach(async () => {
  for (const tenant of openTenants()) {
    const reads = await tenant.control.directoryReads();
    const fresh = reads.slice(seen.get(tenant) ?? 0);
    seen.set(tenant, reads.length);
    expect(fresh, 'Graph directory reads during this journey').toEqual([]);
  }
});
