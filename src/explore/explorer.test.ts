import { describe, expect, it } from 'vitest';
import type { Simulation } from '../sim/world.js';
import { check, explore, ExplorationFailedError } from './explorer.js';
import { formatReport } from './report.js';
import type { ScenarioContext } from './types.js';

interface ToyMessage {
  id: string;
  key: string;
  seq: number;
}

/**
 * A tiny at-least-once queue on the simulator: any queued message may be delivered next (a
 * recorded decision, option 0 = oldest), and the world's faults can duplicate a delivery or crash
 * the consumer before its ack. Enough to test the explorer without a broker model.
 */
function toyQueue(sim: Simulation, handler: (m: ToyMessage) => void | Promise<void>) {
  const queue: ToyMessage[] = [];
  let busy = false;
  const pump = () => {
    if (busy || queue.length === 0) return;
    busy = true;
    sim.schedule(1, 'deliver', async () => {
      const index = sim.decisions.choose('deliver-next', queue.length);
      const [message] = queue.splice(index, 1);
      sim.trace.add({
        time: sim.now(),
        kind: 'deliver',
        broker: 'toy',
        where: 'q',
        message: message!.id,
        key: message!.key,
      });
      if (sim.faults.fires('duplicate', 'toy', 'q')) {
        queue.push(message!);
        sim.trace.add({
          time: sim.now(),
          kind: 'fault',
          broker: 'toy',
          where: 'q',
          message: message!.id,
          detail: 'duplicate',
        });
      }
      await sim.track(Promise.resolve(handler(message!)), `handler for ${message!.id}`);
      busy = false;
      pump();
    });
  };
  return {
    publish(message: ToyMessage) {
      queue.push(message);
      pump();
    },
  };
}

const publishThree = (ctx: ScenarioContext, publish: (m: ToyMessage) => void) => {
  for (const [id, key, seq] of [
    ['a1', 'a', 1],
    ['a2', 'a', 2],
    ['b1', 'b', 1],
  ] as const) {
    ctx.published(id, { key, seq });
    publish({ id, key, seq });
  }
};

const idempotencyScenario = (idempotent: boolean) => ({
  name: `toy ${idempotent ? 'idempotent' : 'non-idempotent'} consumer`,
  guarantees: { order: 'none' as const },
  setup(ctx: ScenarioContext) {
    const seen = new Set<string>();
    const state = { balance: 0 };
    const queue = toyQueue(ctx.sim, (m) => {
      ctx.delivered(m.id);
      if (idempotent && seen.has(m.id)) return;
      seen.add(m.id);
      state.balance += 1;
      ctx.applied(m.id);
    });
    publishThree(ctx, (m) => queue.publish(m));
    return state;
  },
  eventually: {
    'balance counts each message once': (s: { balance: number }) =>
      s.balance === 3 || `balance is ${s.balance}`,
  },
});

describe('explore', () => {
  it('passes a consumer that deduplicates, under duplicate deliveries', async () => {
    const report = await explore(idempotencyScenario(true), {
      runs: 150,
      seed: 1,
      faults: [{ kind: 'duplicate', probability: 0.3 }],
    });
    expect(report.valid, formatReport(report)).toBe(true);
    expect(report.runs).toBe(150);
  });

  it('catches a consumer that applies duplicates, shrinks the schedule and replays it', async () => {
    const scenario = idempotencyScenario(false);
    const report = await explore(scenario, {
      runs: 150,
      seed: 1,
      faults: [{ kind: 'duplicate', probability: 0.3 }],
    });
    expect(report.valid).toBe(false);
    expect(report.anomalies.map((a) => a.kind)).toContain('duplicated-effect');
    expect(report.minimal!.faults).toEqual(['duplicate']);
    expect(report.minimal!.renderedTrace).toMatch(/fault .*duplicate/);
    expect(report.minimal!.repro).toMatch(
      /^EVENTPROOF_SEED=1 EVENTPROOF_REPLAY='duplicate\|.*' npx vitest -t "toy non-idempotent consumer"$/,
    );
    expect(report.determinism.deterministic).toBe(true);

    const replayed = await explore(scenario, {
      seed: 1,
      replay: report.minimal!.replay,
      faults: [{ kind: 'duplicate', probability: 0.3 }],
    });
    expect(replayed.anomalies).toEqual(report.anomalies);
    expect(replayed.minimal!.renderedTrace).toBe(report.minimal!.renderedTrace);
  });

  it('gives the same schedules, failure and minimal schedule for the same seed', async () => {
    const scenario = idempotencyScenario(false);
    const options = { runs: 150, seed: 7, faults: [{ kind: 'duplicate' as const, probability: 0.3 }] };
    const first = await explore(scenario, options);
    const second = await explore(scenario, options);
    expect(first.valid).toBe(false);
    expect(second.runs).toBe(first.runs);
    expect(second.minimal!.replay).toBe(first.minimal!.replay);
    expect(second.minimal!.renderedTrace).toBe(first.minimal!.renderedTrace);
    const other = await explore(scenario, { ...options, seed: 8 });
    expect(other.valid).toBe(false);
  });

  it('finds per-key reordering when the queue may deliver any message next', async () => {
    const scenario = {
      name: 'toy per-key order',
      setup(ctx: ScenarioContext) {
        const queue = toyQueue(ctx.sim, (m) => ctx.applied(m.id));
        publishThree(ctx, (m) => queue.publish(m));
        return {};
      },
    };
    const report = await explore(scenario, { runs: 100, seed: 3 });
    expect(report.anomalies.map((a) => a.kind)).toEqual(['reordered']);
    expect(report.anomalies[0]!.examples[0]!.explanation).toMatch(
      /nonmonotonic: for key a, a2 \(#2\) took effect before a1 \(#1\)/,
    );
    const relaxed = await explore({ ...scenario, guarantees: { order: 'none' } }, { runs: 100, seed: 3 });
    expect(relaxed.valid).toBe(true);
  });

  it('reports a handler that never settles as stuck, not a hang', async () => {
    const report = await explore(
      {
        name: 'toy hang',
        setup(ctx: ScenarioContext) {
          const queue = toyQueue(ctx.sim, () => new Promise<void>(() => {}));
          publishThree(ctx, (m) => queue.publish(m));
          return {};
        },
      },
      { runs: 5, seed: 1 },
    );
    expect(report.anomalies.map((a) => a.kind)).toContain('stuck');
  });

  it('checks always after every step and says which step broke it', async () => {
    const report = await explore(
      {
        name: 'toy always',
        guarantees: { order: 'none' },
        setup(ctx: ScenarioContext) {
          const state = { inFlight: 0 };
          const queue = toyQueue(ctx.sim, (m) => {
            state.inFlight += 2;
            ctx.applied(m.id);
          });
          publishThree(ctx, (m) => queue.publish(m));
          return state;
        },
        always: { 'at most 3': (s: { inFlight: number }) => s.inFlight <= 3 },
      },
      { runs: 5, seed: 1 },
    );
    expect(report.anomalies[0]!.examples[0]!.explanation).toMatch(
      /"at most 3" stopped holding after deliver at 2ms/,
    );
  });

  it('says when a sometimes invariant never held', async () => {
    const report = await explore(
      { ...idempotencyScenario(true), sometimes: { 'a duplicate arrived': () => false } },
      { runs: 20, seed: 1 },
    );
    expect(report.valid).toBe(false);
    expect(report.uncovered).toEqual(['a duplicate arrived']);
  });

  it('names nondeterminism that leaks in from outside the simulation', async () => {
    let shared = 0;
    const report = await explore(
      {
        name: 'toy leaky',
        setup(ctx: ScenarioContext) {
          const queue = toyQueue(ctx.sim, (m) => {
            shared++;
            if (shared % 2 === 0)
              ctx.sim.trace.add({
                time: ctx.sim.now(),
                kind: 'error',
                broker: 'toy',
                where: 'q',
                detail: 'leak',
              });
            ctx.applied(m.id);
          });
          publishThree(ctx, (m) => queue.publish(m));
          return {};
        },
        eventually: { never: () => false },
      },
      { runs: 3, seed: 1 },
    );
    expect(report.determinism.deterministic).toBe(false);
    expect(report.determinism.notes[0]).toMatch(/different trace/);
  });

  it('check() throws the formatted report', async () => {
    await expect(
      check(idempotencyScenario(false), {
        runs: 100,
        seed: 1,
        faults: [{ kind: 'duplicate', probability: 0.3 }],
      }),
    ).rejects.toThrow(ExplorationFailedError);
    await expect(
      check(idempotencyScenario(false), { runs: 100, seed: 1, faults: ['duplicate'] }),
    ).rejects.toThrow(/duplicated-effect ×/);
  });
});
