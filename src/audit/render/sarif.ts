import type { AuditReport, Finding, Severity } from '../model.js';

const LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = {
  error: 'error',
  warning: 'warning',
  note: 'note',
};

/**
 * SARIF 2.1.0, for code scanning: one result per finding, located at its first piece of evidence
 * (relative to `%SRCROOT%`), the rest as related locations.
 */
export function renderSarif(report: AuditReport): string {
  const location = (e: { file: string; line: number }, id?: number, text?: string) => ({
    ...(id === undefined ? {} : { id }),
    physicalLocation: {
      artifactLocation: { uri: encodeURI(e.file), uriBaseId: '%SRCROOT%' },
      region: { startLine: Math.max(1, e.line) },
    },
    ...(text ? { message: { text } } : {}),
  });
  const result = (f: Finding) => ({
    ruleId: f.ruleId,
    ruleIndex: report.rules.findIndex((r) => r.id === f.ruleId),
    level: LEVEL[f.severity],
    message: { text: `${f.message}. ${f.recommendation}.` },
    ...(f.evidence[0] ? { locations: [location(f.evidence[0])] } : {}),
    ...(f.evidence.length > 1
      ? {
          relatedLocations: f.evidence
            .slice(1)
            .map((e, i) => location(e, i + 1, e.test ? `${e.test}: ${e.note}` : e.note)),
        }
      : {}),
    partialFingerprints: { eventproofFinding: [f.ruleId, f.eventType ?? '', f.layer ?? ''].join('/') },
    properties: {
      kind: f.kind,
      ...(f.eventType ? { eventType: f.eventType } : {}),
      ...(f.layer ? { layer: f.layer } : {}),
    },
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'eventproof',
            version: report.tool.version,
            informationUri: 'https://github.com/eventproof/eventproof/blob/main/docs/audit.md',
            rules: report.rules.map((r) => ({
              id: r.id,
              name: r.title.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) =>
                c ? c.toUpperCase() : '',
              ),
              shortDescription: { text: r.title },
              fullDescription: { text: r.description },
              helpUri: `https://github.com/eventproof/eventproof/blob/main/docs/audit.md#${r.id.toLowerCase()}`,
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { kind: r.kind },
            })),
          },
        },
        originalUriBaseIds: {
          '%SRCROOT%': { description: { text: `The audited directory (${report.root})` } },
        },
        results: report.findings.map(result),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: report.warnings.map((w) => ({
              level: 'warning',
              message: { text: `${w.reason}: ${w.message}` },
              locations: [
                {
                  physicalLocation: { artifactLocation: { uri: encodeURI(w.file), uriBaseId: '%SRCROOT%' } },
                },
              ],
            })),
          },
        ],
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
