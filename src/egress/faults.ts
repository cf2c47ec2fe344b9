/**
 * A fixed, value-free description of why a request failed after it passed
 * every rule (UPSTREAM_ERROR). Upstream error texts can carry addresses and
 * names, so none of them is passed on.
 */
export function describeFault(err: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    return reason instanceof Error && reason.name === 'DeadlineError'
      ? `the upstream did not answer within ${timeoutMs} ms`
      : 'the request was aborted';
  }
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT': return 'connecting to the upstream timed out';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT': return 'the upstream stopped answering';
    case 'ECONNREFUSED': return 'the upstream refused the connection';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED': return 'the upstream closed the connection';
    case 'ENETUNREACH':
    case 'EHOSTUNREACH': return 'the upstream is unreachable';
    default:
      if (/^(ERR_TLS|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO|ERR_SSL)/.test(code)) return 'TLS verification of the upstream failed';
      return 'the request to the upstream failed';
  }
}
