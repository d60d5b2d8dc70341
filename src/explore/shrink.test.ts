import { describe, expect, it } from 'vitest';
import type { Decision } from '../sim/decisions.js';
import type { FaultSpec } from '../sim/faults.js';
import { normalise, shrink, type Candidate } from './shrink.js';

const duplicate: FaultSpec = { kind: 'duplicate' };
const crash: FaultSpec = { kind: 'crash-before-ack' };

/** A fake world of six three-way decisions: it fails when duplicates are on and decision #3 deviates. */
function world(candidate: Candidate): { decisions: Decision[]; failed: boolean } {
  const decisions = Array.from({ length: 6 }, (_, i) => ({
    kind: 'deliver-next',
    options: 3,
    choice: Math.min(candidate.choices[i] ?? 0, 2),
  }));
  const failed = candidate.faults.includes(duplicate) && decisions[2]!.choice !== 0;
  return { decisions, failed };
}

/** Runs a candidate in the fake world, counting calls: the decisions when it fails. */
function attempts() {
  const counter = {
    calls: 0,
    attempt: (candidate: Candidate) => {
      counter.calls++;
      const run = world(candidate);
      return Promise.resolve(run.failed ? run.decisions : undefined);
    },
  };
  return counter;
}

describe('shrink', () => {
  it('drops the faults and choices a failure does not need and lowers the rest', async () => {
    const start = normalise([duplicate, crash], world({ faults: [], choices: [2, 1, 2, 2, 1, 0] }).decisions);
    expect(start.choices).toEqual([2, 1, 2, 2, 1]);
    const counter = attempts();
    const { minimal } = await shrink(start, counter.attempt, 1000);
    const runs = counter.calls;
    expect(minimal).toEqual({ faults: [duplicate], choices: [0, 0, 1] });
    expect(runs).toBeLessThan(100);
  });

  it('stops at the budget with the smallest failing schedule found so far', async () => {
    const start: Candidate = { faults: [duplicate, crash], choices: [2, 1, 2, 2, 1] };
    const { minimal, runs } = await shrink(start, attempts().attempt, 1);
    expect(runs).toBe(1);
    // The one run allowed tried dropping the last fault first; the failure needs no crash, so it stuck.
    expect(minimal).toEqual({ faults: [duplicate], choices: [2, 1, 2, 2, 1] });
    expect(world(minimal).failed).toBe(true);
  });

  it('stops when told (a time limit) with the smallest failing schedule found so far', async () => {
    const start: Candidate = { faults: [duplicate, crash], choices: [2, 1, 2, 2, 1] };
    const counter = attempts();
    const { minimal, runs } = await shrink(start, counter.attempt, 1000, () => counter.calls >= 2);
    expect(runs).toBe(2);
    expect(world(minimal).failed).toBe(true);
    expect(minimal.faults).toEqual([duplicate]);
  });
});
