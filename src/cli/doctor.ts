import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { devCertPaths, inspectCertificate } from '../transport/certs.js';
import { isLoopbackHost } from '../transport/http.js';
import { configPath } from '../transport/http-options.js';
import { doctorFindings, formatFindings, type DoctorFacts } from './doctor-checks.js';
import { EXIT } from './main.js';
import { policyFinding } from './policy-catalog.js';

/** Finds the certificate `serve` would use, without creating anything. */
function certFacts(loaded: LoadedConfig): DoctorFacts['cert'] {
  const t = loaded.config.server.tls;
  if (t.cert_file) {
    const file = configPath(loaded, t.cert_file);
    return { file, development: false, info: existsSync(file) ? inspectCertificate(readFileSync(file)) : undefined };
  }
  if (!isLoopbackHost(loaded.config.server.http.host)) return undefined;
  const file = devCertPaths(loaded.dataDir).cert;
  return { file, development: true, info: existsSync(file) ? inspectCertificate(readFileSync(file)) : undefined };
}

/**
 * `palisade doctor [--config FILE]`: the operate checklist against the
 * configuration, one `PASS|FAIL <check>: <reason>` line each on stdout.
 * Exit 1 on any FAIL, 2 on a configuration error.
 */
export async function doctor(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' } }, strict: true, allowPositionals: false });
  const loaded = loadConfig(values.config !== undefined ? { file: values.config } : {});
  const findings = doctorFindings(loaded, { production: process.env['NODE_ENV'] === 'production', cert: certFacts(loaded) });
  findings.push(policyFinding(loaded.policyFile));
  findings.push(...(await (await import('../gateway/doctor.js')).upstreamFindings(loaded)));
  process.stdout.write(`${formatFindings(findings)}\n`);
  const failed = findings.filter((f) => !f.ok).length;
  process.stderr.write(`palisade doctor: ${findings.length - failed} passed, ${failed} failed (${loaded.file ?? 'embedded development default'})\n`);
  return failed === 0 ? EXIT.OK : EXIT.CHECK_FAILED;
}
