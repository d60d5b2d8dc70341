import type { Anomaly, AnomalyKind, AnomalySummary, ExploreReport } from './types.js';

const MAX_EXAMPLES = 8;

/** Groups anomalies by kind with a count and up to 8 examples each. */
export function summarise(anomalies: readonly Anomaly[]): AnomalySummary[] {
  const byKind = new Map<AnomalyKind, Anomaly[]>();
  for (const anomaly of anomalies) {
    let list = byKind.get(anomaly.kind);
    if (!list) byKind.set(anomaly.kind, (list = []));
    list.push(anomaly);
  }
  return [...byKind].map(([kind, list]) => ({
    kind,
    count: list.length,
    examples: list.slice(0, MAX_EXAMPLES),
  }));
}

/**
 * The report as a person reads it: verdict, anomalies with explanations, the minimal schedule as a
 * fixed-column trace, and the line that replays it.
 */
export function formatReport(report: ExploreReport): string {
  const lines: string[] = [];
  const verdict = report.valid ? '✓' : '✗';
  const total = report.anomalies.reduce((n, a) => n + a.count, 0);
  lines.push(
    `${verdict} ${report.scenario}: ${report.valid ? 'every promise held' : `${total} anomal${total === 1 ? 'y' : 'ies'}`} in ${report.runs} schedule${report.runs === 1 ? '' : 's'} (seed ${report.seed}, ${Math.round(report.elapsedMs)} ms)`,
  );
  for (const summary of report.anomalies) {
    lines.push(`  ${summary.kind} ×${summary.count}`);
    for (const example of summary.examples) lines.push(`    - ${example.explanation}`);
  }
  if (report.uncovered.length > 0) {
    lines.push(
      `  not covered: ${report.uncovered.map((name) => `"${name}"`).join(', ')} held in no schedule — explore more runs or more faults`,
    );
  }
  if (report.minimal) {
    lines.push(
      `  minimal schedule: ${report.minimal.decisions} decisions, faults: ${report.minimal.faults.join(', ') || 'none'}`,
      ...clip(report.minimal.renderedTrace.split('\n').filter(Boolean)).map((line) => `    ${line}`),
      `  replay: ${report.minimal.repro}`,
    );
  }
  for (const note of report.determinism.notes) lines.push(`  determinism: ${note}`);
  return lines.join('\n');
}

/** Long traces (a world that never quiesces) keep their beginning and end. */
function clip(lines: string[], head = 40, tail = 15): string[] {
  if (lines.length <= head + tail + 1) return lines;
  return [
    ...lines.slice(0, head),
    `… ${lines.length - head - tail} more lines (the full trace is in report.minimal.trace) …`,
    ...lines.slice(-tail),
  ];
}
