import { createSocket, type RemoteInfo } from 'node:dgram';

/**
 * A loopback UDP DNS server for tests: answers A queries from a table, AAAA with
 * no data, unknown names with NXDOMAIN. With `hold: true` it parks every query
 * until `release()`: a DNS server as slow as the test wants, without timers.
 */
export interface TestDns {
  readonly server: string;
  /** Queries received so far (retries included), as `name/type`. */
  readonly queries: string[];
  readonly held: () => number;
  release(): void;
  close(): Promise<void>;
}

export async function startDns(table: Record<string, string>, o: { hold?: boolean } = {}): Promise<TestDns> {
  const sock = createSocket('udp4');
  const queries: string[] = [];
  let parked: { msg: Buffer; rinfo: RemoteInfo }[] | undefined = o.hold ? [] : undefined;
  const answer = (msg: Buffer, rinfo: RemoteInfo) => {
    const q = parseQuestion(msg);
    if (!q) return;
    const addr = table[q.name.toLowerCase()];
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2);
    const known = addr !== undefined;
    header.writeUInt16BE(known ? 0x8180 : 0x8183, 2); // response, RD+RA, rcode 0 or 3 (NXDOMAIN)
    header.writeUInt16BE(1, 4);
    const withA = known && q.type === 1;
    header.writeUInt16BE(withA ? 1 : 0, 6);
    const question = msg.subarray(12, q.end);
    const rr = withA
      ? Buffer.concat([Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]), Buffer.from(addr.split('.').map(Number))])
      : Buffer.alloc(0);
    sock.send(Buffer.concat([header, question, rr]), rinfo.port, rinfo.address);
  };
  sock.on('message', (msg, rinfo) => {
    const q = parseQuestion(msg);
    if (q) queries.push(`${q.name}/${q.type === 1 ? 'A' : q.type === 28 ? 'AAAA' : q.type}`);
    if (parked) parked.push({ msg, rinfo }); else answer(msg, rinfo);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const { port } = sock.address();
  return {
    server: `127.0.0.1:${port}`,
    queries,
    held: () => parked?.length ?? 0,
    release() {
      const p = parked ?? [];
      parked = undefined;
      for (const { msg, rinfo } of p) answer(msg, rinfo);
    },
    close: () => new Promise((r) => sock.close(() => r())),
  };
}

function parseQuestion(msg: Buffer): { name: string; type: number; end: number } | undefined {
  if (msg.length < 17) return undefined;
  const labels: string[] = [];
  let i = 12;
  while (i < msg.length && msg[i] !== 0) {
    const len = msg[i]!;
    if (len > 63 || i + 1 + len > msg.length) return undefined;
    labels.push(msg.toString('latin1', i + 1, i + 1 + len));
    i += 1 + len;
  }
  if (i + 5 > msg.length) return undefined;
  return { name: labels.join('.'), type: msg.readUInt16BE(i + 1), end: i + 5 };
}
