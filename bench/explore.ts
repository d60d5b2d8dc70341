// Explorer throughput and bug-finding speed: npx tsx bench/explore.ts
// The measured code (bench/explore/measure.ts with eventproof's sources) is bundled by esbuild first,
// as tsup bundles dist/: run through tsx directly, every named function would be wrapped to keep its
// name (esbuild's keepNames), which slowed the explorer about 2.5× and is not how users run it.
// fast-check and zod stay in node_modules, as they are for users; fast-check's fc.scheduler, the
// peer, runs from node_modules untouched either way.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';

const outfile = resolve(import.meta.dirname, '../node_modules/.cache/eventproof-bench/explore.mjs');
buildSync({
  entryPoints: [resolve(import.meta.dirname, 'explore/measure.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile,
  packages: 'external',
  tsconfig: resolve(import.meta.dirname, '../tsconfig.json'),
  logLevel: 'silent',
});
await import(pathToFileURL(outfile).href);
