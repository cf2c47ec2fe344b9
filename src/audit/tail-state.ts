import { join } from 'node:path';
import { sha256 } from './canonical.js';
import { jcs } from './jcs.js';
import { listSegments, readHead, readLines, segmentNumber } from './segments.js';
import type { AuditRecord } from './types.js';

/** Where an existing chain stands, so a restarted writer continues it. */
export interface ChainTail {
  readonly segment: number;
  readonly nextSeq: number;
  readonly head: string;
  /** The key that signs now (after the last rotation). */
  readonly keyId: string | undefined;
  /** The chain ended with a final checkpoint (a clean close). */
  readonly closed: boolean;
  /** A torn or unreadable last line: where it starts. */
  readonly torn?: { readonly segment: string; readonly offset: number };
}

/** A line that parses and whose hash is its own (the reference canonical form). */
export function parseValid(text: string): AuditRecord | undefined {
  try {
    const rec = JSON.parse(text) as AuditRecord;
    if (rec === null || typeof rec !== 'object' || typeof rec.hash !== 'string') return undefined;
    const { hash, sig: _sig, ...body } = rec;
    return sha256(jcs(body)) === hash ? rec : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the chain's tail: the last valid record, what follows it, and the signing key in force. */
export function readTail(dir: string): ChainTail | undefined {
  const segments = listSegments(dir);
  let torn: ChainTail['torn'];
  for (let s = segments.length - 1; s >= 0; s--) {
    const name = segments[s]!;
    const lines = readLines(join(dir, name));
    for (let i = lines.length - 1; i >= 0; i--) {
      const rec = lines[i]!.torn ? undefined : parseValid(lines[i]!.text);
      if (!rec) { torn = { segment: name, offset: lines[i]!.offset }; continue; }
      return {
        segment: segmentNumber(name),
        nextSeq: rec.seq + 1,
        head: rec.hash,
        keyId: keyInForce(dir, segments, s, lines.slice(0, i + 1).map((l) => l.text)),
        closed: rec.kind === 'checkpoint' && rec['final'] === true,
        ...(torn && { torn }),
      };
    }
  }
  return undefined;
}

function keyInForce(dir: string, segments: string[], index: number, lastLines: string[]): string | undefined {
  const fromLines = (texts: string[]) => {
    for (let i = texts.length - 1; i >= 0; i--) {
      const rec = parseValid(texts[i]!);
      if (rec?.kind === 'rotate' && typeof rec['newKeyId'] === 'string') return rec['newKeyId'];
      if (rec && typeof rec.keyId === 'string') return rec.keyId;
    }
    return undefined;
  };
  const found = fromLines(lastLines);
  if (found) return found;
  const head = readHead(dir);
  const headRec = head?.line ? parseValid(head.line) : undefined;
  if (headRec?.keyId) return headRec.keyId;
  for (let s = index - 1; s >= 0; s--) {
    const k = fromLines(readLines(join(dir, segments[s]!)).map((l) => l.text));
    if (k) return k;
  }
  return undefined;
}
