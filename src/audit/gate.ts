import type { AuditReport, Finding, Severity } from './model.js';
import { ALL_RULES, SEVERITY_RANK } from './rules/catalog.js';

export interface GateOptions {
  /** Rule ids (`EP-GAP-IDEMPOTENCY`, `EP-CELL-*`) or severities (`error`, `warning`, `note`: that or worse). */
  readonly failOn?: readonly string[];
  /** Minimum coverage percent of the matrix (covered = 1, partial = ½). */
  readonly minCoverage?: number;
}

export interface GateResult {
  readonly passed: boolean;
  readonly reasons: readonly string[];
}

/** Says why a `--fail-on` value is not a rule id, a pattern over them, or a severity; undefined when it is. */
export function checkFailOn(value: string): string | undefined {
  if (value in SEVERITY_RANK) return undefined;
  const pattern = toPattern(value);
  if (ALL_RULES.some((r) => pattern.test(r.id))) return undefined;
  return `'${value}' is neither a severity (error, warning, note) nor a rule id (${ALL_RULES.map((r) => r.id).join(', ')})`;
}

const toPattern = (value: string) =>
  new RegExp(`^${value.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');

const matches = (finding: Finding, value: string): boolean =>
  value in SEVERITY_RANK
    ? SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[value as Severity]
    : toPattern(value).test(finding.ruleId);

/** The CI gate: which `--fail-on` and `--min-coverage` conditions the report breaks. */
export function gate(report: AuditReport, options: GateOptions): GateResult {
  const reasons: string[] = [];
  for (const value of options.failOn ?? []) {
    const hits = report.findings.filter((f) => matches(f, value));
    if (hits.length > 0)
      reasons.push(
        `--fail-on ${value}: ${hits.length} finding${hits.length === 1 ? '' : 's'} (${[...new Set(hits.map((h) => h.ruleId))].join(', ')})`,
      );
  }
  if (options.minCoverage !== undefined && report.summary.coverage.percent < options.minCoverage) {
    reasons.push(
      `--min-coverage ${options.minCoverage}: the matrix is ${report.summary.coverage.percent.toFixed(1)} % covered`,
    );
  }
  return { passed: reasons.length === 0, reasons };
}
