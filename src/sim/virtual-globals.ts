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
class VirtualDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(timeNow().now());
    else super(...(args as [number]));
  }
  static override now(): number {
    return timeNow().now();
  }
}
const schedule =
  (repeat: boolean) =>
  (callback: (...a: unknown[]) => void, delay?: number, ...args: unknown[]) =>
    timeNow().setTimer(
      Math.max(0, Number(delay) || 0),
      () => callback(...args),
      repeat,
    ) as unknown as NodeJS.Timeout;
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
const clear = (id: unknown) => timeNow().clearTimer(typeof id === 'number' ? id : Number(id));
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
