import type { Decision } from '../sim/decisions.js';
import type { FaultSpec } from '../sim/faults.js';

/** A schedule as shrinking edits it: the faults on, and the choice made at each decision. */
export interface Candidate {
  readonly faults: readonly FaultSpec[];
  /** Choice per decision in order; past the end every decision takes option 0 (the natural one). */
  readonly choices: readonly number[];
}

/** How far back a deviation may move in one step: keeps a pass linear in the schedule's length. */
const MOVE_WINDOW = 16;

/** Runs a candidate; the decisions it made when it failed, undefined when it passed. */
export type Attempt = (candidate: Candidate) => Promise<readonly Decision[] | undefined>;

/** The candidate a failing run actually followed: its choices, without the trailing natural ones. */
export function normalise(faults: readonly FaultSpec[], decisions: readonly Decision[]): Candidate {
  let end = decisions.length;
  while (end > 0 && decisions[end - 1]!.choice === 0) end--;
  const choices = new Array<number>(end);
  for (let i = 0; i < end; i++) choices[i] = decisions[i]!.choice;
  return { faults, choices };
}

/** How many choices leave the natural order, and by how much in all. */
function deviation(choices: readonly number[]): [count: number, sum: number] {
  let count = 0;
  let sum = 0;
  for (const c of choices) {
    if (c === 0) continue;
    count++;
    sum += c;
  }
  return [count, sum];
}

/** Fewer faults, then fewer deviations from the natural order, then smaller ones, then shorter. */
function smaller(a: Candidate, b: Candidate): boolean {
  if (a.faults.length !== b.faults.length) return a.faults.length < b.faults.length;
  const [nonZeroA, sumA] = deviation(a.choices);
  const [nonZeroB, sumB] = deviation(b.choices);
  if (nonZeroA !== nonZeroB) return nonZeroA < nonZeroB;
  if (sumA !== sumB) return sumA < sumB;
  return effectiveLength(a.choices) < effectiveLength(b.choices);
}

/** The length without trailing natural choices, which mean the same as no choice. */
function effectiveLength(choices: readonly number[]): number {
  let end = choices.length;
  while (end > 0 && choices[end - 1] === 0) end--;
  return end;
}

/**
 * Shrinks a failing schedule toward the canonical run — no faults, the broker's natural order — by
 * greedy passes until none helps or `budget` runs were spent: drop a fault, reset a stretch of
 * choices to the natural one, drop a decision's choice (the later ones move up), move a deviation
 * to an earlier decision, lower a choice.
 * Every accepted step is a run that still fails, so the result fails too; it is deterministic, so
 * a seed gives the same minimal schedule every time. `stop` ends it early (a time limit): the
 * smallest failing schedule found so far is returned.
 */
export async function shrink(
  start: Candidate,
  attempt: Attempt,
  budget: number,
  stop: () => boolean = () => false,
): Promise<{ minimal: Candidate; runs: number }> {
  let current = start;
  let runs = 0;
  const accept = async (candidate: Candidate): Promise<boolean> => {
    if (runs >= budget || !smaller(candidate, current) || stop()) return false;
    runs++;
    const decisions = await attempt(candidate);
    if (!decisions) return false;
    const next = normalise(candidate.faults, decisions);
    if (!smaller(next, current)) return false;
    current = next;
    return true;
  };

  for (let progress = true; progress && runs < budget && !stop();) {
    progress = false;
    // Faults first: a schedule without one is simpler to read than any change of order.
    for (let f = current.faults.length - 1; f >= 0; f--) {
      if (await accept({ ...current, faults: current.faults.filter((_, i) => i !== f) })) progress = true;
    }
    // Stretches of choices back to the natural order, halving the stretch each round (ddmin-like).
    for (let size = highestPowerOfTwo(current.choices.length); size >= 1; size >>= 1) {
      for (let from = 0; from < current.choices.length; from += size) {
        const { choices } = current;
        let any = false;
        for (let i = from; i < from + size && i < choices.length; i++) if (choices[i] !== 0) any = true;
        if (!any) continue;
        const next = choices.slice();
        for (let i = from; i < from + size && i < next.length; i++) next[i] = 0;
        if (await accept({ ...current, choices: next })) progress = true;
      }
    }
    // One decision's choice dropped: the later choices apply one decision earlier.
    for (let i = current.choices.length - 1; i >= 0; i--) {
      if (i >= current.choices.length) continue;
      const next = current.choices.slice();
      next.splice(i, 1);
      if (await accept({ ...current, choices: next })) progress = true;
    }
    // A deviation moved to an earlier decision (a shorter schedule with as few deviations): lets a
    // different cause — a publish order instead of a duplicate, say — replace a later one.
    for (let i = current.choices.length - 1; i > 0; i--) {
      if (i >= current.choices.length || current.choices[i] === 0) continue;
      for (let j = Math.max(0, i - MOVE_WINDOW); j < i; j++) {
        if (current.choices[j] !== 0) continue;
        const next = current.choices.slice();
        next[j] = 1;
        next[i] = 0;
        if (await accept({ ...current, choices: next })) {
          progress = true;
          break;
        }
      }
    }
    // Lower choices: option 1 is the nearest deviation from the natural order.
    for (let i = 0; i < current.choices.length; i++) {
      for (let lower = 1; lower < current.choices[i]!; lower++) {
        const next = current.choices.slice();
        next[i] = lower;
        if (await accept({ ...current, choices: next })) {
          progress = true;
          break;
        }
      }
    }
  }
  return { minimal: current, runs };
}

const highestPowerOfTwo = (n: number): number => (n <= 1 ? n : 2 ** Math.floor(Math.log2(n)));
