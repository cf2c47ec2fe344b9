import { createEgressClient, type EgressClient } from '../../src/egress/index.js';
import { startServer, tableResolver, type TestServer } from '../egress/servers.js';
import { PUBLIC, REDIRECTOR, SSRF_CORPUS, type SsrfCase } from './ssrf-corpus.js';

/** The loopback redirector and the public stand-in the corpus runs against (test and benchmark alike). */
export interface CorpusHarness {
  readonly redirector: TestServer;
  readonly canary: TestServer;
  /** The URL a case starts from (redirect cases start at the redirector). */
  urlFor(c: SsrfCase): string;
  /** Where a redirect case's chain ends, resolved against the redirector (undefined for a pure loop). */
  finalTarget(c: SsrfCase): string | undefined;
  /** A Palisade egress client configured for the case. */
  clientFor(c: SsrfCase): EgressClient;
  close(): Promise<void>;
}

export async function startCorpusHarness(): Promise<CorpusHarness> {
  const canary = await startServer(PUBLIC, (_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('canary'); });
  const redirector: TestServer = await startServer(REDIRECTOR, (req, res) => {
    const m = /^\/c\/([^/]+)\/(\d+)$/.exec(req.url ?? '');
    const c = m ? SSRF_CORPUS.find((x) => x.id === m[1]) : undefined;
    const step = Number(m?.[2] ?? 0);
    const loc = c?.redirects?.[step];
    if (!c || loc === undefined) { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('no'); return; }
    res.writeHead(302, { location: loc.replace('{next}', hop(c, step + 1)), 'content-type': 'text/plain' });
    res.end();
  });
  const hop = (c: SsrfCase, step: number) => `http://redirector.test:${redirector.port}/c/${c.id}/${step}`;
  return {
    redirector,
    canary,
    urlFor: (c) => (c.redirects ? hop(c, 0) : c.url),
    finalTarget(c) {
      const last = c.redirects?.at(-1);
      if (last === undefined || last.includes('{next}')) return undefined;
      return new URL(last, hop(c, 0)).href;
    },
    clientFor: (c) => createEgressClient({
      schemes: c.schemes ?? ['http', 'https'],
      ports: [redirector.port],
      allow: c.allow ?? [],
      blocked: () => new Set(c.block ?? []),
      resolver: tableResolver({ 'redirector.test': [REDIRECTOR], ...c.dns }),
      // Test-only: the redirector and the "public" canary are the only loopback addresses reachable.
      testAllowLoopback: [`${REDIRECTOR}/32`, `${PUBLIC}/32`],
      timeoutMs: 4000,
    }),
    async close() { await redirector.close(); await canary.close(); },
  };
}
