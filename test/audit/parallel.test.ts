import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditOptions } from '../../src/audit/audit.js';
import type { AuditReport } from '../../src/audit/model.js';
import {
  threadCount,
  type ParallelStats,
  type ParallelTuning,
  type WorkerFault,
} from '../../src/audit/parallel.js';

const run = promisify(execFile);
const repository = resolve(import.meta.dirname, '../..');
const fixtures = resolve(import.meta.dirname, '../fixtures/audit');
const cache = resolve(repository, 'node_modules/.cache/eventproof-test');
const cli = resolve(repository, 'dist/cli.js');

// Node 20 cannot run this TypeScript source in a worker thread: the workers run a bundle of
// src/audit/parallel.ts (as they run its chunk of dist/cli.js), the main thread runs the source.
let workerModule: URL;
// The whole audit bundled, to run in a child process as the CLI does (its workers run that file).
let auditBundle: string;

beforeAll(() => {
  mkdirSync(cache, { recursive: true });
  const bundle = (entry: string, name: string) => {
    const outfile = join(cache, name);
    buildSync({
      entryPoints: [resolve(repository, entry)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      external: ['typescript'],
      logLevel: 'silent',
    });
    return outfile;
  };
  workerModule = pathToFileURL(bundle('src/audit/parallel.ts', 'audit-worker.mjs'));
  auditBundle = bundle('src/audit/audit.ts', 'audit.mjs');
});

/** The report as JSON, without the time it took. */
function audit(root: string, options: AuditOptions = {}): string {
  const report: AuditReport = runAudit(root, { now: () => new Date(0), ...options });
  return JSON.stringify({ ...report, summary: { ...report.summary, elapsedMs: 0 } }, null, 2);
}

function withWorkers(tuning: ParallelTuning = {}): { options: AuditOptions; stats: () => ParallelStats } {
  let stats: ParallelStats | undefined;
  return {
    options: {
      threads: 2,
      parallel: { workerModule, awaitWorkers: true, ...tuning, onStats: (s) => (stats = s) },
    },
    stats: () => {
      if (!stats) throw new Error('the audit reported no statistics');
      return stats;
    },
  };
}

const names = ['shop', 'asyncapi-v2', 'asyncapi-v3', 'eventcatalog', 'no-events'];

describe('the audit on two threads', () => {
  const single = new Map<string, string>();
  const total = new Map<string, number>();
  beforeAll(() => {
    for (const name of [...names, 'this repository']) {
      const root = name === 'this repository' ? repository : join(fixtures, name);
      const text = audit(root, { threads: 1 });
      single.set(name, text);
      total.set(name, (JSON.parse(text) as AuditReport).summary.files.scanned);
    }
  });

  it.each(names)('gives the same report for %s when a worker analyses every file', (name) => {
    const { options, stats } = withWorkers({ mainClaims: false });
    expect(audit(join(fixtures, name), options)).toBe(single.get(name));
    // No more threads than files: a fixture of one source file (or none: only an AsyncAPI
    // document) stays on the main thread.
    const files = total.get(name)!;
    expect(stats()).toMatchObject(
      files > 1 ? { workers: 1, byWorkers: files, takenOver: 0 } : { workers: 0, byWorkers: 0, takenOver: 0 },
    );
  });

  it('gives the same report for this repository when both threads share the files', () => {
    const { options, stats } = withWorkers();
    expect(audit(repository, options)).toBe(single.get('this repository'));
    expect(stats().byWorkers).toBeGreaterThan(0);
    expect(stats().byWorkers).toBeLessThan(total.get('this repository')!);
  });

  it('counts every file once in the progress callbacks', () => {
    const calls: [number, number][] = [];
    const { options, stats } = withWorkers();
    runAudit(repository, { ...options, onProgress: (done, of) => calls.push([done, of]) });
    const files = total.get('this repository')!;
    expect(stats().byWorkers).toBeGreaterThan(0);
    expect(calls).toEqual(Array.from({ length: files }, (_, i) => [i + 1, files]));
  });

  it.each<[WorkerFault, number]>([
    ['throw-at-start', 0],
    ['throw', 3],
    ['exit', 3],
    ['hang', 3],
  ])('completes the report on the main thread when the worker fails (%s)', (kind, afterFiles) => {
    const { options, stats } = withWorkers({ mainClaims: false, stallMs: 200, fault: { kind, afterFiles } });
    expect(audit(join(fixtures, 'shop'), options)).toBe(single.get('shop'));
    // What the worker did not deliver, the main thread analysed (it claims nothing itself here).
    const { workers, byWorkers, takenOver } = stats();
    expect(workers).toBe(1);
    expect(byWorkers + takenOver).toBe(total.get('shop'));
    expect(byWorkers).toBeLessThan(afterFiles || 1);
  });

  it('stays on the main thread with a custom readFile, which cannot cross to a worker', () => {
    const { options, stats } = withWorkers();
    runAudit(join(fixtures, 'shop'), { ...options, readFile: (path) => Buffer.from(`// ${path}\n`) });
    expect(stats()).toMatchObject({ workers: 0, byWorkers: 0, takenOver: 0 });
  });
});

describe('automatic threads', () => {
  it('add a worker per 5,000 files on idle cores beyond the main thread and one for V8', () => {
    const cores = availableParallelism();
    // On an idle machine: up to cores - 1 threads, at most 4, one more per 5,000 files.
    expect(threadCount('auto', 10_000, 0)).toBe(Math.max(1, Math.min(4, cores - 1, 3)));
    expect(threadCount(undefined, 5_000, 0)).toBe(Math.max(1, Math.min(4, cores - 1, 2)));
    expect(threadCount('auto', 4_999, 0)).toBe(1);
    // Busy cores are not idle: with two left, one is the main thread's and one V8's.
    expect(threadCount('auto', 100_000, cores - 2)).toBe(1);
    expect(threadCount('auto', 100_000, cores)).toBe(1);
  });

  it('are as many as asked when given, but no more than files', () => {
    expect(threadCount(3, 10_000, 100)).toBe(3);
    expect(threadCount(8, 2, 0)).toBe(2);
    expect(threadCount(1, 10_000, 0)).toBe(1);
  });

  it('start no worker for a small repository', () => {
    let stats: ParallelStats | undefined;
    runAudit(join(fixtures, 'shop'), { parallel: { workerModule, onStats: (s) => (stats = s) } });
    expect(stats?.workers).toBe(0);
  });
});

describe('the process', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'eventproof-parallel-'));
    mkdirSync(join(dir, 'src'));
    for (let i = 0; i < 40; i++)
      writeFileSync(join(dir, 'src', `f${i}.ts`), `export const TOPIC_${i} = 'orders-${i}';\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits after an audit that started a worker, without waiting for it', async () => {
    // The bundled audit, as the CLI runs it: its workers run the same file.
    const script = `import { runAudit } from ${JSON.stringify(pathToFileURL(auditBundle).href)};
      let stats;
      const report = runAudit(${JSON.stringify(dir)}, { threads: 2, parallel: { awaitWorkers: true, onStats: (s) => (stats = s) } });
      console.log(JSON.stringify({ files: report.summary.files.scanned, stats }));`;
    const started = Date.now();
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 20_000,
    });
    expect(JSON.parse(stdout)).toMatchObject({ files: 40, stats: { workers: 1, takenOver: 0 } });
    expect((JSON.parse(stdout) as { stats: ParallelStats }).stats.byWorkers).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);
});

describe('eventproof audit --threads (the built CLI)', () => {
  beforeAll(() => {
    if (!existsSync(cli))
      throw new Error(`${cli} is missing: run \`npm test\` (it builds first) or \`npm run build\`.`);
  });
  const eventproof = async (...args: string[]) => {
    try {
      return { code: 0, ...(await run(process.execPath, [cli, ...args])) };
    } catch (error) {
      return error as { code: number; stdout: string; stderr: string };
    }
  };
  const withoutTime = (json: string) => json.replace(/"(elapsedMs|generatedAt)": [^,\n]*/g, '"$1": 0');

  it('prints the same JSON report on one thread and on two', async () => {
    const one = await eventproof('audit', repository, '--json', '--threads', '1');
    const two = await eventproof('audit', repository, '--json', '--threads', '2');
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(withoutTime(two.stdout)).toBe(withoutTime(one.stdout));
  }, 60_000);

  it('rejects a number of threads that is not a whole number of at least 1', async () => {
    const { code, stderr } = await eventproof('audit', repository, '--threads', '0');
    expect(code).toBe(2);
    expect(stderr).toContain("--threads must be a whole number of at least 1, or auto, not '0'");
  });
});
