import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { connect, type PeerCertificate } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePalisade } from '../helpers/fixtures.js';
import { createCertificate, ensureDevCertificate, inspectCertificate } from '../../src/transport/certs.js';
import { startHttpServer, type HttpEdge } from '../../src/transport/http.js';
import { clientCert, connectHttp, stubAuthenticator, testPki, token, trustingFetch } from './http-fixtures.js';

const edges: HttpEdge[] = [];
afterAll(async () => { await Promise.all(edges.map((e) => e.close())); });

async function serve(files: { cert: string; key: string; clientCa?: string }, extra: { minVersion?: 'TLSv1.2' | 'TLSv1.3'; watchMs?: number } = {}) {
  const { palisade } = await fixturePalisade();
  const edge = await startHttpServer({
    palisade, authenticator: stubAuthenticator(), host: '127.0.0.1', port: 0,
    tls: { files, minVersion: extra.minVersion ?? 'TLSv1.2', mtls: files.clientCa !== undefined },
    ...(extra.watchMs !== undefined && { tlsWatchIntervalMs: extra.watchMs }),
  });
  edges.push(edge);
  return edge;
}

/** The fingerprint of the certificate a fresh TLS connection is shown. */
function peerFingerprint(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      const c = s.getPeerCertificate() as PeerCertificate;
      s.end();
      resolve(c.fingerprint256);
    });
    s.on('error', reject);
  });
}

function get(port: number, path: string, o: { ca: string; agent?: Agent; cert?: string; key?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', servername: 'localhost', ca: o.ca, ...(o.agent ? { agent: o.agent } : { agent: false }), ...(o.cert && { cert: o.cert, key: o.key }) }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('mTLS', () => {
  it('no client certificate or one from another CA fails the handshake; the right one works end to end', async () => {
    const pki = await testPki('mtls');
    const edge = await serve({ cert: pki.files.cert, key: pki.files.key, clientCa: pki.files.ca });
    await expect(get(edge.port, '/healthz', { ca: pki.ca.cert })).rejects.toThrow();
    const otherCa = await createCertificate({ commonName: 'other CA', days: 30, isCA: true });
    const stranger = await clientCert(otherCa);
    await expect(get(edge.port, '/healthz', { ca: pki.ca.cert, ...stranger })).rejects.toThrow();
    const good = await clientCert(pki.ca);
    expect(await get(edge.port, '/healthz', { ca: pki.ca.cert, ...good })).toBe(200);

    const f = trustingFetch(pki.ca.cert, good);
    const c = await connectHttp(edge.url, token(), f.fetch);
    expect((await c.client.listTools()).tools.length).toBe(3);
    await c.close();
    await f.close();
  });
});

describe('TLS versions', () => {
  it('a TLS 1.1 client is refused', async () => {
    const pki = await testPki('v11');
    const edge = await serve({ cert: pki.files.cert, key: pki.files.key });
    const err = await new Promise<Error | undefined>((resolve) => {
      // SECLEVEL=0 lets this client even offer TLS 1.1: the refusal must come from the server.
      const s = connect({ host: '127.0.0.1', port: edge.port, ca: pki.ca.cert, servername: 'localhost', minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }, () => { s.end(); resolve(undefined); });
      s.on('error', resolve);
    });
    expect(err?.message).toMatch(/protocol version|unsupported protocol|no protocols available/i);
  });

  it('minVersion TLSv1.3 from the baseline refuses a TLS 1.2 client', async () => {
    const pki = await testPki('v13');
    const edge = await serve({ cert: pki.files.cert, key: pki.files.key }, { minVersion: 'TLSv1.3' });
    const err = await new Promise<Error | undefined>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: edge.port, ca: pki.ca.cert, servername: 'localhost', maxVersion: 'TLSv1.2' }, () => { s.end(); resolve(undefined); });
      s.on('error', resolve);
    });
    expect(err).toBeDefined();
  });
});

describe('certificate hot reload', () => {
  it('new connections see the new pair, an open keep-alive connection keeps working, a bad pair is ignored', async () => {
    const pki = await testPki('reload');
    const edge = await serve({ cert: pki.files.cert, key: pki.files.key }, { watchMs: 50 });
    const before = await peerFingerprint(edge.port, pki.ca.cert);
    expect(before).toBe(new X509Certificate(pki.server.cert).fingerprint256);

    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    expect(await get(edge.port, '/healthz', { ca: pki.ca.cert, agent })).toBe(200);

    // A half-rotated pair (new cert, old key) must not be installed.
    const next = await createCertificate({ commonName: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'], days: 30, issuer: pki.ca });
    writeFileSync(pki.files.cert, next.cert);
    expect(edge.reloadTls()).toBe(false);
    expect(await peerFingerprint(edge.port, pki.ca.cert)).toBe(before);

    writeFileSync(pki.files.key, next.key);
    const want = new X509Certificate(next.cert).fingerprint256;
    // The file watcher picks it up on its own; poll rather than sleep a fixed time.
    let seen = before;
    for (let i = 0; i < 100 && seen !== want; i++) {
      await new Promise((r) => setTimeout(r, 50));
      seen = await peerFingerprint(edge.port, pki.ca.cert);
    }
    expect(seen).toBe(want);
    // The kept-alive socket from before the rotation still serves.
    expect(await get(edge.port, '/healthz', { ca: pki.ca.cert, agent })).toBe(200);
    agent.destroy();
  });
});

describe('development certificate', () => {
  it('is created once (ECDSA P-256, loopback SANs, <= 90 days, key 0600) and reused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pal-devcert-'));
    const first = await ensureDevCertificate(dir);
    expect(first.created).toBe(true);
    expect(statSync(first.key).mode & 0o777).toBe(0o600);
    const pem = readFileSync(first.cert, 'utf8');
    const x = new X509Certificate(pem);
    expect(x.subjectAltName).toContain('DNS:localhost');
    expect(x.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(x.subjectAltName).toMatch(/IP Address:(::1|0:0:0:0:0:0:0:1)/);
    expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const info = inspectCertificate(pem)!;
    expect(info.selfSigned).toBe(true);
    expect(info.validityDays).toBeLessThanOrEqual(90);
    const again = await ensureDevCertificate(dir);
    expect(again.created).toBe(false);
    expect(readFileSync(again.cert, 'utf8')).toBe(pem);

    // And it serves: a client trusting exactly this certificate connects.
    const edge = await serve({ cert: first.cert, key: first.key });
    expect(await peerFingerprint(edge.port, pem)).toBe(x.fingerprint256);
  });
});
