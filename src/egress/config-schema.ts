import { z } from 'zod';

/** `egress:` — owned by the SSRF-safe client (src/egress). */
export const EgressConfigSchema = z.strictObject({
  allow: z.array(z.string()).default([]).describe('allowed destination domains (`*.example.com` patterns); empty = any public destination (development only)'),
  block: z.array(z.string()).default([]).describe('blocked domains at start; `palisade kill egress block` adds live'),
  allow_addresses: z.array(z.string()).default([]).describe('CIDRs reachable although special-purpose (an internal service, a loopback test page)'),
  schemes: z.array(z.enum(['https', 'http'])).default(['https']),
  ports: z.array(z.number().int().min(1).max(65535)).default([443]),
  max_bytes: z.number().int().positive().default(1024 * 1024),
  timeout_ms: z.number().int().positive().default(5000),
  dns_timeout_ms: z.number().int().positive().max(30_000).default(2000).describe('deadline of one name resolution (c-ares, off the thread pool)'),
  connect_timeout_ms: z.number().int().positive().default(3000),
  max_redirects: z.number().int().min(0).max(10).default(3),
  content_types: z.array(z.string()).default(['text/*', 'application/json']),
  on_oversize: z.enum(['deny', 'truncate']).default('truncate'),
  max_text_chars: z.number().int().positive().default(100_000).describe('web.fetchSafe: longest text handed to the model'),
}).prefault({});
