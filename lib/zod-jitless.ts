/**
 * Imported first by every entrypoint that uses zod: zod 4 decides per object schema, when the schema is created,
 * whether to compile a fast parser with `new Function`, probing once whether eval works. Our pages' CSP forbids eval,
 * so the probe fails (caught) but the browser still reports a CSP violation (Firefox logs it at every background
 * start). Jitless: no probe, no compiled parsers; parsing stays correct, only the eval fast path is off.
 */
import { config } from 'zod/mini';

config({ jitless: true });
