import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type HttpEdge } from '../../src/transport/http.js';
import { fixturePalisade } from '../helpers/fixtures.js';
import { INIT, MCP_HEADERS, stubAuthenticator, testPki, token } from './http-fixtures.js';
import { raw } from './raw.js';

let edge: HttpEdge;
let ca: string;

beforeAll(async () => {
  const pki = await testPki('cap');
  ca = pki.ca.cert;
  const { palisade } = await fixturePalisade();
  edge = await startHttpServer({
    palisade, authenticator: stubAuthenticator(), host: '127.0.0.1', port: 0, maxSessionsPerPrincipal: 2,
    tls: { files: { cert: pki.files.cert, key: pki.files.key }, minVersion: 'TLSv1.2', mtls: false },
  });
});
afterAll(async () => { await edge?.close(); });

const init = (sub: string) => raw(edge.url, ca, { headers: { ...MCP_HEADERS, Authorization: `Bearer ${token(sub)}` }, body: JSON.stringify(INIT) });

describe('per-principal session cap', () => {
  it('one principal cannot hold more than its share of sessions; others are unaffected', async () => {
    expect((await init('agent:greedy')).status).toBe(200);
    expect((await init('agent:greedy')).status).toBe(200);
    const third = await init('agent:greedy');
    expect(third.status).toBe(429);
    expect(third.json().error?.data?.code).toBe('CONCURRENCY_LIMITED');
    expect(third.headers['retry-after']).toBe('60');
    expect((await init('agent:polite')).status).toBe(200);
  });
});
