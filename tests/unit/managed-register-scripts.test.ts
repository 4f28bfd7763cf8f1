/**
 * scripts/register-app.{sh,ps1}: they ask for exactly the permissions of lib/auth/scopes.ts, and the Azure CLI variant,
 * run against a recording stand-in for `az`, creates the SPA public client, grants consent and prints what to paste.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GRAPH_PERMISSIONS, OIDC_SCOPES } from '../../lib/auth/scopes';

const EXPECTED = [...GRAPH_PERMISSIONS.map((p) => p.name), ...OIDC_SCOPES];

describe('register-app scripts', () => {
  it('list exactly the delegated scopes of lib/auth/scopes.ts', () => {
    const sh = readFileSync('scripts/register-app.sh', 'utf8')
      .match(/^SCOPES="([^"]+)"/m)?.[1]
      ?.split(' ');
    const ps1 = [
      ...(readFileSync('scripts/register-app.ps1', 'utf8').match(/\$Scopes = @\(([\s\S]*?)\)/)?.[1] ?? '').matchAll(
        /'([^']+)'/g,
      ),
    ].map((m) => m[1]);
    expect(sh).toEqual(EXPECTED);
    expect(ps1).toEqual(EXPECTED);
  });

  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('creates the SPA client, grants tenant-wide consent and prints tenant, client id and consent link', () => {
    dir = mkdtempSync(join(tmpdir(), 'register-app-'));
    const calls = join(dir, 'calls.log');
    // A stand-in for the Azure CLI: answers the queries the script makes and records every call.
    writeFileSync(
      join(dir, 'az'),
      `#!/bin/sh
printf '%s\\n' "$*" >> "${calls}"
case "$*" in
  "account show"*) echo 6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b ;;
  *"endpoints.microsoftGraphResourceId"*) echo https://graph.microsoft.com/ ;;
  *"endpoints.activeDirectory"*) echo https://login.microsoftonline.com ;;
  "ad sp show --id 00000003-0000-0000-c000-000000000000 --query id"*) echo graph-sp-object ;;
  "ad sp show"*) echo "scope-id-$(echo "$*" | sed -n "s/.*value=='\\([^']*\\)'.*/\\1/p")" ;;
  "ad app list"*) echo "" ;;
  "ad app create"*) echo app-object-id ;;
  "ad app show"*) echo 99999999-8888-4777-8666-555555555555 ;;
  "ad sp list"*) echo "" ;;
  "ad sp create"*) echo client-sp-object ;;
  "rest --method GET"*) echo "" ;;
esac
`,
    );
    chmodSync(join(dir, 'az'), 0o755);
    const out = execFileSync(
      'bash',
      [resolve('scripts/register-app.sh'), '--firefox-redirect-uri', 'https://abc.extensions.allizom.org/'],
      {
        env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
        encoding: 'utf8',
      },
    );
    const log = readFileSync(calls, 'utf8').split('\n');
    const patch = log.find((l) =>
      l.startsWith('rest --method PATCH --url https://graph.microsoft.com/v1.0/applications/app-object-id'),
    )!;
    const body = JSON.parse(patch.slice(patch.indexOf('--body ') + 7)) as {
      spa: { redirectUris: string[] };
      requiredResourceAccess: { resourceAppId: string; resourceAccess: { id: string; type: string }[] }[];
    };
    expect(body.spa.redirectUris).toEqual([
      'https://fimhpbjaiihihdfclklanipldnjbddib.chromiumapp.org/',
      'https://abc.extensions.allizom.org/',
    ]);
    expect(body.requiredResourceAccess[0]!.resourceAccess).toEqual(
      EXPECTED.map((s) => ({ id: `scope-id-${s}`, type: 'Scope' })),
    );
    // Azure resource roles: Azure Service Management's user_impersonation, consented tenant-wide as well.
    expect(body.requiredResourceAccess[1]).toEqual({
      resourceAppId: '797f4846-ba00-4fd7-ba43-dac1f8f63013',
      resourceAccess: [{ id: 'scope-id-user_impersonation', type: 'Scope' }],
    });
    const grants = log.filter((l) =>
      l.startsWith('rest --method POST --url https://graph.microsoft.com/v1.0/oauth2PermissionGrants'),
    );
    expect(grants).toHaveLength(2);
    expect(JSON.parse(grants[1]!.slice(grants[1]!.indexOf('--body ') + 7))).toMatchObject({
      consentType: 'AllPrincipals',
      scope: 'user_impersonation',
    });
    expect(
      log.some((l) => l.startsWith('ad app create --display-name PIM Companion --sign-in-audience AzureADMyOrg')),
    ).toBe(true);
    const grant = log.find((l) =>
      l.startsWith('rest --method POST --url https://graph.microsoft.com/v1.0/oauth2PermissionGrants'),
    )!;
    expect(JSON.parse(grant.slice(grant.indexOf('--body ') + 7))).toEqual({
      clientId: 'client-sp-object',
      consentType: 'AllPrincipals',
      resourceId: 'graph-sp-object',
      scope: EXPECTED.join(' '),
    });
    expect(out).toContain('Tenant:                    6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b');
    expect(out).toContain('Application (client) ID:   99999999-8888-4777-8666-555555555555');
    expect(out).toContain(
      'https://login.microsoftonline.com/6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b/adminconsent?client_id=99999999-8888-4777-8666-555555555555',
    );
    expect(out).toContain(
      '{"tenantId": "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", "clientId": "99999999-8888-4777-8666-555555555555"}',
    );
  });
});
