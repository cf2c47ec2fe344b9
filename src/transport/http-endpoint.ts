import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { PreflightOptions } from '../core/pipeline.js';
import type { Principal } from '../core/principal.js';
import { SCOPE_TOKEN } from '../core/scopes.js';
import type { Palisade } from '../palisade.js';
import { authInfoFor, authRefusal, principalFromAuthInfo, type EdgeAuthenticator } from './http-auth.js';
import { bearerChallenge, refuse, type Refusal } from './http-errors.js';
import { ownerOf, sameOwner, type HttpSession, type SessionTable } from './http-sessions.js';
import { openingRefusal } from './http-opening.js';
import { parseBody, readBody, type ParsedBody } from './hygiene.js';
import { createMcpServer } from './mcp.js';
import { guardErrorAnswers } from './edge-response.js';
import type { SessionRegistry } from '../state/sessions.js';
import { reviveSession } from './session-revive.js';
import { answerPerCall } from './http-answer-mode.js';
import { cacheToken, cachedVerdict } from './http-token-cache.js';

/** How the endpoint answers a refusal: the server sends it and hands it to the recorders. */
export type Reject = (res: ServerResponse, refusal: Refusal, who?: { principal?: Principal; tool?: string }) => void;

export interface EndpointOptions {
  readonly palisade: Palisade;
  readonly auth: EdgeAuthenticator;
  readonly resource: string;
  readonly metadataUrl: string;
  readonly sessions: SessionTable;
  readonly bodyLimit: number;
  readonly maxBatch: number;
  readonly name?: string;
  /** An SSE GET stream is ended after this long (the client reconnects); default 5 minutes. */
  readonly sseMaxMs?: number;
  /** Sessions shared through the state store: any instance continues any session (fleet mode). */
  readonly shared?: SessionRegistry;
}

const TOO_MANY = {
  principal: 'too many open sessions for this principal; close one (DELETE) first',
  tenant: 'too many open sessions for this tenant',
  table: 'too many open sessions',
} as const;

const SESSION_ID = /^[\x21-\x7E]{1,128}$/;
/** Constant options: the pipeline keeps its preflight plan per stage list. */
const LIMITS_ONLY = { stages: ['limits'] } as const satisfies PreflightOptions;
const NO_OPTIONS = {};
const NO_OVERRIDE = {};

/**
 * The MCP endpoint: body cap -> JSON parse + batch cap -> bearer token -> session
 * ownership -> the pipeline's preflight (403 insufficient_scope) -> SDK transport.
 * It decides nothing itself: tokens are judged by the authenticator, tool calls by
 * the pipeline; it only translates their answers into HTTP.
 */
export function createMcpEndpoint(o: EndpointOptions) {
  const { palisade, sessions } = o;

  /** `reject` sends a refusal and records it (bound by the server to this request). */
  async function handle(req: IncomingMessage, res: ServerResponse, method: 'GET' | 'POST' | 'DELETE', reject: Reject): Promise<void> {
    let parsed: ParsedBody | undefined;
    let bodyRefusal: Refusal | undefined;
    let raw: Buffer | undefined;
    const header = req.headers['mcp-session-id'];
    if (Array.isArray(header) || (header !== undefined && !SESSION_ID.test(header))) {
      return reject(res, refuse('INVALID_REQUEST', 'bad Mcp-Session-Id header'));
    }
    const authz = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
    // A token already verified and bound on this session is not verified again until it expires.
    const cached = header !== undefined && o.auth.sessionBound === true ? sessions.peek(header)?.token : undefined;
    const known = cachedVerdict(cached, authz, Date.now());
    let early: Awaited<ReturnType<EdgeAuthenticator['authenticate']>> | undefined;
    if (method === 'POST' && header !== undefined) {
      // Inside a session the token is judged from the headers alone, so a principal over its
      // rate is answered 429 before its body is read (the limits stage decides, by peeking).
      early = known ?? (await o.auth.authenticate(authz, { sessionId: header, bind: false }));
      if (!early.ok) return reject(res, authRefusal(early, o.metadataUrl));
      const over = await rateRefusal(early.principal);
      if (over) return reject(res, over, { principal: early.principal });
    }
    if (method === 'POST') {
      const body = await readBody(req, o.bodyLimit);
      if (!body.ok) {
        if (!body.refusal) return void res.destroy();
        // Over the cap is answered before authentication: the body is not going to be read.
        if (body.refusal.code === 'PAYLOAD_TOO_LARGE') return reject(res, body.refusal);
        bodyRefusal = body.refusal;
      } else {
        raw = body.body;
        const p = parseBody(body.body, o.maxBatch);
        if (p.ok) parsed = p.parsed; else bodyRefusal = p.refusal;
      }
    }
    const opening = header === undefined && parsed?.isInitialize === true;
    // Judged, not bound: the jti binds to a session only once one exists (issue 8 item 2).
    const who = early ?? known ?? (await o.auth.authenticate(authz, { sessionId: header, bind: false }));
    if (!who.ok) return reject(res, authRefusal(who, o.metadataUrl));
    const principal = who.principal;
    if (bodyRefusal) return reject(res, bodyRefusal, { principal });
    const owner = ownerOf(principal, who.token.sub);

    let session: HttpSession | undefined;
    if (header !== undefined) {
      session = sessions.get(header);
      if (!session && o.shared) {
        const revived = await continueShared(header, owner);
        if (revived === 'store-down') return reject(res, refuse('UPSTREAM_ERROR', 'state store unavailable; the session cannot be continued here yet'), { principal });
        session = revived;
      } else if (session && o.shared) {
        // Keeps the shared record alive; an outage must not break a session this instance holds.
        void o.shared.touch(header).catch(() => undefined);
      }
      // Another principal's session id answers exactly like an unknown one: a stolen id is useless and leaks nothing.
      if (!session || !sameOwner(session.owner, owner)) return reject(res, refuse('NOT_FOUND', 'Session not found', { rpc: -32001 }), { principal });
    } else if (!opening) {
      return reject(res, refuse('INVALID_REQUEST', 'Bad Request: Mcp-Session-Id header is required'), { principal });
    } else {
      const bad = openingRefusal(req, parsed!);
      if (bad) return reject(res, bad, { principal });
    }
    for (const call of parsed?.toolCalls ?? []) {
      // Only SCOPE_MISSING is acted on here: a call that cannot get it is judged once, in the pipeline.
      if (!palisade.mayNeedStepUp(principal, call.name)) continue;
      const bad = await scopeRefusal(principal, call, header);
      if (bad) return reject(res, bad, { principal, tool: call.name });
    }
    const newId = session ? undefined : randomUUID();
    if (session) {
      const bound = known ?? (o.auth.bind ? await o.auth.bind(who, session.id) : who);
      if (!bound.ok) return reject(res, authRefusal(bound, o.metadataUrl), { principal });
      if (!known) remember(session, authz, who);
    } else {
      const admitted = await sessions.admit(owner);
      if (!admitted.ok) return reject(res, refuse('CONCURRENCY_LIMITED', TOO_MANY[admitted.scope], { headers: { 'Retry-After': '60' } }), { principal });
      if (o.shared) {
        const params = (parsed?.value as { params?: Record<string, unknown> } | undefined)?.params ?? {};
        const init = { protocolVersion: params['protocolVersion'], capabilities: params['capabilities'] ?? {}, clientInfo: params['clientInfo'] ?? {} };
        try {
          await o.shared.put(newId!, { owner, init });
        } catch {
          return reject(res, refuse('UPSTREAM_ERROR', 'state store unavailable; sessions cannot be opened now'), { principal });
        }
      }
    }
    // The SDK transport's own error answers get registry codes; a failed bind answers as itself.
    let override: Refusal | undefined;
    // An open session's answers have no override (a constant options object); a new one's may (a failed bind).
    guardErrorAnswers(res, session ? NO_OVERRIDE : { override: () => override });
    const opened = session ?? await openSession(newId!, owner, async (id) => {
      const bound = o.auth.bind ? await o.auth.bind(who, id) : who;
      if (!bound.ok) override = authRefusal(bound, o.metadataUrl);
      return bound.ok;
    });
    const withAuth = req as IncomingMessage & { auth?: unknown; rawBody?: Buffer };
    withAuth.auth = known !== undefined ? cached!.authInfo : authInfoFor(who, o.resource);
    if (raw) withAuth.rawBody = raw;
    if (method === 'GET') holdStream(opened, res);
    await opened.transport.handleRequest(withAuth as Parameters<StreamableHTTPServerTransport['handleRequest']>[0], res, parsed?.value);
    if (!session && !sessions.has(opened.id)) await sessions.close(opened);
    // A new session is in the table only once its token was bound to it.
    else if (!session && override === undefined) remember(opened, authz, who);
  }

  /** Keeps a verdict with its session when the authenticator says the jti binding makes that safe. */
  function remember(session: HttpSession, authz: string | undefined, who: Extract<Awaited<ReturnType<EdgeAuthenticator['authenticate']>>, { ok: true }>): void {
    if (o.auth.sessionBound === true && authz !== undefined) session.token = cacheToken(authz, who, authInfoFor(who, o.resource));
  }

  /** An SSE GET stream keeps its session in use while open, and is ended after `sseMaxMs` (the client reconnects). */
  function holdStream(session: HttpSession, res: ServerResponse): void {
    session.streams = (session.streams ?? 0) + 1;
    const timer = setTimeout(() => { session.transport.closeStandaloneSSEStream(); }, o.sseMaxMs ?? 5 * 60_000);
    timer.unref();
    res.once('close', () => {
      clearTimeout(timer);
      session.streams = Math.max(0, (session.streams ?? 1) - 1);
      session.lastSeen = Date.now();
    });
  }

  /**
   * The pipeline's answer for a tools/call before the SDK sees it: only SCOPE_MISSING
   * becomes 403 insufficient_scope (MCP step-up); every other answer stays in-band.
   */
  async function scopeRefusal(principal: Principal, call: { name: string; args: unknown }, sessionId: string | undefined): Promise<Refusal | undefined> {
    const d = await palisade.preflight(principal, call.name, call.args ?? {}, sessionId === undefined ? NO_OPTIONS : { sessionId });
    if (d.allow || d.code !== 'SCOPE_MISSING') return undefined;
    const scope = typeof d.details?.['scope'] === 'string' ? d.details['scope'] : undefined;
    const challenge = bearerChallenge({ resourceMetadata: o.metadataUrl, error: 'insufficient_scope', ...(scope && SCOPE_TOKEN.test(scope) && { scope }) });
    return refuse('SCOPE_MISSING', 'the token lacks the grant this tool call needs', { headers: { 'WWW-Authenticate': challenge } });
  }

  /** The limits stage's answer, consuming nothing: RATE_LIMITED becomes 429 + Retry-After; anything else is left to the pipeline. */
  async function rateRefusal(principal: Principal): Promise<Refusal | undefined> {
    const d = await palisade.preflight(principal, '', undefined, LIMITS_ONLY);
    if (d.allow || d.code !== 'RATE_LIMITED') return undefined;
    const seconds = Math.max(1, Math.ceil((d.retryAfterMs ?? 1000) / 1000));
    return refuse('RATE_LIMITED', 'rate limit reached; retry after the Retry-After delay', { headers: { 'Retry-After': String(seconds) } });
  }

  const reviving = new Map<string, Promise<HttpSession | undefined>>();

  /**
   * A session another instance opened: its owner is checked in the shared store, then a
   * transport and server are re-created here under the same id (one at a time per id).
   */
  async function continueShared(id: string, owner: HttpSession['owner']): Promise<HttpSession | undefined | 'store-down'> {
    let rec;
    try {
      rec = await o.shared!.get(id);
    } catch {
      return 'store-down';
    }
    if (!rec || !sameOwner(rec.owner, owner)) return undefined;
    let p = reviving.get(id);
    if (!p) {
      p = (async () => {
        const s = await openSession(id, rec.owner, async () => true);
        if (await reviveSession(s.transport, id, rec.init)) return s;
        await sessions.close(s);
        return undefined;
      })().finally(() => reviving.delete(id));
      reviving.set(id, p);
    }
    return p;
  }

  /** A session object; it joins the table only when the SDK initializes it and `bind` accepts the token for it. */
  async function openSession(id: string, owner: HttpSession['owner'], bind: (id: string) => Promise<boolean>): Promise<HttpSession> {
    const server = createMcpServer(palisade, {
      ...(o.name !== undefined && { name: o.name }),
      principal: (extra) => principalFromAuthInfo(extra.authInfo),
      traceparent: (extra) => {
        const tp = extra.requestInfo?.headers['traceparent'];
        return typeof tp === 'string' ? tp : undefined;
      },
      transport: 'http',
    });
    const session: HttpSession = {
      id,
      server,
      owner,
      lastSeen: Date.now(),
      transport: new StreamableHTTPServerTransport({
        sessionIdGenerator: () => id,
        onsessioninitialized: async () => {
          if (!(await bind(id))) throw new Error('token bound elsewhere');
          sessions.add(session);
        },
        onsessionclosed: async () => {
          sessions.remove(id);
          await o.shared?.remove(id).catch(() => undefined);
        },
      }),
    };
    session.transport.onclose = () => sessions.remove(id);
    answerPerCall(session.transport, server);
    await server.connect(session.transport);
    return session;
  }

  return { handle };
}
