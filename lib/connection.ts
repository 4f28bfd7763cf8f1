/**
 * Connection settings and the signed-in account: schemas only, no storage items. lib/storage.ts re-exports them; the
 * modules the offscreen auth document loads (messaging, auth) import them from here, because merely loading
 * lib/storage.ts runs WXT's storage migrations, which throw where there is no storage API.
 */
import { z } from 'zod/mini';
import { validationKey } from './validation-keys';

/**
 * Tenant: a GUID, a verified domain (contoso.com, contoso.onmicrosoft.com) or `organizations`. Errors are message keys.
 */
export const TenantId = z.string().check(
  z.trim(),
  z.toLowerCase(),
  z.refine(
    (v) =>
      v === 'organizations' ||
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v) ||
      /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(v),
    { error: validationKey('valTenantId') },
  ),
);

export const ClientId = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { error: validationKey('valClientId') }),
  );

export const Connection = z.object({
  cloudId: z._default(z.string(), 'global'),
  tenant: TenantId,
  clientId: ClientId,
});
export type Connection = z.infer<typeof Connection>;

export const Account = z.object({
  homeAccountId: z.string(),
  /** Object id of the user: the principalId of every self request. */
  oid: z.string(),
  tenantId: z.string(),
  name: z.string(),
  username: z.string(),
});
export type Account = z.infer<typeof Account>;

export const AuthStatus = z.enum(['signed-out', 'signed-in', 'renewal-required']);
export type AuthStatus = z.infer<typeof AuthStatus>;

export const AuthState = z.object({
  status: AuthStatus,
  account: z.nullable(Account),
  /** The reason silent renewal failed, for the popup's "Sign in again" state. */
  detail: z._default(z.nullable(z.string()), null),
});
export type AuthState = z.infer<typeof AuthState>;
