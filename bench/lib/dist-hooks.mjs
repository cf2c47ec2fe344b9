// Resolve hook for dist.mjs: src/**/*.ts -> dist/**/*.js when the compiled file exists.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url).href;
const SRC = `${root}src/`;
const DIST = `${root}dist/`;

export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (r.url.startsWith(SRC) && r.url.endsWith('.ts')) {
    const compiled = `${DIST}${r.url.slice(SRC.length, -3)}.js`;
    if (existsSync(fileURLToPath(compiled))) return { ...r, url: compiled, format: 'module' };
  }
  return r;
}
