import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as TS from 'typescript';
import { MissingPeerDependencyError } from '../../../errors.js';

export type TypeScriptApi = typeof TS;

let loaded: { readonly api: TypeScriptApi; readonly path: string } | undefined;

/**
 * The audit reads code with the `typescript` package's parser: pure JavaScript (nothing native to
 * download), error-tolerant (a file with syntax errors still yields a tree), and it reads TS, TSX,
 * JS and JSX alike. It is an optional peer: the audited project's own copy is preferred, then
 * eventproof's. See docs/decisions/0005-audit-parser.md.
 */
export function loadTypeScript(projectDir: string): TypeScriptApi {
  if (loaded) return loaded.api;
  const attempts = [join(projectDir, 'package.json'), import.meta.url];
  let lastError: unknown;
  for (const from of attempts) {
    try {
      const require = createRequire(from);
      const path = require.resolve('typescript');
      const required = require(path) as TypeScriptApi;
      if (typeof required.createSourceFile === 'function') return (loaded = { api: required, path }).api;
    } catch (error) {
      lastError = error;
    }
  }
  throw new MissingPeerDependencyError(
    'typescript',
    'eventproof audit reads code with the TypeScript parser, so it',
    lastError,
  );
}

/**
 * The file of the TypeScript this thread has loaded, if it has: a worker thread of the audit loads
 * the same one with `useTypeScript` (the first loaded serves every later audit in a process).
 */
export function loadedTypeScript(): string | undefined {
  return loaded?.path;
}

/** Loads TypeScript from `path` (see `loadedTypeScript`), unless this thread has loaded one already. */
export function useTypeScript(path: string): TypeScriptApi {
  if (loaded) return loaded.api;
  const required = createRequire(path)(path) as TypeScriptApi;
  if (typeof required.createSourceFile !== 'function')
    throw new Error(`${path} is not the TypeScript compiler (no createSourceFile)`);
  return (loaded = { api: required, path }).api;
}

/**
 * How the audit asks for a syntax tree: the newest syntax, and no JSDoc trees, which no rule reads
 * (TypeScript ≥ 5.3 then skips them; older versions ignore the option and parse them anyway).
 */
export function sourceFileOptions(ts: TypeScriptApi): TS.CreateSourceFileOptions {
  return {
    languageVersion: ts.ScriptTarget.Latest,
    jsDocParsingMode: (ts.JSDocParsingMode as typeof TS.JSDocParsingMode | undefined)?.ParseNone,
  };
}

/** How the audit reads a file, by its name: TSX, JSX, JS or TS (the bench's parse-only baseline too). */
export function scriptKindOf(ts: TypeScriptApi, file: string): TS.ScriptKind {
  if (/\.tsx$/.test(file)) return ts.ScriptKind.TSX;
  if (/\.[cm]?jsx?$/.test(file)) return file.endsWith('x') ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}
