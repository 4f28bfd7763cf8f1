/**
 * A self-signed certificate for every stand-in hostname. Generating an RSA key takes a moment, so it is cached in the
 * OS temp directory under a name derived from the host list (nothing secret: it is a throwaway test certificate).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { X509Certificate } from 'node:crypto';

export interface KeyAndCert {
  key: string;
  cert: string;
}

export async function certificateFor(hosts: string[]): Promise<KeyAndCert> {
  const tag = createHash('sha256').update(hosts.join(',')).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), 'pim-companion-fake-tenant');
  const file = join(dir, `cert-${tag}.json`);
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as KeyAndCert;
    const x509 = new X509Certificate(cached.cert);
    if (Date.parse(x509.validTo) > Date.now() + 86_400_000) return cached;
  } catch {
    /* no usable cache: generate below */
  }
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: 'PIM Companion fake tenant' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 86_400_000),
    notAfterDate: new Date(now.getTime() + 365 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...hosts.map((h) => ({ type: 2 as const, value: h })),
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  const result = { key: pems.private, cert: pems.cert };
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify(result), { mode: 0o600 });
  } catch {
    /* caching is an optimisation */
  }
  return result;
}
