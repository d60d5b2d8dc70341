import { performance } from 'node:perf_hooks';
import { readAsyncApi } from './catalogs/asyncapi.js';
import { readEventCatalog } from './catalogs/eventcatalog.js';
import { discover } from './discover.js';
import { languages } from './languages/index.js';
import { link, toAuditedTest } from './link.js';
import {
  REPORT_SCHEMA_ID,
  REPORT_SCHEMA_VERSION,
  type AuditReport,
  type AuditWarning,
  type EventDeclarationFact,
  type FileFacts,
} from './model.js';
import { compareText } from './names.js';
import { analyseSources, type ParallelTuning, type Threads } from './parallel.js';
import { ALL_RULES } from './rules/catalog.js';
import { evaluate } from './rules/evaluate.js';

export interface AuditOptions {
  /** Files above this size are skipped with a warning (default 1 MiB: generated code, not tests). */
  readonly maxFileSize?: number;
  /** Honour .gitignore files (default true). */
  readonly gitignore?: boolean;
  /** The directory as the user named it, shown in the report (default: the path given). */
  readonly displayRoot?: string;
  readonly version?: string;
  /** Fixed in golden tests. */
  readonly now?: () => Date;
  /** Called as files are read, for a progress bar. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Replaces fs.readFileSync (tests simulate unreadable files with it). The audit then runs on one thread. */
  readonly readFile?: (path: string) => Buffer;
  /**
   * Threads that read and parse files: 1 = the main thread alone; n = the main thread and up to
   * n - 1 worker threads; 'auto' (default) = one per core (at most 4), and only for repositories
   * large enough to gain from them. The report is the same whatever the number.
   */
  readonly threads?: Threads;
  /** @internal Tests only: see ParallelTuning. */
  readonly parallel?: ParallelTuning;
}

export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;

/**
 * Audits the event tests of the repository at `root`: reads it (never runs or imports it, never
 * opens a connection) and returns the report every output format is rendered from.
 */
export function runAudit(root: string, options: AuditOptions = {}): AuditReport {
  const started = performance.now();
  const maxBytes = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const [language, ...others] = languages(root);
  const all = [language!, ...others];
  const extensions = new Set(all.flatMap((l) => l.extensions));
  const found = discover(root, {
    extensions,
    excludes: (file) =>
      all.some((l) => l.extensions.some((e) => file.toLowerCase().endsWith(e)) && l.excludes(file)),
    ...(options.gitignore === undefined ? {} : { gitignore: options.gitignore }),
  });
  const warnings: AuditWarning[] = [...found.warnings];

  const facts: FileFacts[] = [];
  const results = analyseSources({
    root,
    files: found.sources,
    maxBytes,
    languages: all,
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.readFile === undefined ? {} : { readFile: options.readFile }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.parallel === undefined ? {} : { tuning: options.parallel }),
  });
  for (const result of results) {
    if (result.facts) facts.push(result.facts);
    for (const warning of result.warnings) warnings.push(warning);
  }

  const catalog: EventDeclarationFact[] = [];
  for (const file of found.asyncapi) {
    const read = readAsyncApi(root, file, maxBytes);
    if (!read) continue;
    catalog.push(...read.events);
    if (read.warning) warnings.push(read.warning);
  }
  if (found.eventCatalogRoots.length > 0 && catalog.length === 0) {
    const read = readEventCatalog(root, found.eventCatalogRoots, found.eventCatalogPages, maxBytes);
    catalog.push(...read.events);
    warnings.push(...read.warnings);
  }

  const model = link(facts, catalog, language!);
  const findings = evaluate(model);
  const cells = model.matrix.flatMap((row) => Object.values(row.cells));
  const covered = cells.filter((c) => c.state === 'covered').length;
  const partial = cells.filter((c) => c.state === 'partial').length;
  const count = (severity: string) => findings.filter((f) => f.severity === severity).length;
  const testFiles = facts.filter((f) => f.isTestFile).length;
  return {
    $schema: REPORT_SCHEMA_ID,
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'eventproof', version: options.version ?? '0.0.0' },
    generatedAt: (options.now?.() ?? new Date()).toISOString(),
    root: options.displayRoot ?? root,
    summary: {
      eventSource: model.eventSource,
      files: {
        scanned: found.sources.length,
        tests: testFiles,
        skipped: warnings.filter((w) => w.reason !== 'syntax-error').length,
      },
      eventTypes: model.matrix.length,
      tests: model.tests.length,
      coverage: {
        cells: cells.length,
        covered,
        partial,
        missing: cells.length - covered - partial,
        percent: cells.length === 0 ? 0 : Math.round(((covered + partial / 2) / cells.length) * 1000) / 10,
      },
      findings: { error: count('error'), warning: count('warning'), note: count('note') },
      elapsedMs: Math.round(performance.now() - started),
    },
    matrix: model.matrix,
    findings,
    tests: model.tests.map(toAuditedTest),
    rules: ALL_RULES.map(({ id, kind, severity, title, description }) => ({
      id,
      kind,
      severity,
      title,
      description,
    })),
    warnings: warnings.sort((a, b) => compareText(a.file, b.file)),
  };
}
