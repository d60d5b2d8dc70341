import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/public/${path}`, import.meta.url));

// The examples and docs import 'eventproof' as users do; in this repository that is the source tree.
const alias = [
  { find: /^eventproof$/, replacement: src('index.ts') },
  { find: /^eventproof\/(.*)$/, replacement: src('$1.ts') },
];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'examples/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/package/**', 'test/fixtures/**', '**/node_modules/**'],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'package',
          include: ['test/package/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
