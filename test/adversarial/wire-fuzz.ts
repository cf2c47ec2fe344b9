/**
 * Wire-fuzz generators: HTTP requests to the MCP endpoint, valid and broken, as data.
 * A request names its session and token by role ('own', 'foreign', ...); the runner
 * fills in real ones, so fast-check stays pure and a failure prints a readable label.
 */
import fc from 'fast-check';

export type TokenRole = 'bound' | 'fresh' | 'foreign' | 'none' | 'garbage' | 'huge' | 'basic' | 'empty-bearer';
export type SessionRole = 'own' | 'foreign' | 'none' | 'random' | 'long' | 'bad-chars';

export interface WireRequest {
  readonly label: string;
  readonly method: string;
  readonly token: TokenRole;
  readonly session: SessionRole;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
}

const TOOLS = ['orders.export', 'orders.get', 'flag.set', 'flag.get', 'web.fetchSafe', 'nope', '', '__proto__', 'a'.repeat(300)];
const METHODS = ['initialize', 'tools/list', 'tools/call', 'ping', 'notifications/initialized', 'notifications/cancelled', 'resources/list', 'prompts/get', 'logging/setLevel', 'completion/complete', 'sampling/createMessage', 'x/unknown', ''];

const id = fc.oneof(fc.integer(), fc.string({ maxLength: 20 }), fc.constant(null), fc.constant(undefined), fc.anything({ maxDepth: 2 }));
const argsArb = fc.oneof(
  fc.record({ from: fc.constant('2025-08-01'), to: fc.constant('2025-08-31') }),
  fc.record({ name: fc.string({ maxLength: 40 }), env: fc.constantFrom('dev', 'staging', 'prod', 'x'), rolloutPct: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double()), idemKey: fc.uuid() }, { requiredKeys: [] }),
  fc.record({ url: fc.constantFrom('http://169.254.169.254/latest/meta-data/', 'http://[::1]/', 'file:///etc/passwd', 'https://example.com/') }),
  fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
  fc.constant({ ['__proto__']: { polluted: true } }),
  fc.anything({ maxDepth: 3 }),
);

/** A JSON-RPC message: well-formed, or with each field of the wrong kind. */
const message = fc.oneof(
  { weight: 5, arbitrary: fc.record({ jsonrpc: fc.constant('2.0'), id: fc.integer({ min: 1, max: 1e6 }), method: fc.constant('tools/call'), params: fc.record({ name: fc.constantFrom(...TOOLS), arguments: argsArb }) }) },
  { weight: 3, arbitrary: fc.record({ jsonrpc: fc.constant('2.0'), id: fc.integer({ min: 1, max: 1e6 }), method: fc.constantFrom(...METHODS), params: fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }) }, { requiredKeys: ['jsonrpc', 'method'] }) },
  { weight: 2, arbitrary: fc.record({ jsonrpc: fc.anything({ maxDepth: 1 }), id, method: fc.anything({ maxDepth: 1 }), params: fc.anything({ maxDepth: 3 }) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.record({ jsonrpc: fc.constant('2.0'), id: fc.integer(), method: fc.constant('initialize'), params: fc.record({ protocolVersion: fc.constantFrom('2025-11-25', '2025-03-26', 'x', ''), capabilities: fc.jsonValue({ maxDepth: 2 }), clientInfo: fc.record({ name: fc.string(), version: fc.string() }) }, { requiredKeys: [] }) }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);

const deep = (d: number, open: string, close: string) => open.repeat(d) + close.repeat(d);

/** Bodies: JSON-RPC messages and batches, and bytes that are not quite any of it. */
const body: fc.Arbitrary<{ kind: string; bytes: Buffer }> = fc.oneof(
  { weight: 8, arbitrary: message.map((m) => ({ kind: 'message', bytes: Buffer.from(JSON.stringify(m) ?? 'null') })) },
  { weight: 2, arbitrary: fc.array(message, { minLength: 0, maxLength: 40 }).map((a) => ({ kind: `batch(${a.length})`, bytes: Buffer.from(JSON.stringify(a)) })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }).map((n) => ({ kind: 'nested-batch', bytes: Buffer.from(deep(n, '[', ']').replace('[]', '[{"jsonrpc":"2.0","id":1,"method":"ping"}]')) })) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((d) => ({ kind: `deep-array(${d})`, bytes: Buffer.from(deep(d, '[', ']')) })) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 100_000 }).map((d) => ({ kind: `deep-params(${d})`, bytes: Buffer.from(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"orders.get","arguments":${deep(d, '{"a":', '}').replace(/:}/, ':1}')}}}`) })) },
  { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 3_000_000 }).map((n) => ({ kind: `huge-string(${n})`, bytes: Buffer.from(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"orders.get","arguments":{"orderId":"${'x'.repeat(n)}"}}}`) })) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => ({ kind: 'invalid-utf8', bytes: Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"orders.get","arguments":{"orderId":"'), Buffer.from([0xc0, 0xaf, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from(b), Buffer.from('"}}}')]) })) },
  { weight: 1, arbitrary: fc.constantFrom('{"jsonrpc":"2.0","id":1,"method":"ping","params":"\\ud800"}', '{"__proto__":{"x":1},"jsonrpc":"2.0","id":1,"method":"ping"}', '[]', '{}', 'null', '', '{"jsonrpc":"2.0","id":1,"method":"tools/call"', '\u0000').map((s) => ({ kind: 'edge-json', bytes: Buffer.from(s) })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((s) => ({ kind: 'text', bytes: Buffer.from(s) })) },
);

/** Mostly absent (1 in 6 present): each odd header alone would refuse most requests at the edge. */
const optional = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });

/** Header values stay visible ASCII (what an HTTP client can put on the wire at all). */
const headerish = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 });

export const wireRequest: fc.Arbitrary<WireRequest> = fc.record({
  method: fc.oneof({ weight: 12, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD') }),
  token: fc.oneof({ weight: 6, arbitrary: fc.constant<TokenRole>('bound') }, { weight: 1, arbitrary: fc.constantFrom<TokenRole>('fresh', 'foreign', 'none', 'garbage', 'huge', 'basic', 'empty-bearer') }),
  session: fc.oneof({ weight: 6, arbitrary: fc.constant<SessionRole>('own') }, { weight: 1, arbitrary: fc.constantFrom<SessionRole>('foreign', 'none', 'random', 'long', 'bad-chars') }),
  body,
  contentType: optional(fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded')),
  accept: optional(fc.constantFrom('application/json, text/event-stream', 'application/json', 'text/event-stream', '*/*', 'text/html')),
  protocol: optional(fc.oneof(fc.constantFrom('2025-11-25', '2025-06-18', '2025-03-26', '1999-01-01'), headerish)),
  origin: optional(fc.oneof(fc.constantFrom('https://evil.example', 'null', 'https://127.0.0.1'), headerish)),
  host: optional(fc.constantFrom('evil.example', '127.0.0.1:1', 'localhost', 'a'.repeat(300), '[::1]')),
  extra: optional(fc.dictionary(fc.constantFrom('x-forwarded-for', 'x-forwarded-host', 'last-event-id', 'transfer-encoding-x', 'cookie', 'x-mcp'), headerish, { maxKeys: 3 })),
}).map((r) => {
  const headers: Record<string, string> = {};
  if (r.contentType) headers['content-type'] = r.contentType; else if (r.method === 'POST') headers['content-type'] = 'application/json';
  headers['accept'] = r.accept ?? 'application/json, text/event-stream';
  if (r.protocol !== undefined) headers['mcp-protocol-version'] = r.protocol;
  if (r.origin !== undefined) headers['origin'] = r.origin;
  if (r.host !== undefined) headers['host'] = r.host;
  Object.assign(headers, r.extra ?? {});
  const hasBody = r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH';
  return {
    label: `${r.method} token=${r.token} session=${r.session} body=${hasBody ? r.body.kind : '-'} ${Object.keys(headers).sort().join(',')}`,
    method: r.method, token: r.token, session: r.session, headers,
    ...(hasBody && { body: r.body.bytes }),
  };
});
