import { LAYERS, type AuditReport, type CellState, type Finding } from '../model.js';
import { LAYER_TITLES, cellFindings, gaps, pitfalls, seedRow, summaryLine, where } from './labels.js';

export interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const plain: Paint = {
  bold: (t) => t,
  dim: (t) => t,
  green: (t) => t,
  red: (t) => t,
  yellow: (t) => t,
  cyan: (t) => t,
};

export interface TerminalOptions {
  readonly paint?: Paint;
  /** Matrix, gaps and pitfalls only (for `eventproof demo`). */
  readonly compact?: boolean;
}

/** Display width: the marks used here are one column wide in terminals. */
const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - [...text].length));

/** The terminal table: the matrix, gaps and pitfalls with rule ids, and the evidence behind each finding. */
export function renderTerminal(report: AuditReport, options: TerminalOptions = {}): string {
  const p = options.paint ?? plain;
  const mark: Record<CellState, string> = {
    covered: p.green('✓ covered'),
    partial: p.yellow('◐ partial'),
    missing: p.red('✗ missing'),
  };
  const out: string[] = [p.bold(`eventproof audit — ${report.root}`), p.dim(summaryLine(report)), ''];
  if (report.matrix.length === 0) out.push(p.yellow('No event types found.'), '');
  else {
    const first = Math.max('Event Type'.length, ...report.matrix.map((r) => [...r.eventType].length)) + 2;
    const width = 15;
    out.push(
      p.bold((pad('Event Type', first) + LAYERS.map((l) => pad(LAYER_TITLES[l], width)).join('')).trimEnd()),
    );
    for (const row of report.matrix) {
      out.push(
        pad(row.eventType, first) + LAYERS.map((l) => mark[row.cells[l].state]).join(' '.repeat(width - 9)),
      );
    }
    out.push('');
  }
  const section = (title: string, findings: readonly Finding[], evidence: boolean) => {
    if (findings.length === 0) return;
    out.push(p.bold(title));
    for (const f of findings) {
      const severity =
        f.severity === 'error'
          ? p.red(f.severity)
          : f.severity === 'warning'
            ? p.yellow(f.severity)
            : p.dim(f.severity);
      const seed = seedRow(f);
      out.push(
        `  ${p.cyan(f.ruleId)} ${severity}  ${f.kind === 'cell' ? f.message : `${seed.name} → ${seed.recommendation}`}`,
      );
      if (!evidence) continue;
      if (f.kind !== 'cell') out.push(p.dim(`    ${f.message}`));
      for (const h of f.helpers) {
        out.push(
          `    ${h.status === 'planned' ? p.yellow('planned:') : p.green('close it with:')} ${h.name} ${p.dim(`(${h.module})`)}`,
        );
        for (const line of h.example) out.push(p.dim(`      ${line}`));
      }
      for (const e of f.evidence.slice(0, 3))
        out.push(p.dim(`    at ${where(e)}${e.test ? ` "${e.test}"` : ''} — ${e.note}`));
    }
    out.push('');
  };
  section('Gaps', gaps(report), !options.compact);
  section('Pitfalls', pitfalls(report), !options.compact);
  if (!options.compact) {
    section('Cells', cellFindings(report), true);
    if (report.warnings.length > 0) {
      out.push(p.bold(`Skipped or read in part (${report.warnings.length})`));
      for (const w of report.warnings.slice(0, 20)) out.push(p.yellow(`  ${w.file}: ${w.message}`));
      if (report.warnings.length > 20)
        out.push(p.dim(`  … and ${report.warnings.length - 20} more (see --format json)`));
      out.push('');
    }
  }
  const s = report.summary.findings;
  out.push(
    `${s.error ? p.red(`${s.error} errors`) : '0 errors'}, ${s.warning ? p.yellow(`${s.warning} warnings`) : '0 warnings'}, ${s.note} notes ${p.dim(`(${report.summary.elapsedMs} ms)`)}`,
    '',
  );
  return out.join('\n');
}
