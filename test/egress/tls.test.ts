import { webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEgressClient } from '../../src/egress/index.js';
import { startServer, text, type TestServer } from './servers.js';

const TLS_ADDR = '127.0.0.41';
const PLAIN_ADDR = '127.0.0.42';
let tlsServer: Server;
let tlsPort = 0;
let plain: TestServer;
let certPem = '';
const seen: { sni: string | undefined; host: string | undefined }[] = [];

/** A self-signed certificate for `tls.test` only, made in the test (no files, no keys kept). */
async function makeCert(): Promise<{ cert: string; key: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=tls.test',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 3_600_000),
    signingAlgorithm: alg,
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'tls.test' }]),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const key = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(pkcs8).toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
  return { cert: cert.toString('pem'), key };
}

beforeAll(async () => {
  const { cert, key } = await makeCert();
  certPem = cert;
  plain = await startServer(PLAIN_ADDR, text('plain'));
  tlsServer = createServer({ cert, key }, (req, res) => {
    seen.push({ sni: (req.socket as TLSSocket).servername || undefined, host: req.headers.host });
    if (req.url === '/downgrade') {
      res.writeHead(302, { location: `http://plain.test:${plain.port}/` });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<p>secure</p>');
  });
  await new Promise<void>((r) => tlsServer.listen(0, TLS_ADDR, () => r()));
  tlsPort = (tlsServer.address() as AddressInfo).port;
});
afterAll(async () => {
  tlsServer.closeAllConnections();
  await new Promise((r) => tlsServer.close(r));
  await plain.close();
});

function client() {
  return createEgressClient({
    schemes: ['https', 'http'],
    ports: [tlsPort, plain.port],
    ca: certPem,
    resolver: async (name) => {
      if (name === 'tls.test' || name === 'wrong.test') return [{ address: TLS_ADDR, family: 4 }];
      if (name === 'plain.test') return [{ address: PLAIN_ADDR, family: 4 }];
      throw new Error('ENOTFOUND');
    },
    testAllowLoopback: [`${TLS_ADDR}/32`, `${PLAIN_ADDR}/32`],
  });
}

describe('TLS through the pinned connector', () => {
  it('connects to the checked IP while SNI, Host and the certificate check use the name', async () => {
    seen.length = 0;
    const r = await client().fetch(`https://tls.test:${tlsPort}/`);
    expect(r.ok && { status: r.response.status, address: r.response.address }).toEqual({ status: 200, address: TLS_ADDR });
    expect(seen).toEqual([{ sni: 'tls.test', host: `tls.test:${tlsPort}` }]);
  });

  it('a name the certificate does not cover fails verification (UPSTREAM_ERROR)', async () => {
    const r = await client().fetch(`https://wrong.test:${tlsPort}/`);
    expect(r.ok ? 'ALLOWED' : r.code).toBe('UPSTREAM_ERROR');
    expect(r.ok ? '' : r.message).toMatch(/TLS/);
  });

  it('an https -> http redirect is refused as a downgrade, even with http allowed', async () => {
    const before = plain.hits.length;
    const r = await client().fetch(`https://tls.test:${tlsPort}/downgrade`);
    expect(r.ok ? 'ALLOWED' : [r.code, r.hop]).toEqual(['EGRESS_DENIED', 1]);
    expect(plain.hits.length).toBe(before);
    // The http page itself is reachable directly: only the downgrade is refused.
    expect((await client().fetch(`http://plain.test:${plain.port}/`)).ok).toBe(true);
  });
});
