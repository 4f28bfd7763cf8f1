/** `npx tsx tests/fake-tenant/cli.ts [--port N] [--scenario FILE]`: run the stand-in tenant until Ctrl-C. */
import { parseArgs } from 'node:util';
import { startFakeTenant } from './server.ts';

const { values } = parseArgs({ options: { port: { type: 'string' }, scenario: { type: 'string' } } });
const port = values.port ? Number(values.port) : undefined;
if (port !== undefined && !Number.isInteger(port)) {
  console.error(`--port must be a number, got ${values.port}`);
  process.exit(2);
}
const tenant = await startFakeTenant({
  ...(port !== undefined ? { port } : {}),
  ...(values.scenario ? { scenario: values.scenario } : {}),
});
console.log(`Fake tenant listening on ${tenant.origin}`);
console.log(`Control API: ${tenant.origin}/_control/state`);
console.log(`Chromium flags: --ignore-certificate-errors --host-resolver-rules="${tenant.hostResolverRules}"`);
const stop = () => void tenant.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
