import type { AuditReport } from '../model.js';

/** The report as JSON: the versioned document every other format is rendered from (docs/audit.md). */
export function renderJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
