import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { AuditReport, Finding, Layer, MatrixRow, TestFramework } from './model.js';

export interface SuggestResult {
  readonly written: readonly string[];
  /** Files that already existed: never overwritten. */
  readonly kept: readonly string[];
}

const kebab = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase() || 'event';

const identifier = (name: string) => {
  const id = name.replace(/[^A-Za-z0-9_$]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''));
  return /^[A-Za-z_$]/.test(id) ? id : `Event${id}`;
};

interface Dialect {
  readonly imports: string;
  readonly todo: (title: string) => string;
  readonly expectPublished: (event: string) => string;
  readonly expectProcessed: string;
}

const DIALECTS: Readonly<Record<'vitest' | 'jest' | 'node:test', Dialect>> = {
  vitest: {
    imports: "import { describe, expect, it } from 'vitest';\nimport 'eventproof/vitest';",
    todo: (title) => `  it.todo(${JSON.stringify(title)});`,
    expectPublished: (event) =>
      `    expect(publisher).toHavePublished(${event}, { /* TODO: the fields that matter */ });`,
    expectProcessed: '    expect(consumer.processedCount).toBe(1);',
  },
  jest: {
    imports: "import { describe, expect, it } from '@jest/globals';\nimport 'eventproof/jest';",
    todo: (title) => `  it.todo(${JSON.stringify(title)});`,
    expectPublished: (event) =>
      `    expect(publisher).toHavePublished(${event}, { /* TODO: the fields that matter */ });`,
    expectProcessed: '    expect(consumer.processedCount).toBe(1);',
  },
  'node:test': {
    imports: "import assert from 'node:assert/strict';\nimport { describe, it } from 'node:test';",
    todo: (title) => `  it(${JSON.stringify(title)}, { todo: true }, () => {});`,
    expectPublished: (event) =>
      `    assertPublished(publisher, ${event}, { /* TODO: the fields that matter */ });`,
    expectProcessed: '    assert.equal(consumer.processedCount, 1);',
  },
};

function dialectOf(report: AuditReport): 'vitest' | 'jest' | 'node:test' {
  const counts = new Map<TestFramework, number>();
  for (const t of report.tests) counts.set(t.framework, (counts.get(t.framework) ?? 0) + 1);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  return top === 'jest' || top === 'node:test'
    ? top
    : top === 'mocha' || top === 'ava'
      ? 'node:test'
      : 'vitest';
}

function eventFile(
  row: MatrixRow,
  from: string,
  dialect: 'vitest' | 'jest' | 'node:test',
  typescript: boolean,
): string {
  const d = DIALECTS[dialect];
  const name = identifier(row.eventType);
  const missing = (layer: Layer) => row.cells[layer].state !== 'covered';
  const api = [
    missing('serialization') && 'checkRoundTrip',
    missing('producer') && 'recordingPublisher',
    missing('producer') && dialect === 'node:test' && 'assertPublished',
    missing('consumer') && 'consumerHarness',
  ].filter(Boolean);
  const definition = row.definedAt[0];
  const contract =
    definition && row.source === 'defineEvent'
      ? `import { ${name} } from '${relativeImport(from, definition.file, typescript)}';`
      : `// TODO: the ${row.eventType} contract. eventproof checks events defined with defineEvent:\n// const ${name} = defineEvent('${row.eventType}', schema); // any Standard Schema (zod, valibot) or JSON Schema${definition ? `\n// It is declared at ${definition.file}:${definition.line} (${row.source}).` : ''}`;
  const lines = [
    `// Suggested by \`eventproof audit --suggest\` for the cells of ${row.eventType} the audit found missing or partial.`,
    '// Edit the TODOs; a suggestion left as it is fails, so it cannot pass by accident.',
    d.imports,
    ...(api.length || row.source !== 'defineEvent'
      ? [
          `import { ${[...api, ...(row.source === 'defineEvent' ? [] : ['defineEvent'])].join(', ')} } from 'eventproof';`,
        ]
      : []),
    contract,
    '',
    `describe(${JSON.stringify(row.eventType)}, () => {`,
  ];
  if (missing('serialization')) {
    lines.push(
      "  it('survives encode → decode for every payload its schema allows (Serialization)', () => {",
      `    checkRoundTrip(${name}, { runs: 200, seed: 1 });`,
      '  });',
      '',
    );
  }
  if (missing('producer')) {
    lines.push(
      `  it('is published once by the code that emits it (Producer)', async () => {`,
      `    const publisher = recordingPublisher({ events: [${name}] });`,
      `    // TODO: run the code that publishes ${row.eventType}, giving it \`publisher\` (or publisher.kafka(), .amqp(), .sqs()).`,
      `    throw new Error('TODO: call the producer of ${row.eventType}');`,
      d.expectPublished(name),
      '  });',
      '',
    );
  }
  if (missing('consumer')) {
    lines.push(
      `  it('is handled by its consumer (Consumer)', async () => {`,
      `    const handler = { handle: async () => { throw new Error('TODO: use the real consumer of ${row.eventType}'); } };`,
      `    const consumer = consumerHarness(handler, { events: [${name}] });`,
      `    await consumer.receive(${name}.create({ /* TODO: a valid payload */ }));`,
      d.expectProcessed,
      '  });',
      '',
    );
  }
  if (missing('e2e'))
    lines.push(
      d.todo(
        `travels through a real broker (E2E): eventproof/kafka, /rabbitmq and /sqs probes are planned; use testcontainers until then`,
      ),
    );
  lines.push('});', '');
  return lines.join('\n');
}

function scenarioFile(gaps: readonly Finding[], dialect: 'vitest' | 'jest' | 'node:test'): string {
  const d = DIALECTS[dialect];
  const lines = [
    '// Suggested by `eventproof audit --suggest` for the gaps the audit found. Each todo names the helper that closes it.',
    d.imports,
    '',
    "describe('event scenarios', () => {",
  ];
  for (const gap of gaps) {
    lines.push(`  // ${gap.ruleId}: ${gap.recommendation}.`);
    for (const h of gap.helpers) {
      lines.push(
        `  // ${h.status === 'planned' ? 'planned' : 'available'}: ${h.name} (${h.module})`,
        ...h.example.map((l) => `  //   ${l}`),
      );
    }
    lines.push(d.todo(`${gap.recommendation} (${gap.ruleId})`), '');
  }
  lines.push('});', '');
  return lines.join('\n');
}

function relativeImport(from: string, to: string, typescript: boolean): string {
  let path = posix.relative(posix.dirname(from), to).replace(/\.(m|c)?tsx?$/, typescript ? '.$1js' : '.$1js');
  if (!path.startsWith('.')) path = `./${path}`;
  return path;
}

/**
 * Writes ready-to-edit test files for the missing cells and the gaps into `<root>/test/eventproof/`
 * (or `tests/`), in the test framework the repository uses most. Never overwrites a file.
 */
export function writeSuggestions(root: string, report: AuditReport): SuggestResult {
  const folder =
    existsSync(join(root, 'tests')) && !existsSync(join(root, 'test'))
      ? 'tests/eventproof'
      : 'test/eventproof';
  const dialect = dialectOf(report);
  const typescript = report.tests.length === 0 || report.tests.some((t) => /\.[cm]?tsx?$/.test(t.file));
  const extension = typescript ? 'ts' : 'js';
  const files: [string, string][] = [];
  for (const row of report.matrix) {
    if (Object.values(row.cells).every((c) => c.state === 'covered')) continue;
    const file = `${folder}/${kebab(row.eventType)}.test.${extension}`;
    files.push([file, eventFile(row, file, dialect, typescript)]);
  }
  const gaps = report.findings.filter((f) => f.kind === 'gap');
  if (gaps.length > 0)
    files.push([`${folder}/event-scenarios.test.${extension}`, scenarioFile(gaps, dialect)]);
  const written: string[] = [];
  const kept: string[] = [];
  for (const [file, content] of files) {
    mkdirSync(join(root, posix.dirname(file)), { recursive: true });
    try {
      writeFileSync(join(root, file), content, { flag: 'wx' });
      written.push(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      kept.push(file);
    }
  }
  return { written, kept };
}
