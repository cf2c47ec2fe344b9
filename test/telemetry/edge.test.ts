import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRecorder } from '../../src/audit/recorder.js';
import { verifyPath } from '../../src/audit/verify.js';
import { openAuditLog, type AuditLog } from '../../src/audit/writer.js';
import { createTelemetry } from '../../src/telemetry/observer.js';
import { createTracing } from '../../src/telemetry/provider.js';
import { startHttpServer, type HttpEdge } from '../../src/transport/http.js';
import { alice, fixturePalisade } from '../helpers/fixtures.js';
import { INIT, MCP_HEADERS, stubAuthenticator, testPki, token } from '../transport/http-fixtures.js';
import { raw } from '../transport/raw.js';
import { lines, newSigner, tempRoot } from '../audit/helpers.js';
import { byName, leaks, memoryTelemetry } from './helpers.js';

/** Edge refusals over real HTTPS reach the span recorder and the audit chain with their codes. */
let edge: HttpEdge;
let ca: string;
let log: AuditLog;
let root: string;
const t = memoryTelemetry();

beforeAll(async () => {
  const pki = await testPki('telemetry');
  ca = pki.ca.cert;
  root = tempRoot();
  log = openAuditLog({ dir: join(root, 'edge-node'), instance: 'edge-node', signer: newSigner() });
  const { palisade } = await fixturePalisade({ stepUp: true, onStage: t.onStage, recorders: [auditRecorder(log, { hmacKey: Buffer.alloc(32, 7) }), ...t.recorders] });
  edge = await startHttpServer({
    palisade, authenticator: stubAuthenticator(), host: '127.0.0.1', port: 0,
    tls: { files: { cert: pki.files.cert, key: pki.files.key }, minVersion: 'TLSv1.2', mtls: false },
  });
});
afterAll(async () => { await edge?.close(); await log?.close(); });

const post = (body: unknown, headers: Record<string, string> = {}) => raw(edge.url, ca, { headers: { ...MCP_HEADERS, ...headers }, body: JSON.stringify(body) });
const TRACE = '0af7651916cd43dd8448eb211c80319c';

describe('edge refusals as spans and audit records', () => {
  it('401 without a token: an mcp.tool.invoke span with the status and code, continuing the traceparent header', async () => {
    const r = await post(INIT, { traceparent: `00-${TRACE}-b7ad6b7169203331-01` });
    expect(r.status).toBe(401);
    await new Promise((res) => setTimeout(res, 50));
    const span = byName(t.spans(), 'mcp.tool.invoke').find((s) => s.attributes['http.response.status_code'] === 401)!;
    expect(span.attributes).toMatchObject({ 'decision.code': 'AUTH_REQUIRED', 'policy.decision': 'deny', 'palisade.kind': 'edge', 'http.request.method': 'POST' });
    expect(span.spanContext().traceId).toBe(TRACE);
    expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  });

  it('403 insufficient scope (step-up): span and audit record name SCOPE_MISSING; an allowed call continues the header trace', async () => {
    const bearer = `Bearer ${token('agent:carol', 'acme', 'demo.read')}`;
    const init = await post(INIT, { Authorization: bearer });
    const h = { Authorization: bearer, 'Mcp-Session-Id': String(init.headers['mcp-session-id']), 'Mcp-Protocol-Version': '2025-11-25' };
    const denied = await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'switch.set', arguments: { name: 'beta', env: 'prod', pct: 5, idemKey: crypto.randomUUID() } } }, h);
    expect(denied.status).toBe(403);
    const trace2 = '4bf92f3577b34da6a3ce929d0e0e4736';
    const ok = await post({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'demo.echo', arguments: { message: 'mail carol@example.com' } } }, { ...h, traceparent: `00-${trace2}-00f067aa0ba902b7-01` });
    expect(ok.status).toBe(200);
    await new Promise((res) => setTimeout(res, 50));
    const spans = byName(t.spans(), 'mcp.tool.invoke');
    const s403 = spans.find((s) => s.attributes['http.response.status_code'] === 403)!;
    expect(s403.attributes).toMatchObject({ 'decision.code': 'SCOPE_MISSING', 'tool.name': 'switch.set', 'actor.id': 'agent:carol' });
    const allowed = spans.find((s) => s.attributes['policy.decision'] === 'allow')!;
    expect(allowed.spanContext().traceId).toBe(trace2);
    expect(leaks(t.spans())).toEqual([]);

    log.checkpoint();
    log.flush();
    const recs = lines(join(root, 'edge-node', '000001.jsonl')).map((l) => JSON.parse(l));
    expect(recs.filter((r) => r.kind === 'edge').map((r) => [r.code, r.http.status])).toEqual(expect.arrayContaining([['AUTH_REQUIRED', 401], ['SCOPE_MISSING', 403]]));
    const call = recs.find((r) => r.kind === 'call' && r.traceId === trace2);
    expect(call).toMatchObject({ decision: 'allow', tool: 'demo.echo', actor: { id: 'agent:carol' }, spanId: allowed.spanContext().spanId });
    expect(call.args).toEqual({ message: 'mail [email]', times: 1 });
    expect(verifyPath(root)[0]!.ok).toBe(true);
  });
});

describe('OTLP/HTTP export to a real receiver on loopback', () => {
  let server: Server;
  const bodies: { path: string; type: string; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        bodies.push({ path: req.url ?? '', type: String(req.headers['content-type']), body: Buffer.concat(parts).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('exports the call spans as OTLP JSON', async () => {
    const port = (server.address() as { port: number }).port;
    const tracing = createTracing({ exporter: 'otlp', endpoint: `http://127.0.0.1:${port}/v1/traces`, serviceName: 'palisade-test' });
    const tel = createTelemetry(tracing);
    const { palisade } = await fixturePalisade({ onStage: tel.onStage, recorders: [tel.recorder] });
    await palisade.call(alice, 'demo.echo', { message: 'hello' });
    await tracing.forceFlush();
    await tracing.shutdown();
    expect(bodies.length).toBeGreaterThan(0);
    const got = bodies.map((b) => b.body).join('\n');
    expect(bodies[0]!.path).toBe('/v1/traces');
    expect(bodies[0]!.type).toContain('application/json');
    expect(got).toContain('mcp.tool.invoke');
    expect(got).toContain('policy.evaluate');
    expect(got).toContain('palisade-test');
  });
});
