import type { DecisionLog } from './decisions.js';

/** Opportunities one decision of a {@link RecurringChance} covers. */
export const CHANCE_WINDOW = 32;

/**
 * Something that may happen at every opportunity of a kind, independently, with one probability — an
 * SQS duplicate at every message received, a reorder at every message taken from a queue of several
 * — decided a window of opportunities at a time instead of one decision per opportunity.
 *
 * A window's one decision, among `CHANCE_WINDOW + 1` options, says which of the next `CHANCE_WINDOW`
 * opportunities is the first where it happens (1 for the next one), or 0 when it happens at none of
 * them: option 0 is still the natural outcome the explorer and shrinking start from. A window ends at
 * the opportunity where it happens, and the next opportunity opens a new one. Each opportunity then
 * happens with the given probability independently of the others, exactly as a decision per
 * opportunity made them, but a model receiving millions of messages records a handful of decisions
 * per hundred, where it recorded one or two per message, and those cost more than the rest of a
 * delivery.
 *
 * The seeded generator draws the window's outcome from one number (the geometric distribution's
 * inverse); a replay takes the recorded choice, and the explorer's chooser is given the options'
 * weights.
 */
export class RecurringChance {
  /** Opportunities left in the current window; 0 opens a new one at the next. */
  #left = 0;
  /** Whether it happens at the window's last opportunity. */
  #happens = false;
  readonly #logMiss: number;

  constructor(
    private readonly decisions: DecisionLog,
    readonly kind: string,
    readonly probability: number,
  ) {
    this.#logMiss = Math.log1p(-probability);
  }

  /** Whether it happens at this opportunity. */
  next(): boolean {
    if (this.#left === 0) this.#open();
    return --this.#left === 0 && this.#happens;
  }

  #open(): void {
    const first = this.decisions.firstOf(this.kind, CHANCE_WINDOW, this.probability, this.#logMiss);
    this.#happens = first !== 0;
    this.#left = first === 0 ? CHANCE_WINDOW : first;
  }
}
