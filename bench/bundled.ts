// Benchmarks time eventproof's code as it ships: bundled by esbuild like tsup builds dist/. Run
// through tsx directly, every named function would be wrapped to keep its name (esbuild's
// keepNames), which slows our code (the explorer about 2.5×) and not the peer's.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';

/**
 * Bundles `entry` (a path from the repository root) into node_modules/.cache/eventproof-bench/`name`.mjs
 * and imports it. `external`: packages left to node_modules; all of them when `'packages'`.
 */
export async function importBundled<Module>(
  entry: string,
  name: string,
  external: readonly string[] | 'packages',
): Promise<Module> {
  const root = resolve(import.meta.dirname, '..');
  const outfile = resolve(root, `node_modules/.cache/eventproof-bench/${name}.mjs`);
  buildSync({
    entryPoints: [resolve(root, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    ...(external === 'packages' ? { packages: 'external' as const } : { external: [...external] }),
    tsconfig: resolve(root, 'tsconfig.json'),
    logLevel: 'silent',
  });
  return (await import(pathToFileURL(outfile).href)) as Module;
}
