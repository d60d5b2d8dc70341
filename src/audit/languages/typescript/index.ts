import { posix } from 'node:path';
import type { LanguageSupport } from '../language.js';
import { extractFacts } from './extract.js';
import { isTestPath } from './frameworks.js';
import type { TypeScriptApi } from './parser.js';

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

/**
 * TypeScript and JavaScript: vitest, jest, mocha, node:test and ava suites. `loadParser` is called
 * when the parser is first needed (loading TypeScript takes a fifth of a second: the audit starts
 * its worker threads first, so that they load theirs at the same time).
 */
export function typescriptLanguage(loadParser: () => TypeScriptApi): LanguageSupport {
  let ts: TypeScriptApi | undefined;
  return {
    id: 'typescript',
    extensions: EXTENSIONS,
    excludes: (file) =>
      /\.d\.[cm]?ts$/.test(file) || /[.-]min\.[cm]?js$/.test(file) || /\.(bundle|chunk)\.[cm]?js$/.test(file),
    isTestPath,
    load() {
      ts ??= loadParser();
    },
    analyse: ({ file, text }) => extractFacts((ts ??= loadParser()), file, text, isTestPath(file)),
    resolveImport(from, specifier) {
      if (!specifier.startsWith('.')) return [];
      const base = posix.normalize(posix.join(posix.dirname(from), specifier));
      // NodeNext code imports `./x.js` for `./x.ts`.
      const stem = base.replace(/\.[cm]?[jt]sx?$/, '');
      return [base, ...EXTENSIONS.map((e) => stem + e), ...EXTENSIONS.map((e) => `${base}/index${e}`)];
    },
  };
}
