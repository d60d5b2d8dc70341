import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  isMainThread,
  MessageChannel,
  receiveMessageOnPort,
  Worker,
  workerData,
  type MessagePort,
} from 'node:worker_threads';
import { analyseFiles, BATCH_FILES, type FileResult } from './analyse.js';
import { languages as languagesOf, type LanguageSupport } from './languages/index.js';
import { loadedTypeScript, useTypeScript } from './languages/typescript/parser.js';

// The audit's files are analysed by the main thread and, on a machine with more cores, by worker
// threads. runAudit stays synchronous: files are claimed from a shared counter (Atomics), workers
// post their facts (structured clone) and the main thread takes them with receiveMessageOnPort.
// The main thread starts at once; a worker loads TypeScript (about a quarter of a second) and joins
// when it is ready, so the main thread never waits for a worker to start. A worker that fails, dies or hangs
// costs at most `stallMs`: the main thread analyses whatever it had claimed and not delivered.

/** Automatic threads use at most this many cores: each worker loads its own TypeScript (~50 MB). */
export const MAX_AUTO_THREADS = 4;
/** An explicit `threads` above this is taken as this. */
export const MAX_THREADS = 16;

/**
 * Automatic threads start a worker per this many files. A fresh worker loads TypeScript and warms
 * its own JIT: on the 2-core dev machine that cost 1.5–3 s of CPU per worker, as much as analysing
 * a few thousand files warm (docs/audit.md, Threads): below this, a worker costs more than it saves.
 */
export const FILES_PER_WORKER = 5_000;

/** With workers still owing files and silent this long, the main thread analyses those files itself. */
const DEFAULT_STALL_MS = 2_000;

/** `threads` as users give it: a number of threads (1 = the main thread alone), or automatic. */
export type Threads = number | 'auto';

/** @internal Tests only: make workers misbehave, and see who analysed what. */
export interface ParallelTuning {
  /** Block until the workers are ready (or failed) before analysing: small fixtures then use them. */
  readonly awaitWorkers?: boolean;
  /** false: the main thread claims no file, it only analyses what workers fail to deliver. */
  readonly mainClaims?: boolean;
  readonly stallMs?: number;
  /** What the first worker does wrong once it has analysed `afterFiles` files of a claimed batch. */
  readonly fault?: { readonly kind: WorkerFault; readonly afterFiles?: number };
  readonly onStats?: (stats: ParallelStats) => void;
  /** A bundle of this module for the workers to run (see workerModule). */
  readonly workerModule?: URL;
}

export type WorkerFault = 'throw-at-start' | 'throw' | 'exit' | 'hang';

export interface ParallelStats {
  /** Worker threads started. */
  readonly workers: number;
  /** Files whose results came from a worker. */
  readonly byWorkers: number;
  /** Files a worker had claimed but the main thread analysed (the worker failed, died or stalled). */
  readonly takenOver: number;
  /** Main-thread milliseconds spent taking workers' results, and waiting for them at the end. */
  readonly receiveMs: number;
  readonly waitMs: number;
}

export interface AnalyseSourcesInput {
  readonly root: string;
  readonly files: readonly string[];
  readonly maxBytes: number;
  readonly languages: readonly LanguageSupport[];
  readonly threads?: Threads;
  readonly readFile?: (path: string) => Buffer;
  readonly onProgress?: (done: number, total: number) => void;
  readonly tuning?: ParallelTuning;
}

const WORKER_KIND = 'eventproof-audit-worker';

// Int32 slots of the shared buffer.
const NEXT = 0; // the next unclaimed file
const STOP = 1; // 1: claim nothing more
const POSTED = 2; // bumped (and notified) by a worker after each message, when ready and when failing
const STATES = 3; // then one slot per worker: STARTING, READY or FAILED
const STARTING = 0;
const READY = 1;
const FAILED = 2;

interface WorkerInput {
  readonly kind: typeof WORKER_KIND;
  readonly id: number;
  readonly threads: number;
  readonly root: string;
  readonly files: readonly string[];
  readonly maxBytes: number;
  readonly typescript?: string;
  readonly shared: SharedArrayBuffer;
  /** Per file: 0, or the id + 1 of the worker that claimed it. */
  readonly owners: SharedArrayBuffer;
  readonly port: MessagePort;
  readonly fault?: ParallelTuning['fault'];
}

type Batch = readonly (readonly [index: number, result: FileResult])[];

/**
 * How many threads `threads` means for `files` files: 1 keeps the main thread alone. Automatic: a
 * worker per FILES_PER_WORKER files, at most MAX_AUTO_THREADS threads, and only on cores the load
 * leaves idle beyond the main thread's and one for V8's own background threads (compiling and
 * collecting garbage: a cold one-thread audit already keeps 0.4–0.55 of a second core busy). So on 2
 * cores the automatic audit stays on one thread: a worker there was measured slower.
 */
export function threadCount(threads: Threads | undefined, files: number, load = otherLoad()): number {
  if (threads !== undefined && threads !== 'auto')
    return Math.max(1, Math.min(MAX_THREADS, files, Math.floor(threads)));
  const idle = Math.round(availableParallelism() - load);
  return Math.max(1, Math.min(MAX_AUTO_THREADS, idle - 1, 1 + Math.floor(files / FILES_PER_WORKER)));
}

/**
 * The 1-minute load average without this process's own part: a process that has been auditing
 * for a minute (a benchmark, a watch mode) would otherwise see its own work as another's. The load
 * average follows a process's CPU use with a one-minute time constant.
 */
function otherLoad(): number {
  const uptime = process.uptime();
  const { user, system } = process.cpuUsage();
  const own = ((user + system) / 1e6 / Math.max(uptime, 1e-3)) * (1 - Math.exp(-uptime / 60));
  return Math.max(0, (loadavg()[0] ?? 0) - own);
}

/**
 * Claims the next files for one thread: smaller claims as the work runs out, so that no thread
 * ends long after the others (guided self-scheduling), and at most one read-ahead batch.
 */
function claim(shared: Int32Array, total: number, threads: number): [number, number] | undefined {
  if (Atomics.load(shared, STOP) !== 0) return undefined;
  const next = Atomics.load(shared, NEXT);
  if (next >= total) return undefined;
  const size = Math.max(1, Math.min(BATCH_FILES, Math.floor((total - next) / (2 * threads))));
  const start = Atomics.add(shared, NEXT, size);
  return start >= total ? undefined : [start, Math.min(total, start + size)];
}

/**
 * Reads and analyses `files` on `threads` threads and returns their results in the order of
 * `files`, the same as on one thread. Never throws for bad input, nor when a worker fails.
 */
export function analyseSources(input: AnalyseSourcesInput): FileResult[] {
  const { root, files, maxBytes, languages, tuning } = input;
  const total = files.length;
  const results: (FileResult | undefined)[] = new Array<FileResult | undefined>(total);
  let done = 0;
  let byWorkers = 0;
  let takenOver = 0;
  const take = (index: number, result: FileResult, fromWorker: boolean): void => {
    if (results[index] !== undefined) return;
    results[index] = result;
    if (fromWorker) byWorkers++;
    input.onProgress?.(++done, total);
  };
  const analyseOnMain = (from: number, to: number) =>
    analyseFiles(root, files, from, to, maxBytes, languages, (i, r) => take(i, r, false), input.readFile);

  // A custom readFile (tests simulate unreadable files with it) cannot cross to another thread.
  const threads = input.readFile ? 1 : threadCount(input.threads, total);
  const pool = threads > 1 && total > 0 ? startWorkers(input, threads) : undefined;
  try {
    for (const language of languages) language.load();
    if (!pool) {
      analyseOnMain(0, total);
    } else {
      if (tuning?.awaitWorkers) pool.awaitReady();
      const mainClaims = tuning?.mainClaims ?? true;
      for (
        let range = mainClaims && claim(pool.shared, total, threads);
        range;
        range = claim(pool.shared, total, threads)
      ) {
        analyseOnMain(range[0], range[1]);
        pool.drain(take);
      }
      // Nothing left to claim: only files that workers claimed and have not delivered yet remain.
      takenOver = pool.finish(results, take, (index) => analyseOnMain(index, index + 1));
    }
  } finally {
    pool?.stop();
  }
  tuning?.onStats?.({
    workers: pool?.workers.length ?? 0,
    byWorkers,
    takenOver,
    receiveMs: pool?.receiveMs ?? 0,
    waitMs: pool?.waitMs ?? 0,
  });
  return results as FileResult[];
}

interface Pool {
  readonly shared: Int32Array;
  readonly receiveMs: number;
  readonly waitMs: number;
  readonly workers: readonly Worker[];
  awaitReady(): void;
  drain(take: (index: number, result: FileResult, fromWorker: boolean) => void): void;
  /** Waits for the workers' claimed files, analysing on the main thread those of failed or silent workers. */
  finish(
    results: readonly (FileResult | undefined)[],
    take: (index: number, result: FileResult, fromWorker: boolean) => void,
    analyseOnMain: (index: number) => void,
  ): number;
  stop(): void;
}

function startWorkers(input: AnalyseSourcesInput, threads: number): Pool | undefined {
  const module = workerModule(input.tuning);
  if (!module) return undefined;
  const total = input.files.length;
  const shared = new Int32Array(new SharedArrayBuffer(4 * (STATES + threads - 1)));
  const ownersBuffer = new SharedArrayBuffer(total);
  const owners = new Uint8Array(ownersBuffer);
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  const typescript = loadedTypeScript();
  const stallMs = input.tuning?.stallMs ?? DEFAULT_STALL_MS;
  for (let id = 0; id < threads - 1; id++) {
    const { port1, port2 } = new MessageChannel();
    const data: WorkerInput = {
      kind: WORKER_KIND,
      id,
      threads,
      root: input.root,
      files: input.files,
      maxBytes: input.maxBytes,
      ...(typescript === undefined ? {} : { typescript }),
      shared: shared.buffer,
      owners: ownersBuffer,
      port: port2,
      ...(id === 0 && input.tuning?.fault ? { fault: input.tuning.fault } : {}),
    };
    try {
      const worker = new Worker(module, {
        workerData: data,
        transferList: [port2],
        // The worker needs none of the main process's flags (a loader, an inspector port…).
        execArgv: [],
        // The worker prints nothing; should a dependency do so, it stays out of the report on stdout.
        stdout: true,
        stderr: true,
      });
      // An unhandled 'error' event would end the process; a failure is seen through the shared state.
      worker.on('error', () => {});
      worker.unref();
      workers.push(worker);
      ports.push(port1);
    } catch {
      port1.close();
      break;
    }
  }
  if (workers.length === 0) return undefined;
  const failed = (id: number) => Atomics.load(shared, STATES + id) === FAILED;

  let receiveMs = 0;
  let waitMs = 0;
  const drain: Pool['drain'] = (take) => {
    const started = performance.now();
    for (const port of ports)
      for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port))
        for (const [index, result] of message.message as Batch) take(index, result, true);
    receiveMs += performance.now() - started;
  };

  return {
    shared,
    get receiveMs() {
      return receiveMs;
    },
    get waitMs() {
      return waitMs;
    },
    workers,
    awaitReady() {
      const deadline = performance.now() + 60_000;
      for (;;) {
        const seen = Atomics.load(shared, POSTED);
        if (workers.every((_, id) => Atomics.load(shared, STATES + id) !== STARTING)) return;
        const left = deadline - performance.now();
        if (left <= 0) return;
        Atomics.wait(shared, POSTED, seen, left);
      }
    },
    drain,
    finish(results, take, analyseOnMain) {
      let takenOver = 0;
      let missing: number[] = [];
      for (let i = 0; i < results.length; i++) if (results[i] === undefined) missing.push(i);
      let lastPosted = Atomics.load(shared, POSTED);
      let quietSince = performance.now();
      while (missing.length > 0) {
        const posted = Atomics.load(shared, POSTED);
        drain(take);
        missing = missing.filter((i) => results[i] === undefined);
        if (missing.length === 0) break;
        if (posted !== lastPosted) {
          lastPosted = posted;
          quietSince = performance.now();
        }
        const stalled = performance.now() - quietSince >= stallMs || workers.every((_, id) => failed(id));
        // A file owned by a failed worker, or any file once the workers have gone quiet: from the
        // last, while a live worker may still be working from the first of its claim.
        const orphan = stalled
          ? missing.at(-1)
          : missing.find((i) => owners[i] !== 0 && failed(owners[i]! - 1));
        if (orphan !== undefined) {
          analyseOnMain(orphan);
          takenOver++;
          continue;
        }
        const waiting = performance.now();
        Atomics.wait(shared, POSTED, posted, Math.max(1, stallMs - (waiting - quietSince)));
        waitMs += performance.now() - waiting;
      }
      return takenOver;
    },
    stop() {
      Atomics.store(shared, STOP, 1);
      for (const port of ports) port.close();
      for (const worker of workers) void worker.terminate();
    },
  };
}

/**
 * The module a worker runs: this one, as it ships (a chunk of the bundled CLI). Run from its
 * TypeScript source (the project's own tests), Node cannot load it in a worker (Node 20 applies no
 * loader hooks there): tests pass a bundle of it as `tuning.workerModule`, and without one the audit
 * stays on the main thread.
 */
function workerModule(tuning: ParallelTuning | undefined): URL | undefined {
  if (tuning?.workerModule) return tuning.workerModule;
  return import.meta.url.endsWith('.ts') ? undefined : new URL(import.meta.url);
}

// ---------------------------------------------------------------- the worker side

function runWorker(input: WorkerInput): void {
  const shared = new Int32Array(input.shared);
  const owners = new Uint8Array(input.owners);
  const signal = (state?: number) => {
    if (state !== undefined) Atomics.store(shared, STATES + input.id, state);
    Atomics.add(shared, POSTED, 1);
    Atomics.notify(shared, POSTED);
  };
  // Whatever ends this thread early (an exception, process.exit) tells the main thread at once.
  let finished = false;
  process.once('exit', () => {
    if (!finished) signal(FAILED);
  });
  try {
    const fault = input.fault;
    if (fault?.kind === 'throw-at-start') throw new Error('eventproof audit worker: fault injected at start');
    if (input.typescript !== undefined) useTypeScript(input.typescript);
    const languages = languagesOf(input.root);
    for (const language of languages) language.load();
    signal(READY);
    let analysed = 0;
    const total = input.files.length;
    for (
      let range = claim(shared, total, input.threads);
      range;
      range = claim(shared, total, input.threads)
    ) {
      owners.fill(input.id + 1, range[0], range[1]);
      const batch: (readonly [number, FileResult])[] = [];
      analyseFiles(
        input.root,
        input.files,
        range[0],
        range[1],
        input.maxBytes,
        languages,
        (index, result) => {
          batch.push([index, result]);
          if (fault && ++analysed === (fault.afterFiles ?? 1)) injectFault(fault.kind);
        },
      );
      input.port.postMessage(batch);
      signal();
    }
    finished = true;
  } catch {
    signal(FAILED);
  }
}

function injectFault(kind: WorkerFault): void {
  if (kind === 'throw') throw new Error('eventproof audit worker: fault injected');
  if (kind === 'exit') process.exit(1);
  if (kind === 'hang') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
}

const input = workerData as Partial<WorkerInput> | null | undefined;
if (!isMainThread && input?.kind === WORKER_KIND) runWorker(input as WorkerInput);
