import { LAYERS, type AuditReport, type Evidence } from '../model.js';
import { LAYER_TITLES, MARKS, cellFindings, gaps, pitfalls, seedRow, summaryLine, where } from './labels.js';

const escape = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #d0d7de;padding:.35rem .7rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.mark{text-align:center}code,pre{font:13px ui-monospace,monospace;background:#f6f8fa}pre{padding:.6rem;overflow:auto}
.covered{background:#dafbe1}.partial{background:#fff8c5}.missing{background:#ffebe9}.error{color:#cf222e}.warning{color:#9a6700}.note{color:#57606a}
details{margin:.2rem 0}summary{cursor:pointer}.muted{color:#57606a}`;

const evidenceList = (items: readonly Evidence[]) =>
  items.length === 0
    ? ''
    : `<ul>${items.map((e) => `<li><code>${escape(where(e))}</code>${e.test ? ` “${escape(e.test)}”` : ''} — ${escape(e.note)}</li>`).join('')}</ul>`;

/** One static page, no scripts, no external resources: the matrix with evidence on every cell. */
export function renderHtml(report: AuditReport): string {
  const head = `<tr><th>Event Type</th>${LAYERS.map((l) => `<th>${LAYER_TITLES[l]}</th>`).join('')}</tr>`;
  const rows = report.matrix
    .map(
      (row) =>
        `<tr><th>${escape(row.eventType)}<div class="muted">${escape(row.source)} · <code>${escape(where(row.definedAt[0]!))}</code></div></th>${LAYERS.map(
          (l) => {
            const c = row.cells[l];
            return `<td class="mark ${c.state}"><details><summary>${MARKS[c.state]} ${c.state}</summary>${evidenceList(c.evidence) || '<p class="muted">no test</p>'}</details></td>`;
          },
        ).join('')}</tr>`,
    )
    .join('\n');
  const findings = [...gaps(report), ...pitfalls(report), ...cellFindings(report)]
    .map(
      (
        f,
      ) => `<section><h3><code>${f.ruleId}</code> <span class="${f.severity}">${f.severity}</span> — ${escape(f.message)}</h3>
<p><strong>${escape(f.recommendation)}.</strong></p>
${f.helpers.map((h) => `<p>${h.status === 'planned' ? 'Planned (not in this release)' : 'Close it with'}: <code>${escape(h.name)}</code> from <code>${escape(h.module)}</code></p><pre>${escape(h.example.join('\n'))}</pre>`).join('\n')}
${evidenceList(f.evidence)}</section>`,
    )
    .join('\n');
  const gapTable = gaps(report).length
    ? `<table><tr><th>Gap</th><th>Recommendation</th></tr>${gaps(report)
        .map(
          (f) => `<tr><td>${escape(seedRow(f).name)}</td><td>${escape(seedRow(f).recommendation)}</td></tr>`,
        )
        .join('')}</table>`
    : '<p>No gaps found.</p>';
  const pitfallTable = pitfalls(report).length
    ? `<table><tr><th>Pitfall</th><th>Problem</th><th>Solution</th></tr>${pitfalls(report)
        .map(
          (f) =>
            `<tr><td>${escape(seedRow(f).name)}</td><td>${escape(seedRow(f).problem ?? '')}</td><td>${escape(seedRow(f).recommendation)}</td></tr>`,
        )
        .join('')}</table>`
    : '<p>No pitfalls found.</p>';
  const warnings = report.warnings.length
    ? `<h2>Files skipped or read in part</h2><ul>${report.warnings.map((w) => `<li><code>${escape(w.file)}</code> (${w.reason}): ${escape(w.message)}</li>`).join('')}</ul>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>eventproof audit — ${escape(report.root)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>eventproof audit — ${escape(report.root)}</h1>
<p class="muted">${escape(summaryLine(report))} · eventproof ${escape(report.tool.version)} · ${escape(report.generatedAt)}</p>
<h2>Test Coverage Matrix</h2>
${report.matrix.length ? `<table>\n${head}\n${rows}\n</table>` : '<p>No event types found.</p>'}
<h2>For Gaps in Event Testing</h2>
${gapTable}
<h2>Common Pitfalls</h2>
${pitfallTable}
<h2>Findings</h2>
${findings || '<p>None.</p>'}
${warnings}
</body>
</html>
`;
}
