import { LAYERS, type AuditReport, type Evidence } from '../model.js';
import { LAYER_TITLES, MARKS, cellFindings, gaps, pitfalls, seedRow, summaryLine, where } from './labels.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const evidenceLine = (e: Evidence) => `- \`${where(e)}\`${e.test ? ` — "${cell(e.test)}"` : ''} — ${e.note}`;

/** Markdown with the seed's three tables in the seed's exact shape, then the evidence behind them. */
export function renderMarkdown(report: AuditReport): string {
  const out: string[] = [`# eventproof audit — ${report.root}`, '', summaryLine(report), ''];
  out.push('## Test Coverage Matrix', '');
  if (report.matrix.length === 0) {
    out.push(
      'No event types found: no AsyncAPI or EventCatalog, no `defineEvent`, schemas, event classes or publish/subscribe calls.',
      '',
    );
  } else {
    out.push(
      '| Event Type | Serialization | Producer | Consumer | E2E |',
      '|------------|--------------|----------|----------|-----|',
    );
    for (const row of report.matrix)
      out.push(`| ${cell(row.eventType)} | ${LAYERS.map((l) => MARKS[row.cells[l].state]).join(' | ')} |`);
    out.push('', '✅ covered · ◐ partial · ❌ missing', '');
  }
  const gapRows = gaps(report);
  out.push('## For Gaps in Event Testing', '');
  if (gapRows.length === 0) out.push('No gaps found.', '');
  else {
    out.push('| Gap | Recommendation |', '|-----|----------------|');
    for (const f of gapRows) out.push(`| ${cell(seedRow(f).name)} | ${cell(seedRow(f).recommendation)} |`);
    out.push('');
  }
  const pitfallRows = pitfalls(report);
  out.push('## Common Pitfalls', '');
  if (pitfallRows.length === 0) out.push('No pitfalls found.', '');
  else {
    out.push('| Pitfall | Problem | Solution |', '|---------|---------|----------|');
    for (const f of pitfallRows) {
      const seed = seedRow(f);
      out.push(`| ${cell(seed.name)} | ${cell(seed.problem ?? '')} | ${cell(seed.recommendation)} |`);
    }
    out.push('');
  }
  out.push('## Findings', '');
  if (report.findings.length === 0) out.push('None.', '');
  for (const f of [...gapRows, ...pitfallRows, ...cellFindings(report)]) {
    out.push(`### \`${f.ruleId}\` (${f.severity}) — ${f.message}`, '', `**${f.recommendation}.**`, '');
    for (const h of f.helpers) {
      out.push(
        `${h.status === 'planned' ? 'Planned (not in this release)' : 'Close it with'}: \`${h.name}\` from \`${h.module}\``,
        '',
        '```ts',
        ...h.example,
        '```',
        '',
      );
    }
    if (f.evidence.length > 0) out.push('Evidence:', '', ...f.evidence.map(evidenceLine), '');
  }
  out.push('## Evidence per cell', '');
  for (const row of report.matrix) {
    out.push(
      `### ${row.eventType}`,
      '',
      `Defined at ${row.definedAt.map((l) => `\`${where(l)}\``).join(', ')} (${row.source})${row.channels.length ? `; channels: ${row.channels.map((c) => `\`${c}\``).join(', ')}` : ''}.`,
      '',
    );
    for (const layer of LAYERS) {
      const c = row.cells[layer];
      out.push(`- **${LAYER_TITLES[layer]}** ${MARKS[c.state]} ${c.state}`);
      for (const e of c.evidence) out.push(`  ${evidenceLine(e)}`);
    }
    out.push('');
  }
  if (report.warnings.length > 0) {
    out.push('## Files skipped or read in part', '');
    for (const w of report.warnings) out.push(`- \`${w.file}\` (${w.reason}): ${w.message}`);
    out.push('');
  }
  return out.join('\n');
}
