import { describe, expect, it } from 'vitest';
import { DecisionLog, type Decision } from './decisions.js';
import { SeededRandom } from './random.js';

describe('DecisionLog', () => {
  it('gives back every decision as made, across its compact storage and past any packing limit', () => {
    const log = new DecisionLog(SeededRandom.fromSeed(7));
    const made: Decision[] = [];
    const picker = SeededRandom.fromSeed(99);
    // Past the plain array and across two typed chunks; kinds beyond 255 and options beyond 2047
    // do not fit a packed code and must come back all the same.
    for (let i = 0; i < 140_000; i++) {
      const kind = i % 1000 === 0 ? `rare:${i / 1000}` : i % 2 === 0 ? 'sqs:reorder' : 'sqs:duplicate';
      const options = i % 7 === 0 ? 2 + picker.nextInt(100_000) : 2 + picker.nextInt(20);
      const choice = i % 3 === 0 ? Number(log.chance(kind, 0.3)) : log.choose(kind, options);
      made.push({ kind, options: i % 3 === 0 ? 2 : options, choice });
    }
    expect(log.size).toBe(made.length);
    expect(log.decisions).toEqual(made);
    // Read twice with more decisions in between: the list is extended, not rebuilt wrongly.
    made.push({ kind: 'late', options: 3, choice: log.choose('late', 3) });
    expect(log.decisions).toEqual(made);
  });

  it('replays a long recording choice for choice and stops at the first divergence', () => {
    const recorded = new DecisionLog(SeededRandom.fromSeed(3));
    for (let i = 0; i < 5_000; i++) recorded.choose(i % 2 ? 'a' : 'b', 2 + (i % 4000));
    const replay = new DecisionLog(SeededRandom.fromSeed(4), { replay: recorded.decisions });
    for (let i = 0; i < 5_000; i++)
      expect(replay.choose(i % 2 ? 'a' : 'b', 2 + (i % 4000))).toBe(recorded.decisions[i]!.choice);
    expect(() => replay.choose('a', 2)).toThrow(/decision #5001 is a among 2, but the recording has no more/);
  });

  it('logs of one process share kind numbers yet each gives back its own kinds, whatever order they came in', () => {
    const first = new DecisionLog(SeededRandom.fromSeed(1));
    const second = new DecisionLog(SeededRandom.fromSeed(2));
    const madeFirst: Decision[] = [];
    const madeSecond: Decision[] = [];
    for (let i = 0; i < 3_000; i++) {
      // Interleaved, each log meeting kinds in another order, one of them new to the process.
      const a = ['shared:x', 'shared:y', `own:first:${i % 3}`][i % 3]!;
      const b = ['shared:y', `own:second:${i % 5}`, 'shared:x'][i % 3]!;
      madeFirst.push({ kind: a, options: 4, choice: first.choose(a, 4) });
      madeSecond.push({ kind: b, options: 3, choice: second.choose(b, 3) });
    }
    expect(first.decisions).toEqual(madeFirst);
    expect(second.decisions).toEqual(madeSecond);
  });
});
