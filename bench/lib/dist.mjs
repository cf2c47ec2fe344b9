/**
 * `node --import tsx --import ./bench/lib/dist.mjs ...`: the benchmarks measure what
 * ships. Every import that resolves to a file under src/ is served from its compiled
 * twin under dist/ (built by `npm run build`), so Palisade runs as tsc emits it, as
 * the bare SDK runs from its own dist. Under tsx alone, each function expression
 * created per request pays esbuild's `__name` helper (an Object.defineProperty per
 * closure), a cost no user's server has. BENCH_SRC=1 keeps the sources.
 */
import { register } from 'node:module';

if (!process.env['BENCH_SRC']) register('./dist-hooks.mjs', import.meta.url);
