/**
 * Runs the SSRF corpus (test/adversarial/ssrf-corpus.ts) through Palisade's
 * egress client and through request-filtering-agent (an http.Agent, used with
 * node:http/https as its README shows), and prints a markdown table of which
 * cases each one stops: `node --import tsx bench/ssrf-compare.ts [--write FILE]`.
 *
 * No traffic leaves the machine: the script re-executes itself inside a fresh
 * network namespace (`unshare -n`, root or user namespaces needed) where only
 * loopback exists, and every name is answered by the corpus' table through a
 * custom `lookup`. It refuses to run if it cannot isolate itself.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { fileURLToPath } from 'node:url';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { startCorpusHarness } from '../test/adversarial/harness.js';
import { PUBLIC, SSRF_CORPUS, type SsrfCase } from '../test/adversarial/ssrf-corpus.js';

const COMMAND = 'node --import tsx bench/ssrf-compare.ts --write docs/ssrf-comparison.md';

if (process.env['PALISADE_SSRF_NETNS'] !== '1') {
  const self = fileURLToPath(import.meta.url);
  const inner = `ip link set lo up && exec "${process.execPath}" --import tsx "${self}" ${process.argv.slice(2).map((a) => `'${a}'`).join(' ')}`;
  const r = spawnSync('unshare', ['-n', 'sh', '-c', inner], { stdio: 'inherit', env: { ...process.env, PALISADE_SSRF_NETNS: '1' } });
  if (r.error || r.status === null) {
    process.stderr.write('ssrf-compare: cannot enter a private network namespace (unshare -n); refusing to run outside one\n');
    process.exit(2);
  }
  process.exit(r.status);
}

type RfaVerdict = 'blocked' | 'let through' | 'node refused' | 'n/a';

/** One case through request-filtering-agent: does the filter stop it before a connection is attempted? */
function viaRfa(target: string, dns: Readonly<Record<string, readonly string[]>>): Promise<{ verdict: RfaVerdict; detail: string }> {
  // Answers asynchronously, as dns.lookup does (a synchronous answer races node:http's error wiring).
  const lookup: LookupFunction = (hostname, options, cb) => setImmediate(() => {
    const answers = dns[hostname.toLowerCase().replace(/\.+$/, '')];
    if (!answers?.length) { cb(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), '', 4); return; }
    const list = answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (options.all) (cb as unknown as (e: null, a: typeof list) => void)(null, list);
    else cb(null, list[0]!.address, list[0]!.family);
  });
  const filter = { allowIPAddressList: [PUBLIC] };
  return new Promise((resolve) => {
    let req: http.ClientRequest;
    try {
      const isHttps = target.startsWith('https:');
      const agent = isHttps ? new RequestFilteringHttpsAgent(filter) : new RequestFilteringHttpAgent(filter);
      req = (isHttps ? https : http).get(target, { agent, lookup, timeout: 2000 }, (res) => {
        res.resume();
        resolve({ verdict: 'let through', detail: `HTTP ${res.statusCode}` });
      });
    } catch (err) {
      resolve({ verdict: 'node refused', detail: (err as { code?: string }).code ?? 'throw' });
      return;
    }
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: Error & { code?: string }) => {
      if (/is not allowed/.test(err.message)) resolve({ verdict: 'blocked', detail: 'filter' });
      else if (err.code === 'ENOTFOUND') resolve({ verdict: 'n/a', detail: 'no DNS answer' });
      // Anything else happened after the filter let the connection go ahead.
      else resolve({ verdict: 'let through', detail: err.code ?? err.message.slice(0, 30) });
    });
  });
}

const harness = await startCorpusHarness();
const rows: { c: SsrfCase; palisade: string; rfa: RfaVerdict; detail: string }[] = [];
for (const c of SSRF_CORPUS) {
  const r = await harness.clientFor(c).fetch(harness.urlFor(c));
  const palisade = r.ok ? 'ALLOWED' : r.code;
  const target = c.redirects ? harness.finalTarget(c) : c.url;
  const rfa = target === undefined
    ? { verdict: 'n/a' as const, detail: 'node http follows no redirects' }
    : await viaRfa(target, { 'redirector.test': ['127.0.0.8'], ...c.dns });
  rows.push({ c, palisade, rfa: rfa.verdict, detail: rfa.detail });
}
await harness.close();

const stopped = rows.filter((r) => r.palisade === r.c.expect).length;
const leaks = rows.filter((r) => r.palisade !== 'ALLOWED' && r.rfa === 'let through');
const ADDRESS = new Set(['ipv4-notation', 'ipv4-range', 'ipv6', 'name', 'dns']);
const addressLeaks = leaks.filter((l) => ADDRESS.has(l.c.category));
const policyLeaks = leaks.filter((l) => !ADDRESS.has(l.c.category));
const count = (v: RfaVerdict) => rows.filter((r) => r.rfa === v).length;
const md = [
  '# SSRF corpus: Palisade egress vs request-filtering-agent',
  '',
  `Produced by \`${COMMAND}\` (bench/ssrf-compare.ts), inside a private network namespace with only loopback;`,
  `every name is answered from the corpus table. request-filtering-agent ${rfaVersion()} with default options plus`,
  `\`allowIPAddressList: ['${PUBLIC}']\` (the corpus' stand-in for a public address), driven by node:http/https.`,
  'Redirect cases: node:http does not follow redirects, so the filter is judged on the final Location of the chain.',
  '',
  `- Palisade: ${stopped}/${rows.length} cases answered with the expected code.`,
  `- request-filtering-agent: blocked ${count('blocked')}, let through ${count('let through')}, refused by node:http itself (not the filter) ${count('node refused')}, not applicable ${count('n/a')}.`,
  `- Cases Palisade stops that request-filtering-agent lets through: **${leaks.length}** (${leaks.map((l) => `\`${l.c.id}\``).join(', ')}).`,
  '',
  `- Of those, ${policyLeaks.length} are policy the agent does not offer (allow-list, block list, scheme and port rules, credentials in URLs): ${policyLeaks.map((l) => `\`${l.c.id}\``).join(', ') || 'none'}.`,
  `- Address-level gaps (the agent's own job): ${addressLeaks.map((l) => `\`${l.c.id}\` (\`${l.c.url}\`)`).join(', ') || 'none'}.`,
  '  IPv4-compatible IPv6 (`::a.b.c.d`, RFC 4291 deprecated) is what ipaddr.js `range()` calls "unicast", and the agent trusts `range()`.',
  '- Names: the agent judges whatever the lookup returns, so metadata and special-use names are stopped only when DNS answers with a',
  '  private address (as this table\'s DNS does); Palisade refuses them by name before any lookup.',
  '- The agent is an `http.Agent`: Node\'s built-in `fetch` (undici) ignores agents, so it protects node:http/https callers only.',
  '',
  '| case | category | URL | Palisade | request-filtering-agent | detail |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.c.id} | ${r.c.category} | \`${r.c.redirects ? `(redirect) ${r.c.redirects.join(' -> ')}` : r.c.url}\` | ${r.palisade} | ${r.rfa} | ${r.detail} |`),
  '',
].join('\n');

const out = process.argv.indexOf('--write');
if (out > 0 && process.argv[out + 1]) writeFileSync(process.argv[out + 1]!, md);
process.stdout.write(md);
if (stopped !== rows.length) process.exitCode = 1;

function rfaVersion(): string {
  try { return (JSON.parse(spawnSync('npm', ['ls', 'request-filtering-agent', '--json'], { encoding: 'utf8' }).stdout) as { dependencies?: Record<string, { version?: string }> }).dependencies?.['request-filtering-agent']?.version ?? ''; } catch { return ''; }
}
