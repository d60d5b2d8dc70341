import { EventproofError, failure } from '../errors.js';
import type { SeededRandom } from './random.js';

/** One nondeterministic choice the simulation made: which of `options` outcomes happened. */
export interface Decision {
  /** What was decided: `deliver-next`, `fault:duplicate`, `sqs:duplicate`, … */
  readonly kind: string;
  readonly options: number;
  readonly choice: number;
}

/**
 * Decides each nondeterministic choice and records it. Three sources: the seeded PRNG (default),
 * a recorded list to replay (diverging is an error, not a silent different run), or a chooser the
 * explorer supplies.
 */
export type Chooser = (kind: string, options: number, weights?: readonly number[]) => number;

export class DivergenceError extends EventproofError {
  constructor(message: string) {
    super('REPLAY_DIVERGED', message);
  }
}

export class DecisionLog {
  private readonly replay: readonly Decision[] | undefined;
  private readonly chooser: Chooser | undefined;
  /**
   * Decisions kept compactly (a run may make millions): kind per decision, options and choice packed
   * in a plain array of small integers, which V8 stores unboxed. (An Int32Array of a useful size
   * costs an off-heap buffer per log, and the explorer makes a log per schedule.)
   */
  private kinds: string[] = [];
  private packed: number[] = [];
  private count = 0;
  /** The decisions as objects, built on demand and extended as new ones come. */
  private list: Decision[] = [];
  /**
   * The weights `[1 - p, p]` of each probability seen, made once: the same few probabilities come back
   * at every opportunity (a model's rates and the faults'), interleaved. Only a handful are kept.
   */
  private readonly probabilities: number[] = [];
  private readonly weights: (readonly number[])[] = [];

  constructor(
    private readonly random: SeededRandom,
    options: { replay?: readonly Decision[]; chooser?: Chooser } = {},
  ) {
    this.replay = options.replay;
    this.chooser = options.chooser;
  }

  /** Every decision made so far, oldest first. */
  get decisions(): Decision[] {
    const list = this.list;
    for (let i = list.length; i < this.count; i++)
      list.push({ kind: this.kinds[i]!, options: this.packed[2 * i]!, choice: this.packed[2 * i + 1]! });
    return list;
  }

  /** How many decisions were made so far. */
  get size(): number {
    return this.count;
  }

  /**
   * Picks one of `options` outcomes (0-based). `weights`, when given, bias the random source
   * (e.g. a fault's probability); replay and explorer choices ignore them.
   */
  choose(kind: string, options: number, weights?: readonly number[]): number {
    if (options <= 1) return 0;
    let choice: number;
    if (this.replay) choice = this.replayed(kind, options);
    else if (this.chooser) {
      choice = Math.min(options - 1, Math.max(0, Math.floor(this.chooser(kind, options, weights))));
    } else if (weights) {
      let total = 0;
      for (const w of weights) total += w;
      let r = this.random.nextFloat() * total;
      choice = weights.length - 1;
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i]!;
        if (r < 0) {
          choice = i;
          break;
        }
      }
    } else {
      choice = this.random.nextInt(options);
    }
    this.record(kind, options, choice);
    return choice;
  }

  /** True with `probability`, recorded as a two-way decision (1 = happened). */
  chance(kind: string, probability: number): boolean {
    if (probability <= 0) return false;
    if (probability >= 1) return this.choose(kind, 2, [0, 1]) === 1;
    if (this.replay || this.chooser) {
      return this.choose(kind, 2, this.weightsOf(probability)) === 1;
    }
    // choose() with weights [1 - p, p], without the array: the same arithmetic, so the same outcome.
    const no = 1 - probability;
    const choice = this.random.nextFloat() * (0 + no + probability) - no < 0 ? 0 : 1;
    this.record(kind, 2, choice);
    return choice === 1;
  }

  private weightsOf(probability: number): readonly number[] {
    const known = this.probabilities;
    for (let i = 0; i < known.length; i++) if (known[i] === probability) return this.weights[i]!;
    const weights = [1 - probability, probability];
    if (known.length < 8) {
      known.push(probability);
      this.weights.push(weights);
    }
    return weights;
  }

  private replayed(kind: string, options: number): number {
    const recorded = this.replay![this.count];
    if (!recorded || recorded.kind !== kind || recorded.options !== options) {
      throw new DivergenceError(
        failure(
          'replay the simulation',
          `decision #${this.count + 1} is ${kind} among ${options}, but the recording has ${recorded ? `${recorded.kind} among ${recorded.options}` : 'no more decisions'}`,
          'Something in the run is nondeterministic (Date.now, Math.random, real timers or I/O outside the simulation), or the code changed since the recording',
        ),
      );
    }
    return recorded.choice;
  }

  private record(kind: string, options: number, choice: number): void {
    this.count++;
    this.kinds.push(kind);
    this.packed.push(options, choice);
  }
}

/** Compact, paste-able form of a decision list: `kind:choice/options,…`. */
export function encodeDecisions(decisions: readonly Decision[]): string {
  return decisions.map((d) => `${d.kind}:${d.choice}/${d.options}`).join(',');
}

export function decodeDecisions(text: string): Decision[] {
  if (text.trim() === '') return [];
  return text.split(',').map((part) => {
    const match = /^(.+):(\d+)\/(\d+)$/.exec(part.trim());
    if (!match)
      throw new DivergenceError(
        failure(
          'read the decision string',
          `'${part}' is not kind:choice/options`,
          'Paste the decision string exactly as the report printed it',
        ),
      );
    return { kind: match[1]!, choice: Number(match[2]), options: Number(match[3]) };
  });
}
