import type { Chooser } from '../../sim/decisions.js';
import type { FaultSpec } from '../../sim/faults.js';
import { SeededRandom } from '../../sim/random.js';
import type { StrategyName } from '../types.js';

/**
 * One schedule to try: the faults it enables and the chooser the simulation consults at each
 * decision. Strategies draw their choices lazily from a seeded PRNG, one value per decision the run
 * actually reaches, so a schedule costs nothing before it runs and one seed gives one exploration.
 */
export interface Plan {
  readonly faults: readonly FaultSpec[];
  readonly chooser: Chooser;
}

/** PCT: at most this many priority-change points per schedule. */
const PCT_POINTS = 3;
/** Random and swarm schedules deviate from the natural order for at least this many decisions. */
const MIN_RANDOM_DEPTH = 10;

/** A choice among `options`, uniform or biased by the model's weights (e.g. a fault's probability). */
function draw(random: SeededRandom, options: number, weights: readonly number[] | undefined): number {
  if (!weights) return random.nextInt(options);
  let total = 0;
  for (const w of weights) total += w;
  let r = random.nextFloat() * total;
  for (let k = 0; k < weights.length; k++) {
    r -= weights[k]!;
    if (r < 0) return k;
  }
  return weights.length - 1;
}

/**
 * Random choices for the first `depth` decisions, then the natural order (option 0: the broker's
 * own order, no fault). Short depths stay close to the canonical run, long ones walk it all.
 */
function randomChooser(random: SeededRandom, depth: number): Chooser {
  // Its own stream, seeded from the exploration's: a run's choices depend on nothing that happens
  // outside it (say, a previous run's leftover work drawing late).
  const own = new SeededRandom(random.nextUint32());
  let i = 0;
  return (_kind, options, weights) => (i++ < depth ? draw(own, options, weights) : 0);
}

/** PCT-style: an in-order schedule that deviates at a few decision points only. */
function pctChooser(random: SeededRandom, horizon: number): Chooser {
  const points = new Map<number, number>();
  const count = random.nextInt(PCT_POINTS + 1);
  for (let k = 0; k < count; k++) points.set(random.nextInt(horizon), random.nextUint32());
  let i = 0;
  return (_kind, options) => {
    const v = points.get(i++);
    return v === undefined ? 0 : 1 + (v % (options - 1));
  };
}

/**
 * Draws the next schedule of a strategy. `horizon` is the most decisions a run of this exploration
 * has reached so far: where change points and random depths are spread.
 */
export function drawPlan(
  strategy: StrategyName,
  random: SeededRandom,
  faults: readonly FaultSpec[],
  horizon: number,
): Plan {
  const span = Math.max(MIN_RANDOM_DEPTH, horizon);
  switch (strategy) {
    case 'random':
      return { faults, chooser: randomChooser(random, random.nextInt(2 * span + 1)) };
    case 'pct':
      return { faults, chooser: pctChooser(random, span) };
    case 'swarm': {
      // Swarm testing: each run enables a random subset of the fault kinds.
      const subset = faults.filter(() => random.nextInt(2) === 1);
      return {
        faults: subset,
        chooser: randomChooser(random, random.nextInt(2 * span + 1)),
      };
    }
  }
}

/**
 * Replays a schedule given as the choice made at each decision (0 past the end), clamped to the
 * options a decision has: what shrinking edits.
 */
export function choicesChooser(choices: readonly number[]): Chooser {
  let i = 0;
  return (_kind, options) => {
    const c = i < choices.length ? choices[i]! : 0;
    i++;
    return c < options ? c : options - 1;
  };
}
