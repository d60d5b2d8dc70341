import type { AuditReport, CellState, Finding, Layer } from '../model.js';
import { ALL_RULES } from '../rules/catalog.js';

/** Column titles exactly as the seed's Test Coverage Matrix writes them. */
export const LAYER_TITLES: Readonly<Record<Layer, string>> = {
  serialization: 'Serialization',
  producer: 'Producer',
  consumer: 'Consumer',
  e2e: 'E2E',
};

/** The seed's marks, and ◐ for the state the seed has no mark for. */
export const MARKS: Readonly<Record<CellState, string>> = { covered: '✅', partial: '◐', missing: '❌' };

/** The seed's wording for a gap or pitfall row, looked up by rule id. */
export function seedRow(finding: Finding): { name: string; recommendation: string; problem?: string } {
  const rule = ALL_RULES.find((r) => r.id === finding.ruleId);
  return {
    name: rule?.seedName ?? finding.title,
    recommendation: rule?.recommendation ?? finding.recommendation,
    ...(rule?.problem ? { problem: rule.problem } : {}),
  };
}

export const gaps = (report: AuditReport) => report.findings.filter((f) => f.kind === 'gap');
export const pitfalls = (report: AuditReport) => report.findings.filter((f) => f.kind === 'pitfall');
export const cellFindings = (report: AuditReport) => report.findings.filter((f) => f.kind === 'cell');

export function summaryLine(report: AuditReport): string {
  const s = report.summary;
  const source = {
    asyncapi: 'from AsyncAPI',
    eventcatalog: 'from EventCatalog',
    code: 'from code',
    none: 'none found',
  }[s.eventSource];
  return `${s.files.scanned} files read (${s.files.tests} test files), ${s.tests} tests, ${s.eventTypes} event types (${source}); coverage ${s.coverage.percent.toFixed(1)} % — ${s.coverage.covered} covered, ${s.coverage.partial} partial, ${s.coverage.missing} missing of ${s.coverage.cells} cells`;
}

export const where = (e: { file: string; line: number }) => `${e.file}:${e.line}`;
