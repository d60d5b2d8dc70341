import { readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One bundle per file in src/public/: each is one key of package.json "exports".
const entries = Object.fromEntries(
  readdirSync('src/public')
    .filter((file) => file.endsWith('.ts'))
    .map((file) => [file.replace(/\.ts$/, ''), `src/public/${file}`]),
);

// The examples import 'eventproof' the way users do; inside the build it is this source tree.
const selfAlias = {
  name: 'eventproof-self',
  setup(build: {
    onResolve: (o: { filter: RegExp }, cb: (a: { path: string }) => { path: string }) => void;
  }) {
    build.onResolve({ filter: /^eventproof(\/.*)?$/ }, (args) => {
      const sub = args.path === 'eventproof' ? 'index' : args.path.slice('eventproof/'.length);
      return { path: new URL(`./src/public/${sub}.ts`, import.meta.url).pathname };
    });
  },
};

export default defineConfig([
  {
    entry: entries,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    target: 'node20',
    sourcemap: true,
    splitting: true,
    treeshake: true,
  },
  {
    entry: { cli: 'src/cli/bin.ts' },
    format: ['esm'],
    target: 'node20',
    sourcemap: true,
    // Commands import their heavy parts with import(): separate chunks, loaded only when they run.
    splitting: true,
    banner: { js: '#!/usr/bin/env node' },
    esbuildPlugins: [selfAlias],
  },
]);
