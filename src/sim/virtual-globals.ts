import { EventproofError, failure } from '../errors.js';

/** What code inside a simulation sees as time: the simulation's clock and scheduler. */
export interface VirtualTime {
  now(): number;
  /** Schedules a virtual timer; its id stays valid across runs of the same simulation. */
  setTimer(delayMs: number, callback: () => void, repeat: boolean): number;
  clearTimer(id: number): void;
  /** Replaces Math.random: seeded, so a run stays reproducible. */
  random(): number;
}

const real = {
  Date: globalThis.Date,
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval,
  clearInterval: globalThis.clearInterval,
  setImmediate: globalThis.setImmediate,
  performanceNow: performance.now.bind(performance),
  mathRandom: Math.random,
};

/** The real timers, for the simulator's own use while virtual ones are installed. */
export const realTimers = real;

let installed: VirtualTime | undefined;
/**
 * After a run, the time of the simulation that ran last: a virtual timer or `Date` that code kept
 * from inside a run follows the simulation installed last (not the one it was taken in) for as long
 * as that simulation is alive. A large world is held weakly (`lastLarge`): held strongly, the last
 * one stayed alive after its test was done with it — in a benchmark, a million records and 340 MB
 * that every later collection had to go through. A small one is held strongly (`lastSmall`), until
 * the next run: a weak reference keeps its target until the end of the job that made it, and the
 * explorer runs thousands of worlds within one job, so a WeakRef per run kept all of them alive
 * and halved its speed.
 */
let lastSmall: VirtualTime | undefined;
let lastLarge: WeakRef<VirtualTime> | undefined;
/** The clock of the simulation that ran last, as its run ended. */
let lastClock = 0;
/**
 * The time of a simulation that is gone: its clock stands where its last run left it, and a timer
 * set now can never fire, since nothing can run that world again.
 */
const gone: VirtualTime = {
  now: () => lastClock,
  setTimer: () => 0,
  clearTimer: () => {},
  random: () => real.mathRandom(),
};
const timeNow = (): VirtualTime => installed ?? lastSmall ?? lastLarge?.deref() ?? gone;

// Made once, not per run: a class and its closures per run cost a kilobyte and a microsecond in the
// explorer, which runs a world per schedule.
const RealDate = real.Date;
/**
 * `Date` as code inside a run sees it: `new Date()` and `Date.now()` read the virtual clock, and
 * `Date()` called as a function gives that moment as a string, as the real one does. A function
 * rather than a class, since a class cannot be called without `new`; the dates it makes are
 * ordinary `Date` objects (its prototype is the real one), so they compare, print and serialize
 * as usual, and `instanceof Date` holds inside and outside the run.
 */
const VirtualDate = function Date(this: unknown, ...args: unknown[]): unknown {
  if (new.target === undefined) return new RealDate(timeNow().now()).toString();
  return Reflect.construct(RealDate, args.length === 0 ? [timeNow().now()] : args, new.target);
} as unknown as DateConstructor;
Object.setPrototypeOf(VirtualDate, RealDate); // Date.UTC, Date.parse
Object.defineProperty(VirtualDate, 'prototype', { value: RealDate.prototype });
Object.defineProperty(VirtualDate, 'length', { value: 7 });
Object.defineProperty(VirtualDate, 'now', {
  value: function now(): number {
    return timeNow().now();
  },
  writable: true,
  configurable: true,
});

/**
 * What `setTimeout`/`setInterval` return inside a run: like Node's `Timeout`, an object with
 * `ref`/`unref`/`hasRef`/`refresh`/`close` that turns into its id as a number (`+timer`), so code
 * written for Node (`setTimeout(…).unref()`) runs unchanged. `ref` and `unref` change nothing: a
 * virtual timer never holds the process open.
 */
class VirtualTimeout {
  #refed = true;
  constructor(
    /** The virtual timer's id; a new one after `refresh()`. */
    public id: number,
    private readonly delayMs: number,
    private readonly callback: () => void,
    private readonly repeat: boolean,
  ) {}
  ref(): this {
    this.#refed = true;
    return this;
  }
  unref(): this {
    this.#refed = false;
    return this;
  }
  hasRef(): boolean {
    return this.#refed;
  }
  /** Starts the delay over from now; a timer that already fired is set again, as in Node. */
  refresh(): this {
    const time = timeNow();
    time.clearTimer(this.id);
    this.id = time.setTimer(this.delayMs, this.callback, this.repeat);
    return this;
  }
  close(): this {
    timeNow().clearTimer(this.id);
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}
const schedule =
  (repeat: boolean) =>
  (callback: (...a: unknown[]) => void, delay?: number, ...args: unknown[]): NodeJS.Timeout => {
    const delayMs = Math.max(0, Number(delay) || 0);
    const run = () => callback(...args);
    return new VirtualTimeout(
      timeNow().setTimer(delayMs, run, repeat),
      delayMs,
      run,
      repeat,
    ) as unknown as NodeJS.Timeout;
  };
/** The globals a run swaps: the real ones (`real`, above) or the virtual ones, in one shape. */
interface Swapped {
  readonly Date: unknown;
  readonly setTimeout: unknown;
  readonly setInterval: unknown;
  readonly clearTimeout: unknown;
  readonly clearInterval: unknown;
  readonly performanceNow: () => number;
  readonly mathRandom: () => number;
}
const clear = (timer: unknown) => {
  if (timer instanceof VirtualTimeout) timeNow().clearTimer(timer.id);
  else if (typeof timer === 'number') timeNow().clearTimer(timer);
  // A real timer set before the run (or undefined, which Node ignores): the real clear.
  else real.clearTimeout(timer as NodeJS.Timeout);
};
const virtual: Swapped = {
  Date: VirtualDate,
  setTimeout: schedule(false),
  setInterval: schedule(true),
  clearTimeout: clear,
  clearInterval: clear,
  performanceNow: () => timeNow().now(),
  mathRandom: () => timeNow().random(),
};
const g = globalThis as unknown as Record<string, unknown>;
function put(set: Swapped): void {
  g.Date = set.Date;
  g.setTimeout = set.setTimeout;
  g.setInterval = set.setInterval;
  g.clearTimeout = set.clearTimeout;
  g.clearInterval = set.clearInterval;
  performance.now = set.performanceNow;
  Math.random = set.mathRandom;
}
/** Ends a run; `large`: the world holds enough that it must not be kept alive after it. */
const uninstall = (large: boolean) => {
  put(real);
  if (installed !== undefined) {
    lastClock = installed.now();
    lastSmall = large ? undefined : installed;
    lastLarge = large ? new WeakRef(installed) : undefined;
  }
  installed = undefined;
};

/**
 * Replaces `Date`, `setTimeout`/`setInterval` (and their clears), `performance.now` and `Math.random`
 * with virtual, seeded ones for the duration of a run, so handlers that read the time or sleep see simulated time.
 * Test runners capture their own timers at start-up and are unaffected. `time` should live as long as
 * its simulation (one object per simulation, not per run): it is what kept virtual globals follow
 * after the run, weakly for a large world.
 * @internal
 */
export function installVirtualGlobals(time: VirtualTime): (large: boolean) => void {
  if (installed && installed !== time) {
    throw new EventproofError(
      'SIM_CONFIG',
      failure(
        'run the simulation',
        'another simulation is running in this process at the same time',
        'Await one simulation before running the next',
      ),
    );
  }
  installed = time;
  put(virtual);
  // Timers outlive the run that set them: they are tasks of the simulation and fire in its next run.
  return uninstall;
}
