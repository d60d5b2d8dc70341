import { describe, expect, it } from 'vitest';
import { DecisionLog } from './decisions.js';
import { CHANCE_WINDOW, RecurringChance } from './recurring-chance.js';
import { SeededRandom } from './random.js';

/** The outcome of `count` opportunities, and the log that decided them. */
function outcomes(
  probability: number,
  count: number,
  options: ConstructorParameters<typeof DecisionLog>[1] = {},
  seed = 11,
): { happened: boolean[]; log: DecisionLog } {
  const log = new DecisionLog(SeededRandom.fromSeed(seed), options);
  const chance = new RecurringChance(log, 'test:thing', probability);
  const happened: boolean[] = [];
  for (let i = 0; i < count; i++) happened.push(chance.next());
  return { happened, log };
}

const share = (values: boolean[]) => values.filter(Boolean).length / values.length;

describe('RecurringChance', () => {
  it('happens at each opportunity with its probability, independently of the one before', () => {
    for (const [probability, count, tolerance] of [
      [0.1, 400_000, 0.003],
      [0.01, 400_000, 0.001],
      [0.5, 100_000, 0.01],
    ] as const) {
      const { happened, log } = outcomes(probability, count);
      expect(Math.abs(share(happened) - probability)).toBeLessThan(tolerance);
      // After a hit as after a miss: a window starts after each hit, so a bias there would show.
      const afterHit = happened.slice(1).filter((_, i) => happened[i]);
      const afterMiss = happened.slice(1).filter((_, i) => !happened[i]);
      expect(Math.abs(share(afterHit) - probability)).toBeLessThan(4 * tolerance);
      expect(Math.abs(share(afterMiss) - probability)).toBeLessThan(tolerance);
      // Far fewer decisions than opportunities.
      expect(log.size).toBeLessThan(count * Math.max(probability * 1.2, 1.2 / CHANCE_WINDOW));
    }
  });

  it('records one decision per window: which opportunity is the first hit, 0 for none', () => {
    const { happened, log } = outcomes(0.1, 2_000);
    let at = 0;
    for (const decision of log.decisions) {
      expect(decision).toMatchObject({ kind: 'test:thing', options: CHANCE_WINDOW + 1 });
      const length = decision.choice === 0 ? CHANCE_WINDOW : decision.choice;
      const window = happened.slice(at, at + length);
      if (window.length < length) break; // the last window, still open
      expect(window.indexOf(true)).toBe(decision.choice === 0 ? -1 : decision.choice - 1);
      expect(window.filter(Boolean).length).toBe(decision.choice === 0 ? 0 : 1);
      at += length;
    }
    expect(at).toBeGreaterThan(1_900);
  });

  it('never happens at 0 and records nothing; always happens at 1', () => {
    const never = outcomes(0, 1_000);
    expect(never.happened.some(Boolean)).toBe(false);
    expect(never.log.size).toBe(0);
    const always = outcomes(1, 100);
    expect(always.happened.every(Boolean)).toBe(true);
  });

  it('replays a recording, and follows a chooser given the options’ weights', () => {
    const first = outcomes(0.2, 5_000);
    const replayed = outcomes(0.2, 5_000, { replay: first.log.decisions }, 99);
    expect(replayed.happened).toEqual(first.happened);

    const seen: (readonly number[] | undefined)[] = [];
    const chosen = outcomes(0.2, 12, {
      chooser: (_kind, _options, weights) => {
        seen.push(weights);
        return 3;
      },
    });
    // Every third opportunity: a window of 3 whose last one happens, again and again.
    expect(chosen.happened).toEqual(Array.from({ length: 12 }, (_, i) => i % 3 === 2));
    const weights = seen[0]!;
    expect(weights).toHaveLength(CHANCE_WINDOW + 1);
    expect(weights[0]).toBeCloseTo(0.8 ** CHANCE_WINDOW, 12);
    expect(weights[1]).toBeCloseTo(0.2, 12);
    expect(weights[2]).toBeCloseTo(0.16, 12);
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // Made once and given again at every window.
    expect(seen).toHaveLength(4);
    expect(seen.every((w) => w === weights)).toBe(true);
    // The natural choice: nothing happens.
    expect(outcomes(0.2, 500, { chooser: () => 0 }).happened.some(Boolean)).toBe(false);
  });

  it('gives one seed the same outcomes every time', () => {
    expect(outcomes(0.1, 10_000, {}, 5).happened).toEqual(outcomes(0.1, 10_000, {}, 5).happened);
    expect(outcomes(0.1, 10_000, {}, 5).happened).not.toEqual(outcomes(0.1, 10_000, {}, 6).happened);
  });
});
