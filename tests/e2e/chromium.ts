/**
 * The Chromium that the e2e suite (./harness.ts), the demo (scripts/demo-run.ts) and the bench
 * (scripts/bench/browser.ts) launch, and the flags they share: no first-run or background traffic, the stand-in's
 * self-signed certificate accepted, and Microsoft's hostnames sent to loopback by `--host-resolver-rules` (every other
 * name unresolvable). scripts/lib/ensure.mjs finds or installs the binary and passes it on as CHROME_PATH.
 */

export function chromePath(): string {
  return process.env.CHROME_PATH ?? '/usr/lib/chromium/chromium';
}

/** `hostResolverRules`: tests/fake-tenant/hosts.ts hostResolverRules, for the stand-in or a proxy in front of it. */
export function chromiumArgs(hostResolverRules: string, extra: readonly string[] = []): string[] {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    '--ignore-certificate-errors',
    `--host-resolver-rules=${hostResolverRules}`,
    ...extra,
  ];
}
