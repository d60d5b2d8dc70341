// Throughput of `eventproof audit` beside parse-only with the same parser, in the same run:
//   npx tsx bench/audit.ts [files=10000]
// Generates a TypeScript repository of N files in a temp dir, audits it, then reads and parses the
// same files with the same parser and nothing else (the practical limit). Also on this repository.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { importBundled } from './bundled.js';
import type { runAudit as RunAudit } from '../src/audit/audit.js';
import { discover } from '../src/audit/discover.js';
import { typescriptLanguage } from '../src/audit/languages/typescript/index.js';
import { loadTypeScript, scriptKindOf, sourceFileOptions } from '../src/audit/languages/typescript/parser.js';

const count = Number(process.argv[2] ?? 10_000);
const ts = loadTypeScript(process.cwd());
// The audit's own choice of files: its extensions, and what it leaves out (declarations, minified).
const language = typescriptLanguage(ts);

// The audit as users run it: bundled like dist/cli.js (bench/bundled.ts), TypeScript left outside.
const { runAudit } = await importBundled<{ runAudit: typeof RunAudit }>('src/audit/audit.ts', 'audit', [
  'typescript',
]);

function generate(dir: string, files: number): void {
  const domains = ['Order', 'Payment', 'Shipment', 'Invoice', 'Customer', 'Cart', 'Refund', 'Stock'];
  const verbs = ['Created', 'Updated', 'Cancelled', 'Completed', 'Failed'];
  for (let i = 0; i < files; i++) {
    const domain = domains[i % domains.length]!;
    const event = `${domain}${verbs[i % verbs.length]}${Math.floor(i / 40)}`;
    const folder = join(dir, i % 4 === 3 ? 'test' : 'src', `m${Math.floor(i / 100)}`);
    mkdirSync(folder, { recursive: true });
    if (i % 4 === 3) {
      writeFileSync(
        join(folder, `f${i}.test.ts`),
        `import { describe, expect, it, vi } from 'vitest';
import { ${event}Schema } from '../../src/m${Math.floor(i / 100)}/f${i - 3}.js';

describe('${event}', () => {
  it('publishes ${event} once when the ${domain.toLowerCase()} changes', async () => {
    const publisher = { publish: vi.fn() };
    await publisher.publish('${domain.toLowerCase()}s', { type: '${event}', id: '${i}' });
    expect(publisher.publish).toHaveBeenCalledWith('${domain.toLowerCase()}s', expect.objectContaining({ type: '${event}' }));
  });

  it('rejects a malformed ${event} payload', () => {
    expect(${event}Schema.safeParse({ id: 42 }).success).toBe(false);
  });
});
`,
      );
    } else {
      writeFileSync(
        join(folder, `f${i}.ts`),
        `import { z } from 'zod';
import { Kafka } from 'kafkajs';

export const ${event}Schema = z.object({ type: z.literal('${event}'), id: z.string(), amount: z.number().positive(), at: z.string() });
export type ${event} = z.infer<typeof ${event}Schema>;
const TOPIC = '${domain.toLowerCase()}s';

export class ${domain}Service${i} {
  private readonly producer = new Kafka({ brokers: ['localhost:9092'] }).producer();
  constructor(private readonly clock: () => Date = () => new Date()) {}

  async change(id: string, amount: number): Promise<void> {
    const event: ${event} = { type: '${event}', id, amount, at: this.clock().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.producer.send({ topic: TOPIC, messages: [{ key: id, value: JSON.stringify(event) }] });
        return;
      } catch (error) {
        if (attempt === 2) throw error;
      }
    }
  }
}
`,
      );
    }
  }
}

/**
 * Reads and parses every source file the audit would read (the same discovery, extensions and
 * exclusions), with the same parser, options and script kind, and nothing else.
 * `batch` 1 reads and parses each file in turn (the baseline as issue 6 states it); 64 reads 64
 * files, then parses them, as the audit does (src/audit/analyse.ts): the same work, but the parser
 * keeps more of itself in the CPU caches between system calls, so that baseline is faster too.
 */
function parseOnly(root: string, batch: number): { files: number; ms: number } {
  const { sources } = discover(root, {
    extensions: new Set(language.extensions),
    excludes: language.excludes,
  });
  const started = performance.now();
  for (let start = 0; start < sources.length; start += batch) {
    const files = sources.slice(start, start + batch);
    const texts = files.map((file) => readFileSync(join(root, file), 'utf8'));
    files.forEach((file, i) =>
      ts.createSourceFile(file, texts[i]!, sourceFileOptions(ts), false, scriptKindOf(ts, file)),
    );
  }
  return { files: sources.length, ms: performance.now() - started };
}

/**
 * Best of `rounds` for each side, the audit and the baselines taking turns in every round. This
 * repository takes a fifth of a second a round, so it gets more rounds: on a shared machine a
 * burst of other work then spoils fewer of them, for both sides alike.
 */
function measure(label: string, root: string, rounds: number) {
  // One untimed pass warms the JIT and the file cache for both sides alike.
  runAudit(root);
  parseOnly(root, 1);
  parseOnly(root, 64);
  let audit = Number.POSITIVE_INFINITY;
  let parse = Number.POSITIVE_INFINITY;
  let batched = Number.POSITIVE_INFINITY;
  let files = 0;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    const report = runAudit(root);
    audit = Math.min(audit, performance.now() - started);
    files = report.summary.files.scanned;
    const parsed = parseOnly(root, 1);
    // Both rates are per audited file: the baseline must have parsed exactly those files.
    if (parsed.files !== files) throw new Error(`parse-only read ${parsed.files} files, the audit ${files}`);
    parse = Math.min(parse, parsed.ms);
    batched = Math.min(batched, parseOnly(root, 64).ms);
  }
  const rss = process.resourceUsage().maxRSS / 1024;
  return {
    label,
    files,
    auditFilesPerSecond: Math.round(files / (audit / 1000)),
    parseFilesPerSecond: Math.round(files / (parse / 1000)),
    ratio: parse / audit,
    batchedFilesPerSecond: Math.round(files / (batched / 1000)),
    batchedRatio: batched / audit,
    auditMs: audit,
    parseMs: parse,
    peakRssMb: rss,
  };
}

// BENCH_AUDIT_GENERATE=<dir>: only write the generated repository there (for profiling), then stop.
if (process.env.BENCH_AUDIT_GENERATE) {
  generate(process.env.BENCH_AUDIT_GENERATE, count);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'eventproof-bench-audit-'));
try {
  const generation = performance.now();
  generate(dir, count);
  console.log(`generated ${count} files in ${Math.round(performance.now() - generation)} ms (${dir})`);
  const rows = [
    measure(`generated, ${count} files`, dir, 3),
    measure('this repository', resolve(import.meta.dirname, '..'), 10),
  ];
  console.log('');
  console.log(
    `${'case'.padEnd(26)} ${'files'.padStart(6)} ${'audit files/s'.padStart(14)} ${'parse-only files/s'.padStart(19)} ${'audit / parse-only'.padStart(19)} ${'batched parse-only'.padStart(19)} ${'ratio'.padStart(6)} ${'peak RSS'.padStart(9)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.label.padEnd(26)} ${String(r.files).padStart(6)} ${String(r.auditFilesPerSecond).padStart(14)} ${String(r.parseFilesPerSecond).padStart(19)} ${`${(r.ratio * 100).toFixed(0)} %`.padStart(19)} ${String(r.batchedFilesPerSecond).padStart(19)} ${`${(r.batchedRatio * 100).toFixed(0)} %`.padStart(6)} ${`${Math.round(r.peakRssMb)} MB`.padStart(9)}`,
    );
  }
  console.log(
    '\nTargets: ≥ 2,000 files/s, ≥ 50 % of parse-only, peak RSS < 500 MB for 10,000 files (peak RSS is the process maximum so far: the repository row includes the generated run).',
  );
  console.log(
    '"parse-only" reads and parses each file in turn (the issue\'s baseline); "batched parse-only" reads 64 files, then parses them, as the audit reads its files. Everything runs on one thread.',
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
