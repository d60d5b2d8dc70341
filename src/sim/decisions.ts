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
   * Decisions kept compactly (a run may make millions): one integer per decision, packing the
   * kind's number (see `kindNumber`), the options and the choice (see `record`); a decision too big to
   * pack gets a negative code that points into `wide`. The first `FIRST_CODES` go in a plain array
   * (the explorer makes a log per schedule, and a typed array of a useful size costs an off-heap
   * buffer); the rest in fixed-size Int32Array chunks, because pushing onto a plain array of
   * millions costs several times the draw itself as it grows. Storing the kind string and two
   * numbers per decision made recording cost over ten times the draw.
   */
  private codes: number[] = [];
  /**
   * The full chunks, after an empty one at index 0: an array made empty is one of small integers to
   * V8, and pushing the first chunk onto it changed its kind, which threw away the optimized model
   * code that had inlined `record` in every new simulation. Starting with a chunk, it never changes.
   */
  private chunks: Int32Array[] = [EMPTY_CHUNK];
  private chunk: Int32Array = EMPTY_CHUNK;
  private chunkUsed = 0;
  private count = 0;
  /** `[kind number, options, choice]` of each decision that did not fit a code. */
  private wide: number[] = [];
  /**
   * The last two kinds recorded and their numbers: a model's decisions come back in the same few
   * kinds, often two taking turns (an SQS receive draws a reorder, then a duplicate, per message).
   */
  private lastKind = '';
  private lastKindNumber = -1;
  private otherKind = '';
  private otherKindNumber = -1;
  /** The decisions as objects, built on demand and extended as new ones come. */
  private list: Decision[] = [];
  /**
   * The weights `[1 - p, p]` of each probability seen, made once: the same few probabilities come back
   * at every opportunity (a model's rates and the faults'), interleaved. Only a handful are kept.
   */
  private readonly probabilities: number[] = [];
  private readonly weights: (readonly number[])[] = [];
  /** The weights of `firstOf`'s options for each probability and window seen (a handful), in pairs. */
  private readonly windowKeys: number[] = [];
  private readonly windows: (readonly number[])[] = [];

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
    for (let i = list.length; i < this.count; i++) {
      const code = this.codeAt(i);
      if (code >= 0) {
        list.push({
          kind: kindNames[code & KIND_MASK]!,
          options: (code >>> KIND_BITS) & VALUE_MASK,
          choice: code >>> (KIND_BITS + VALUE_BITS),
        });
      } else {
        const at = 3 * (-code - 1);
        list.push({
          kind: kindNames[this.wide[at]!]!,
          options: this.wide[at + 1]!,
          choice: this.wide[at + 2]!,
        });
      }
    }
    return list;
  }

  /** How many decisions were made so far. */
  get size(): number {
    return this.count;
  }

  /** Recorded decisions a replay has not reached yet (0 when not replaying). */
  get unreplayed(): number {
    return this.replay === undefined ? 0 : Math.max(0, this.replay.length - this.count);
  }

  /**
   * Ends a replay: throws a {@link DivergenceError} when the run made fewer decisions than the
   * recording holds, i.e. the replayed run ended before the run it replays did. (A run with more
   * decisions fails at the first one the recording lacks.) Call it once the replayed run is over;
   * a run in several stretches (`advance`, then more) still has decisions to come between them.
   */
  finishReplay(): void {
    const left = this.unreplayed;
    if (left === 0) return;
    const next = this.replay![this.count]!;
    throw new DivergenceError(
      failure(
        'replay the simulation',
        `the run ended after ${this.count} decision(s), but the recording has ${this.replay!.length}: the next one would have been ${next.kind} among ${next.options}`,
        'Something in the run is nondeterministic (Date.now, Math.random, real timers or I/O outside the simulation), the replay was given another seed, or the code changed since the recording',
      ),
    );
  }

  private codeAt(i: number): number {
    if (i < FIRST_CODES) return this.codes[i]!;
    const at = i - FIRST_CODES;
    return this.chunks[1 + Math.floor(at / CHUNK_CODES)]![at % CHUNK_CODES]!;
  }

  /**
   * Picks one of `options` outcomes (0-based). `weights`, when given, bias the random source
   * (e.g. a fault's probability); replay and explorer choices ignore them.
   */
  choose(kind: string, options: number, weights?: readonly number[]): number {
    // The common case first and short, as in chance(): a uniform pick from the seeded generator
    // (an SQS reorder's pick inlines this in the delivery loop).
    if (weights !== undefined || !(options > 1) || this.replay !== undefined || this.chooser !== undefined)
      return this.chooseOther(kind, options, weights);
    // nextInt(), spelled out so that no float crosses a call.
    const choice = Math.floor(((this.random.nextInt32() >>> 0) / 4294967296) * options);
    this.record(kind, options, choice);
    return choice;
  }

  /** `choose` for everything else: one option, weights, a replay, an explorer's chooser. */
  private chooseOther(kind: string, options: number, weights: readonly number[] | undefined): number {
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
    // The common case first and short (a delivery loop inlines this, within V8's inlining budget):
    // a probability strictly between 0 and 1, drawn from the seeded generator.
    if (!(probability > 0 && probability < 1) || this.replay !== undefined || this.chooser !== undefined)
      return this.chanceOther(kind, probability);
    // choose() with weights [1 - p, p], without the array: the same arithmetic, so the same outcome.
    const no = 1 - probability;
    // nextFloat(), spelled out so that no float crosses a call (see SeededRandom.nextInt32).
    const float = (this.random.nextInt32() >>> 0) / 4294967296;
    const choice = float * (0 + no + probability) - no < 0 ? 0 : 1;
    this.record(kind, 2, choice);
    return choice === 1;
  }

  /**
   * Which of the next `window` opportunities, each happening independently with `probability`, is
   * the first where it happens: 1 to `window`, or 0 when it happens at none of them. One decision
   * among `window + 1` options (see `RecurringChance`); none is recorded when it cannot happen.
   * `logMiss` is `Math.log1p(-probability)`, which a caller asking often can work out once.
   */
  firstOf(kind: string, window: number, probability: number, logMiss = Math.log1p(-probability)): number {
    if (!(probability > 0)) return 0;
    if (!(probability < 1) || this.replay !== undefined || this.chooser !== undefined)
      return this.choose(kind, window + 1, this.windowWeights(window, probability));
    // The geometric distribution's inverse: k misses before the first hit with probability
    // (1 - p)^k p. `uniform` is in (0, 1]; Math.log is V8's port of fdlibm, the same on every platform.
    const uniform = 1 - (this.random.nextInt32() >>> 0) / 4294967296;
    const first = Math.floor(Math.log(uniform) / logMiss) + 1;
    const choice = first > window ? 0 : first;
    this.record(kind, window + 1, choice);
    return choice;
  }

  /**
   * The weights of `firstOf`'s options: none in the window, then the first at 1, 2, … Kept like
   * `weightsOf`'s, by probability and window, without a key made per call: an explorer's chooser asks
   * at every window.
   */
  private windowWeights(window: number, probability: number): readonly number[] {
    const known = this.windowKeys;
    for (let i = 0; i < known.length; i += 2)
      if (known[i] === probability && known[i + 1] === window) return this.windows[i >> 1]!;
    const weights = [(1 - probability) ** window];
    for (let k = 1; k <= window; k++) weights.push((1 - probability) ** (k - 1) * probability);
    if (this.windows.length < 8) {
      known.push(probability, window);
      this.windows.push(weights);
    }
    return weights;
  }

  /** `chance` for everything else: a certain or impossible outcome, a replay, an explorer's chooser. */
  private chanceOther(kind: string, probability: number): boolean {
    if (probability <= 0) return false;
    if (probability >= 1) return this.choose(kind, 2, [0, 1]) === 1;
    if (this.replay || this.chooser) {
      return this.choose(kind, 2, this.weightsOf(probability)) === 1;
    }
    // Not a number: drawn as before, with the same arithmetic as the common case.
    const no = 1 - probability;
    const float = (this.random.nextInt32() >>> 0) / 4294967296;
    const choice = float * (0 + no + probability) - no < 0 ? 0 : 1;
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
    // Kept short, like chance(): what is rare (a third kind, a decision too big to pack, a new
    // chunk) is done out of line.
    const number =
      kind === this.lastKind
        ? this.lastKindNumber
        : kind === this.otherKind
          ? this.otherKindNumber
          : this.newKind(kind);
    const code =
      number <= KIND_MASK && options <= VALUE_MASK
        ? // Kind, options and choice in one integer of at most 30 bits (choice < options).
          number | (options << KIND_BITS) | (choice << (KIND_BITS + VALUE_BITS))
        : this.wideCode(number, options, choice);
    if (this.count++ < FIRST_CODES) {
      this.codes.push(code);
      return;
    }
    if (this.chunkUsed === this.chunk.length) this.newChunk();
    this.chunk[this.chunkUsed++] = code;
  }

  /** A kind that is neither of the last two: it replaces the older of them (a hit writes nothing). */
  private newKind(kind: string): number {
    const number = kindNumber(kind);
    this.otherKind = this.lastKind;
    this.otherKindNumber = this.lastKindNumber;
    this.lastKind = kind;
    this.lastKindNumber = number;
    return number;
  }

  /** The code of a decision too big to pack: it points into `wide`. */
  private wideCode(number: number, options: number, choice: number): number {
    const code = -(this.wide.length / 3) - 1;
    this.wide.push(number, options, choice);
    return code;
  }

  private newChunk(): void {
    this.chunk = new Int32Array(CHUNK_CODES);
    this.chunks.push(this.chunk);
    this.chunkUsed = 0;
  }
}

/**
 * Every kind seen in this process, numbered in order of first use, shared by every log. A log of its
 * own started empty in each simulation, and its first decision of each kind then went down a path
 * (a new name pushed onto a fresh array) that optimized model code had been compiled without, which
 * threw that code away again in every new simulation (`--trace-deopt`: "not a Smi" in `record`, inlined
 * into the model's delivery loop). Kinds are a program's constants (`kafka:deliver-next`, `fault:…`),
 * so the list stays short; a program that makes kinds from data grows it by one name per kind.
 */
const kindNames: string[] = [];

/** A kind's number: found with a loop V8 inlines rather than indexOf, a builtin call. */
function kindNumber(kind: string): number {
  for (let i = 0; i < kindNames.length; i++) if (kindNames[i] === kind) return i;
  return kindNames.push(kind) - 1;
}

/** Bits of a decision's code for its kind's number; options and the choice take `VALUE_BITS` each. */
const KIND_BITS = 8;
const VALUE_BITS = 11;
const KIND_MASK = (1 << KIND_BITS) - 1;
const VALUE_MASK = (1 << VALUE_BITS) - 1;
/** Decisions kept in the plain array before the chunks start. */
const FIRST_CODES = 1024;
const CHUNK_CODES = 65_536;
const EMPTY_CHUNK = new Int32Array(0);

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
