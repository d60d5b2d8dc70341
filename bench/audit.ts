// Throughput of `eventproof audit` beside parse-only with the same parser, in the same run:
//   npx tsx bench/audit.ts [files=10000]
// Generates a TypeScript repository of N files in a temp dir, audits it on one thread and with
// automatic threads, then reads and parses the same files with the same parser and nothing else on
// one thread (the practical limit of one thread). Also on this repository. Then times the built CLI
// (dist/cli.js: `npm run build` first) in fresh processes, as users run it, with --threads 1 and auto.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
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
const language = typescriptLanguage(() => ts);

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
 * Best of `rounds` for each side, the audits and the baselines taking turns in every round. This
 * repository takes a fifth of a second a round, so it gets more rounds: on a shared machine a
 * burst of other work then spoils fewer of them, for both sides alike. Each audit with threads
 * starts (and ends) its own workers, as every CLI run does: fresh threads, TypeScript to load and a
 * cold JIT, while the main thread here is warm (as in a long-lived process; the CLI rows below are
 * cold on every thread). "auto" runs as many as the load leaves room for; the last row forces one
 * thread per core (at most 4).
 */
function measure(label: string, root: string, rounds: number) {
  // One untimed pass warms the JIT and the file cache for both sides alike.
  runAudit(root, { threads: 1 });
  parseOnly(root, 1);
  parseOnly(root, 64);
  const all = Math.min(4, availableParallelism());
  const ways = [
    { name: '1 thread', threads: 1 as const, best: Number.POSITIVE_INFINITY, workers: 0 },
    { name: 'auto', threads: 'auto' as const, best: Number.POSITIVE_INFINITY, workers: 0 },
    { name: `${all} threads`, threads: all, best: Number.POSITIVE_INFINITY, workers: 0 },
  ];
  let parse = Number.POSITIVE_INFINITY;
  let batched = Number.POSITIVE_INFINITY;
  let files = 0;
  for (let round = 0; round < rounds; round++) {
    for (const way of ways) {
      const started = performance.now();
      const report = runAudit(root, {
        threads: way.threads,
        parallel: { onStats: (stats) => (way.workers = Math.max(way.workers, stats.workers)) },
      });
      way.best = Math.min(way.best, performance.now() - started);
      if (files !== 0 && report.summary.files.scanned !== files)
        throw new Error('the audits read different files');
      files = report.summary.files.scanned;
    }
    const parsed = parseOnly(root, 1);
    // Both rates are per audited file: the baseline must have parsed exactly those files.
    if (parsed.files !== files) throw new Error(`parse-only read ${parsed.files} files, the audit ${files}`);
    parse = Math.min(parse, parsed.ms);
    batched = Math.min(batched, parseOnly(root, 64).ms);
  }
  const rss = process.resourceUsage().maxRSS / 1024;
  const rate = (ms: number) => Math.round(files / (ms / 1000));
  return ways.map((way) => ({
    label: `${label}, ${way.name === 'auto' ? `auto (${way.workers + 1})` : way.name}`,
    files,
    audit: rate(way.best),
    ratio: parse / way.best,
    parse: rate(parse),
    batched: rate(batched),
    batchedRatio: batched / way.best,
    peakRssMb: rss,
  }));
}

/**
 * The built CLI in a fresh process per run (TypeScript loaded by the main thread and the workers at
 * the same time, as users run it), `runs` times each way, taking turns. Wall time of the whole
 * process, report written to /dev/null; peak RSS of the process (workers included) from a preload
 * that writes it at exit.
 */
function cliCold(cli: string, root: string, runs: number) {
  const probe = join(tmpdir(), `eventproof-bench-rss-${process.pid}`);
  const preload = `${probe}.cjs`;
  writeFileSync(
    preload,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(probe)}, String(process.resourceUsage().maxRSS)));\n`,
  );
  const ways = ['1', 'auto', String(Math.min(4, availableParallelism()))];
  const times = new Map(ways.map((threads) => [threads, { ms: [] as number[], rssMb: 0 }]));
  try {
    for (let run = 0; run < runs; run++) {
      for (const threads of ways) {
        const started = performance.now();
        execFileSync(
          process.execPath,
          ['--require', preload, cli, 'audit', root, '--json', '--threads', threads],
          {
            stdio: ['ignore', 'ignore', 'inherit'],
          },
        );
        const way = times.get(threads)!;
        way.ms.push(performance.now() - started);
        way.rssMb = Math.max(way.rssMb, Number(readFileSync(probe, 'utf8')) / 1024);
      }
    }
  } finally {
    rmSync(preload, { force: true });
    rmSync(probe, { force: true });
  }
  return times;
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
    ...measure(`generated, ${count} files`, dir, 3),
    ...measure('this repository', resolve(import.meta.dirname, '..'), 10),
  ];
  console.log('');
  console.log(
    `${'case'.padEnd(34)} ${'files'.padStart(6)} ${'audit files/s'.padStart(14)} ${'parse-only files/s'.padStart(19)} ${'audit / parse-only'.padStart(19)} ${'batched parse-only'.padStart(19)} ${'ratio'.padStart(6)} ${'peak RSS'.padStart(9)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.label.padEnd(34)} ${String(r.files).padStart(6)} ${String(r.audit).padStart(14)} ${String(r.parse).padStart(19)} ${`${(r.ratio * 100).toFixed(0)} %`.padStart(19)} ${String(r.batched).padStart(19)} ${`${(r.batchedRatio * 100).toFixed(0)} %`.padStart(6)} ${`${Math.round(r.peakRssMb)} MB`.padStart(9)}`,
    );
  }
  console.log(
    "\nTargets: ≥ 2,000 files/s, ≥ 50 % of parse-only, peak RSS < 500 MB for 10,000 files (peak RSS here is this process's maximum so far, over every row, workers included; the CLI rows below give each audit's own).",
  );
  console.log(
    `"parse-only" reads and parses each file in turn on one thread (the issue's baseline); "batched parse-only" reads 64 files, then parses them, as the audit reads its files. "auto (n)": automatic threads, at most n of them in the rounds (this machine: ${availableParallelism()} cores; automatic threads add a worker per 5,000 files on idle cores beyond two). Load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}.`,
  );

  const cli = resolve(import.meta.dirname, '../dist/cli.js');
  if (!existsSync(cli)) {
    console.log('\nThe built CLI: dist/cli.js is missing, run `npm run build` first.');
  } else {
    console.log(
      '\nThe built CLI, cold (a fresh `node dist/cli.js audit <dir> --json` per run, taking turns):',
    );
    for (const [label, root, files] of [
      [`generated, ${count} files`, dir, rows[0]!.files],
      ['this repository', resolve(import.meta.dirname, '..'), rows[3]!.files],
    ] as const) {
      const times = cliCold(cli, root, 3);
      for (const [threads, { ms, rssMb }] of times) {
        const best = Math.min(...ms);
        console.log(
          `  ${label.padEnd(24)} --threads ${threads.padEnd(5)} best ${String(Math.round(best)).padStart(5)} ms (${String(Math.round(files / (best / 1000))).padStart(5)} files/s), runs ${ms.map((m) => Math.round(m)).join(', ')} ms, peak RSS ${Math.round(rssMb)} MB`,
        );
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
