import { EventproofError, failure, InvalidArgumentError } from '../errors.js';
import { DecisionLog, type Chooser, type Decision } from './decisions.js';
import { Faults, type FaultSpec } from './faults.js';
import { Ledger } from './ledger.js';
import { randomSeed, SeededRandom } from './random.js';
import { Scheduler, type Task } from './scheduler.js';
import { Trace } from './trace.js';
import { installVirtualGlobals, realTimers, type VirtualTime } from './virtual-globals.js';

/**
 * Messages from which a world counts as large: after its run, the virtual globals hold it weakly so
 * that it can be collected as soon as its test lets go of it (see virtual-globals.ts).
 */
const LARGE_WORLD_MESSAGES = 10_000;

export interface SimulationOptions {
  /** Seed of the run; a failure prints it. Default: random. */
  readonly seed?: number;
  /** Replay a recorded decision list exactly; a different decision is an error. */
  readonly replay?: readonly Decision[];
  /** Let an explorer make the choices instead of the PRNG. */
  readonly chooser?: Chooser;
  readonly faults?: readonly FaultSpec[];
  /** Keep the structured trace (default true; benchmarks turn it off). */
  readonly trace?: boolean;
  /** Virtual time at the start, in ms since the epoch. Default 0. */
  readonly startMs?: number;
  /**
   * Steps a run given no `maxSteps` may take before it throws a {@link RunawayError} instead of
   * running forever. Default {@link DEFAULT_MAX_STEPS}.
   */
  readonly stepLimit?: number;
}

/**
 * Steps a run may take when no `maxSteps` is given before it stops with a {@link RunawayError}: a
 * world that keeps scheduling work (a `setInterval`, a handler polling in a loop, a message bouncing
 * between queues forever) must fail, not hang. The largest benchmark worlds take a few thousand.
 */
export const DEFAULT_MAX_STEPS = 10_000_000;

/**
 * A run that did not quiesce within its step budget and was given none: something keeps scheduling
 * work. Carries what was still scheduled and which handlers were still running.
 *
 * @example
 * ```ts
 * await expect(sim.runUntilIdle()).rejects.toThrow(RunawayError);
 * ```
 */
export class RunawayError extends EventproofError {
  constructor(
    message: string,
    /** Steps the run took before it stopped. */
    readonly steps: number,
    /** Labels of the tasks still scheduled, most frequent first, with how many of each. */
    readonly pending: readonly { readonly label: string; readonly count: number }[],
    /** Handlers that had started and not settled when the run stopped. */
    readonly inFlight: readonly InFlight[],
  ) {
    super('SIM_RUNAWAY', message);
  }
}

/** Work that started (a handler's promise) and has not settled; stuck when the world is idle. */
export interface InFlight {
  readonly label: string;
  readonly since: number;
}

export interface RunResult {
  /** Virtual time when the run stopped. */
  readonly now: number;
  readonly steps: number;
  /** True when no task is left to run. */
  readonly idle: boolean;
  /** Handlers that never settled although nothing else could happen: stuck in virtual time. */
  readonly stuck: readonly InFlight[];
}

/**
 * A deterministic world: one seeded PRNG, a virtual clock, an event queue ordered by (time,
 * sequence), async handlers awaited by the scheduler, and every nondeterministic choice recorded.
 * Broker models (`simKafka`, `simRabbitMq`, `simSqs`) live in it.
 *
 * @example
 * ```ts
 * const sim = createSimulation({ seed: 42 });
 * const kafka = simKafka(sim);
 * // … publish, subscribe …
 * await sim.runUntilIdle();
 * console.log(sim.trace.render());
 * ```
 */
export class Simulation {
  readonly seed: number;
  readonly random: SeededRandom;
  readonly decisions: DecisionLog;
  readonly trace: Trace;
  readonly ledger = new Ledger();
  readonly faults: Faults;
  /** Uses of ambient nondeterminism seen during runs (made deterministic, but worth knowing). */
  readonly leaks = { mathRandom: 0 };
  private readonly scheduler = new Scheduler();
  private readonly inFlight = new Map<Promise<unknown>, InFlight>();
  private clock: number;
  private steps = 0;
  private running = false;
  private readonly stepHooks: ((task: Task) => void)[] = [];

  constructor(options: SimulationOptions = {}) {
    checkOptions(options);
    this.seed = options.seed ?? randomSeed();
    this.random = SeededRandom.fromSeed(this.seed);
    this.decisions = new DecisionLog(this.random, { replay: options.replay, chooser: options.chooser });
    this.trace = new Trace(options.trace ?? true);
    this.faults = new Faults(this.decisions);
    for (const spec of options.faults ?? []) this.faults.add(spec);
    this.clock = options.startMs ?? 0;
    const limit = options.stepLimit ?? DEFAULT_MAX_STEPS;
    if (!(Number.isInteger(limit) && limit > 0)) {
      throw new InvalidArgumentError(
        failure(
          'create the simulation',
          `stepLimit must be a positive integer, got ${String(limit)}`,
          'Leave it out for the default (10,000,000 steps), or pass a whole number above 0',
        ),
      );
    }
    this.stepLimit = limit;
  }

  private readonly stepLimit: number;

  now(): number {
    return this.clock;
  }

  /**
   * Runs `run` after `delayMs` of virtual time. A `run` that returns a promise is awaited like a
   * handler's; if it rejects, the run that is going fails with its error, as a synchronous throw does.
   */
  schedule(delayMs: number, label: string, run: () => unknown): Task {
    if (!(delayMs >= 0 && delayMs < Number.POSITIVE_INFINITY)) {
      throw new InvalidArgumentError(
        failure(
          `schedule ${label}`,
          `the delay must be a finite number of ms, 0 or more, got ${String(delayMs)}`,
          'Pass a non-negative delay',
        ),
      );
    }
    if (typeof run !== 'function') {
      throw new InvalidArgumentError(
        failure(`schedule ${label}`, `the task must be a function, got ${typeof run}`, 'Pass () => …'),
      );
    }
    return this.scheduler.push(this.clock + delayMs, label, run);
  }

  /**
   * @internal A place in the order of tasks, for a task that may be scheduled later, in the same
   * synchronous stretch, with `scheduleReserved`: it then runs where it would have, had it been
   * scheduled now. A model uses it for a task it would often schedule and cancel at once.
   */
  reserve(): number {
    return this.scheduler.reserve();
  }

  /** @internal Schedules at `time` (not before now) a task in the place `reserve` gave it. */
  scheduleReserved(seq: number, time: number, label: string, run: () => unknown): Task {
    return this.scheduler.push(time, label, run, seq);
  }

  cancel(task: Task): void {
    task.cancelled = true;
  }

  /** Registers a handler's promise so the scheduler waits for it and reports it if it never settles. */
  track<T>(promise: Promise<T>, label: string): Promise<T> {
    this.inFlight.set(promise, { label, since: this.clock });
    // Inline arrows: a named closure per tracked promise costs more where names are kept (tsx).
    promise.then(
      () => void this.inFlight.delete(promise),
      () => void this.inFlight.delete(promise),
    );
    return promise;
  }

  /**
   * @internal True when a task scheduled now at delay 0 would be the very next step, with nothing
   * in between: no task is due by now (one due at this time was scheduled earlier and runs first),
   * no tracked promise is in flight (its continuations run between steps) and no step hook watches
   * (the explorer checks invariants after each step). A model may then go on with that work in the
   * step it is in, which is what the step would have done.
   */
  nextStepIsOurs(): boolean {
    if (this.inFlight.size !== 0 || this.stepHooks.length !== 0) return false;
    const next = this.scheduler.peek();
    return next === undefined || next.time > this.clock;
  }

  /** Calls `hook` after every step (a task and the promise continuations it caused). Returns an unsubscribe. */
  onStep(hook: (task: Task) => void): () => void {
    this.stepHooks.push(hook);
    return () => {
      const i = this.stepHooks.indexOf(hook);
      if (i >= 0) this.stepHooks.splice(i, 1);
    };
  }

  /** Moves virtual time forward by `ms`, running everything due on the way. */
  advance(ms: number): Promise<RunResult> {
    if (!(typeof ms === 'number' && ms >= 0 && ms < Number.POSITIVE_INFINITY))
      return Promise.reject(
        new InvalidArgumentError(
          failure(
            'advance the simulation',
            `ms must be a finite number, 0 or more, got ${JSON.stringify(ms) ?? String(ms)}`,
            'Pass how much virtual time to run, e.g. advance(1_000); runUntilIdle() runs until nothing is left',
          ),
        ),
      );
    return this.run({ untilMs: this.clock + ms });
  }

  /**
   * Runs until nothing is left to do. With `maxSteps`, stops after that many tasks and returns
   * (`idle: false`); without it, a run that has not quiesced after the world's `stepLimit` (default
   * {@link DEFAULT_MAX_STEPS}) throws a {@link RunawayError} naming what keeps it going.
   */
  runUntilIdle(options: { maxSteps?: number } = {}): Promise<RunResult> {
    return this.run({ maxSteps: options.maxSteps });
  }

  /**
   * Runs tasks in (time, sequence) order until `untilMs`, idleness or `maxSteps`. Before the clock
   * moves on, handlers still running get to finish whatever they do without waiting on virtual time
   * (however many awaits it takes): time passes only when nothing can happen sooner.
   */
  async run(options: { untilMs?: number; maxSteps?: number } = {}): Promise<RunResult> {
    if (this.running) {
      throw new InvalidArgumentError(
        failure(
          'run the simulation',
          'it is already running',
          'Await the running call before starting another',
        ),
      );
    }
    const { untilMs, maxSteps: given } = options;
    if (untilMs !== undefined && !(typeof untilMs === 'number' && !Number.isNaN(untilMs)))
      throw runArgument('untilMs', untilMs, 'a virtual time in ms, e.g. sim.now() + 1_000');
    if (given !== undefined && !(Number.isInteger(given) && given >= 0))
      throw runArgument('maxSteps', given, 'a whole number of steps, 0 or more');
    this.running = true;
    const uninstall = installVirtualGlobals((this.#time ??= this.virtualTime()));
    const bounded = options.maxSteps !== undefined;
    const maxSteps = options.maxSteps ?? this.stepLimit;
    const until = options.untilMs ?? Number.POSITIVE_INFINITY;
    let ran = 0;
    // Whether in-flight handlers had their macrotask turn since the last step (see below).
    let settled = false;
    try {
      await this.flush(true);
      for (;;) {
        const next = this.scheduler.peek();
        if (!next) {
          // Nothing scheduled: let in-flight handlers run to their next virtual wait, then look again.
          if (this.inFlight.size > 0) {
            await this.flush(true);
            if (this.scheduler.peek()) continue;
          }
          break;
        }
        // The clock is about to move while handlers are still running: a chain of awaits longer than
        // flush()'s microtask turns must not see time pass under it (a visibility timeout expiring,
        // an unrelated timer firing in the middle). One macrotask turn runs every continuation that
        // does not wait on virtual time; then look again, as they may have scheduled something sooner.
        if (!settled && this.inFlight.size > 0 && next.time > this.clock) {
          settled = true;
          await new Promise<void>((resolve) => realTimers.setImmediate(resolve));
          continue;
        }
        if (next.time > until) break;
        if (ran >= maxSteps) {
          if (bounded) break;
          throw this.runaway(ran);
        }
        settled = false;
        this.scheduler.pop();
        this.clock = Math.max(this.clock, next.time);
        this.steps++;
        ran++;
        const result = next.run();
        // A task that returns a promise is tracked like a handler's; a rejection fails the run.
        if (result instanceof Promise && !this.inFlight.has(result)) this.trackTask(result, next.label);
        if (this.#taskFailure !== undefined) this.throwTaskFailure();
        // flush() does nothing with nothing in flight but its await: the same one microtask turn,
        // taken here without the call.
        if (this.inFlight.size === 0) await RESOLVED;
        else await this.flush(false);
        if (this.#taskFailure !== undefined) this.throwTaskFailure();
        for (const hook of this.stepHooks) hook(next);
      }
      if (this.#taskFailure !== undefined) this.throwTaskFailure();
      if (Number.isFinite(until) && this.clock < until) this.clock = until;
    } finally {
      uninstall(this.ledger.count() >= LARGE_WORLD_MESSAGES);
      this.running = false;
    }
    const idle = this.scheduler.peek() === undefined;
    return { now: this.clock, steps: ran, idle, stuck: idle ? [...this.inFlight.values()] : [] };
  }

  /** The first rejection of a scheduled task's promise, thrown by the run at its next step. */
  #taskFailure: { readonly error: unknown } | undefined;

  private trackTask(promise: Promise<unknown>, label: string): void {
    void this.track(
      promise.catch((error: unknown) => {
        this.#taskFailure ??= { error };
      }),
      label,
    );
  }

  private throwTaskFailure(): never {
    const { error } = this.#taskFailure!;
    this.#taskFailure = undefined;
    throw error;
  }

  private runaway(steps: number): RunawayError {
    const counts = new Map<string, number>();
    for (const task of this.scheduler.pending()) counts.set(task.label, (counts.get(task.label) ?? 0) + 1);
    const pending = [...counts]
      .map(([label, count]) => ({ label, count }))
      .sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : 1));
    const inFlight = [...this.inFlight.values()];
    const named = pending
      .slice(0, 3)
      .map((p) => `'${p.label}'${p.count > 1 ? ` ×${p.count}` : ''}`)
      .join(', ');
    return new RunawayError(
      failure(
        'run the simulation until idle',
        `it was still busy after ${steps.toLocaleString('en-US')} steps, at virtual time ${this.clock} ms; still scheduled: ${named}${inFlight.length > 0 ? `; ${inFlight.length} handler(s) still running, the oldest '${inFlight[0]!.label}' since ${inFlight[0]!.since} ms` : ''}`,
        'Something keeps scheduling work (a setInterval, a handler that polls or retries forever, a message cycling between queues). Stop it, run to a time with run({ untilMs }) or advance(ms), or pass maxSteps to bound the run and inspect the result',
      ),
      steps,
      pending,
      inFlight,
    );
  }

  /**
   * Lets promise continuations run without time passing. Microtask turns are cheap and cover the
   * common async handler; a full macrotask turn is taken only when new work started in this step
   * or the world is otherwise idle.
   */
  private async flush(full: boolean): Promise<void> {
    if (this.inFlight.size === 0) return;
    // Promise continuations are microtasks, run in a deterministic order: yielding to them is cheap
    // and enough for handlers that only await each other or virtual timers.
    for (let i = 0; i < 32 && this.inFlight.size > 0; i++) await RESOLVED;
    // Only when nothing else can happen, one macrotask turn: work still pending after it is stuck.
    if (full && this.inFlight.size > 0) {
      await new Promise<void>((resolve) => realTimers.setImmediate(resolve));
    }
  }

  /**
   * What the virtual globals read while this world runs, made at its first run and kept: after the
   * run they follow it while this world is alive (a large world weakly, a small one until the next
   * run), so it must live exactly as long as the world.
   */
  #time: VirtualTime | undefined;

  private virtualTime(): VirtualTime {
    return {
      now: () => this.clock,
      setTimer: (delay, callback, repeat) => this.setTimer(delay, callback, repeat),
      clearTimer: (id) => this.clearTimer(id),
      random: () => {
        this.leaks.mathRandom++;
        return (this.#ambient ??= new SeededRandom((this.seed ^ AMBIENT_STREAM) | 0)).nextFloat();
      },
    };
  }

  /**
   * `Math.random` inside the world: seeded from the world's seed but a stream of its own, apart from
   * the decisions' generator. A replay takes recorded decisions instead of drawing them, so code that
   * shared their generator saw other numbers in the replay than in the run it replays.
   */
  #ambient: SeededRandom | undefined;

  private readonly timers = new Map<number, Task>();
  private nextTimer = 1;

  private setTimer(delayMs: number, callback: () => void, repeat: boolean): number {
    const id = this.nextTimer++;
    const fire = () => {
      if (repeat) this.timers.set(id, this.schedule(Math.max(1, delayMs), 'timer', fire));
      else this.timers.delete(id);
      callback();
    };
    this.timers.set(id, this.schedule(delayMs, 'timer', fire));
    return id;
  }

  private clearTimer(id: number): void {
    const task = this.timers.get(id);
    if (task) this.cancel(task);
    this.timers.delete(id);
  }
}

const RESOLVED: Promise<void> = Promise.resolve();

const runArgument = (name: string, value: unknown, hint: string): InvalidArgumentError =>
  new InvalidArgumentError(
    failure('run the simulation', `${name} must be ${hint}, got ${JSON.stringify(value) ?? String(value)}`),
  );

/** The options `createSimulation` knows, to catch a misspelt one (`sead`) that would be ignored. */
const OPTION_NAMES = ['seed', 'replay', 'chooser', 'faults', 'trace', 'startMs', 'stepLimit'];

/** Refuses options that would be ignored or misread: a misspelt name, a seed or start time that is not a number. */
function checkOptions(options: SimulationOptions): void {
  const bad = (reason: string, hint: string) =>
    new InvalidArgumentError(failure('create the simulation', reason, hint));
  if (options === null || typeof options !== 'object')
    throw bad(`options must be an object, got ${String(options)}`, 'Pass e.g. { seed: 42 }, or nothing');
  const unknown = Object.keys(options).filter((key) => !OPTION_NAMES.includes(key));
  if (unknown.length > 0)
    throw bad(
      `unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}`,
      `Use ${OPTION_NAMES.join(', ')}`,
    );
  const { seed, startMs, faults } = options;
  // Seeds are taken as 32-bit words: -1 and 4294967295 are the same seed.
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= -0x80000000 && seed <= 0xffffffff))
    throw bad(
      `seed must be a whole number from -2147483648 to 4294967295, got ${JSON.stringify(seed) ?? String(seed)}`,
      'Use e.g. { seed: 42 }; a failure report prints the seed to use',
    );
  if (startMs !== undefined && !(typeof startMs === 'number' && Number.isFinite(startMs)))
    throw bad(
      `startMs must be a finite number of ms since the epoch, got ${JSON.stringify(startMs) ?? String(startMs)}`,
      'Use e.g. { startMs: Date.UTC(2026, 0, 1) }',
    );
  if (faults !== undefined && !Array.isArray(faults))
    throw bad(
      'faults must be an array of fault specs',
      'Use e.g. { faults: [{ kind: "duplicate", probability: 0.1 }] }',
    );
}
/** Mixed into the seed for `Math.random`'s stream, so that it is not the decisions' stream. */
const AMBIENT_STREAM = 0x6d2b79f5;

/** Creates a deterministic simulation world. */
export function createSimulation(options: SimulationOptions = {}): Simulation {
  return new Simulation(options);
}
