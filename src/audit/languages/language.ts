import type { FileFacts } from '../model.js';

/** One readable file, already checked for size, binary content and UTF-8. */
export interface SourceText {
  /** Relative to the audited directory, `/`-separated. */
  readonly file: string;
  readonly text: string;
}

/**
 * What the audit needs from a language: which files are its own, which of them are tests by name,
 * and the facts in one file. Python, Java or Go suites are a new folder next to `typescript/`
 * implementing this, listed in `languages/index.ts`; the linking, rules and renderers stay as they are.
 */
export interface LanguageSupport {
  readonly id: string;
  /** Lower-case file extensions with the dot (`.ts`). */
  readonly extensions: readonly string[];
  /** Files to leave out even when the extension matches (declaration files, minified bundles). */
  excludes(file: string): boolean;
  /** True when the path alone marks a test file (`*.test.ts`, `__tests__/`, `FooTest.ts`). */
  isTestPath(file: string): boolean;
  /**
   * Loads the parser now, throwing when it cannot (e.g. a MissingPeerDependencyError): the audit
   * calls it before the first file, so a missing parser fails the run, not every file with a warning.
   * `analyse` loads it on first use otherwise.
   */
  load(): void;
  /**
   * Reads one file. Called once per file, synchronously, and must never throw for bad input: a
   * syntax error is a warning in the facts, not an exception.
   */
  analyse(source: SourceText): FileFacts;
  /** Resolves a relative import in `from` to the candidate paths of the file it names. */
  resolveImport(from: string, specifier: string): readonly string[];
}
