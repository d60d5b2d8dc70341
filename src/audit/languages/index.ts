import type { LanguageSupport } from './language.js';
import { loadTypeScript } from './typescript/parser.js';
import { typescriptLanguage } from './typescript/index.js';

/**
 * The languages the audit reads. A new language (Python's pytest, Java's JUnit, Go's testing) is a
 * folder beside `typescript/` with a `LanguageSupport` and one line here. Nothing is loaded yet:
 * each loads its parser on `load()` or its first file.
 */
export function languages(projectDir: string): readonly LanguageSupport[] {
  return [typescriptLanguage(() => loadTypeScript(projectDir))];
}

export type { LanguageSupport, SourceText } from './language.js';
