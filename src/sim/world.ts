import { failure, InvalidArgumentError } from '../errors.js';
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
    this.seed = options.seed ?? randomSeed();
    this.random = SeededRandom.fromSeed(this.seed);
    this.decisions = new DecisionLog(this.random, { replay: options.replay, chooser: options.chooser });
    this.trace = new Trace(options.trace ?? true);
    this.faults = new Faults(this.decisions);
    for (const spec of options.faults ?? []) this.faults.add(spec);
    this.clock = options.startMs ?? 0;
  }

  now(): number {
    return this.clock;
  }

  /** Runs `run` after `delayMs` of virtual time. */
  schedule(delayMs: number, label: string, run: () => unknown): Task {
    if (!(delayMs >= 0)) {
      throw new InvalidArgumentError(
        failure(
          `schedule ${label}`,
          `the delay must be 0 or more ms, got ${String(delayMs)}`,
          'Pass a non-negative delay',
        ),
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
    return this.run({ untilMs: this.clock + ms });
  }

  /** Runs until nothing is left to do (or `maxSteps` tasks ran: a run that never quiesces). */
  runUntilIdle(options: { maxSteps?: number } = {}): Promise<RunResult> {
    return this.run({ maxSteps: options.maxSteps });
  }

  /** Runs tasks in (time, sequence) order until `untilMs`, idleness or `maxSteps`. */
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
    this.running = true;
    const uninstall = installVirtualGlobals((this.#time ??= this.virtualTime()));
    const maxSteps = options.maxSteps ?? Number.POSITIVE_INFINITY;
    const until = options.untilMs ?? Number.POSITIVE_INFINITY;
    let ran = 0;
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
        if (next.time > until || ran >= maxSteps) break;
        this.scheduler.pop();
        this.clock = Math.max(this.clock, next.time);
        this.steps++;
        ran++;
        next.run();
        // flush() does nothing with nothing in flight but its await: the same one microtask turn,
        // taken here without the call.
        if (this.inFlight.size === 0) await RESOLVED;
        else await this.flush(false);
        for (const hook of this.stepHooks) hook(next);
      }
      if (Number.isFinite(until) && this.clock < until) this.clock = until;
    } finally {
      uninstall(this.ledger.count() >= LARGE_WORLD_MESSAGES);
      this.running = false;
    }
    const idle = this.scheduler.peek() === undefined;
    return { now: this.clock, steps: ran, idle, stuck: idle ? [...this.inFlight.values()] : [] };
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
        return this.random.nextFloat();
      },
    };
  }

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

/** Creates a deterministic simulation world. */
export function createSimulation(options: SimulationOptions = {}): Simulation {
  return new Simulation(options);
}
