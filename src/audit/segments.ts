import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HEAD_FILE, SEGMENT, type HeadFile } from './types.js';

/** One line of a segment as stored, with its byte offset; `torn` when it lacks its newline. */
export interface Line {
  readonly text: string;
  readonly offset: number;
  readonly torn: boolean;
}

/** The segment files of one chain, oldest first. */
export function listSegments(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => SEGMENT.test(f)).sort();
}

export function segmentName(n: number): string {
  return `${String(n).padStart(6, '0')}.jsonl`;
}

export function segmentNumber(name: string): number {
  return Number(SEGMENT.exec(name)?.[1] ?? 0);
}

/** Splits a segment into lines; a last line without its newline is torn (a crash mid-write). */
export function readLines(file: string): Line[] {
  const buf = readFileSync(file);
  const out: Line[] = [];
  let start = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) {
      out.push({ text: buf.toString('utf8', start), offset: start, torn: true });
      break;
    }
    out.push({ text: buf.toString('utf8', start, nl), offset: start, torn: false });
    start = nl + 1;
  }
  return out;
}

/** Is this directory one chain (holds segments) or a folder of chains? */
export function isChainDir(dir: string): boolean {
  return listSegments(dir).length > 0 || existsSync(join(dir, HEAD_FILE));
}

/** The chains under an audit root: each sub-folder holding segments. */
export function listChains(root: string): string[] {
  if (!existsSync(root)) return [];
  if (isChainDir(root)) return [root];
  return readdirSync(root)
    .map((d) => join(root, d))
    .filter((d) => statSync(d).isDirectory() && isChainDir(d))
    .sort();
}

export function readHead(dir: string): HeadFile | undefined {
  const file = join(dir, HEAD_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as HeadFile;
    return typeof h?.line === 'string' && typeof h.segment === 'string' ? h : { instance: '', segment: '', line: '' };
  } catch {
    return { instance: '', segment: '', line: '' };
  }
}
