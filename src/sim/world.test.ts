import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createSimulation, DivergenceError } from '../public/sim.js';

describe('simulation world', () => {
  it('runs tasks in (time, sequence) order and moves virtual time', async () => {
    const sim = createSimulation({ seed: 1 });
    const seen: string[] = [];
    sim.schedule(20, 'b', () => seen.push(`b@${sim.now()}`));
    sim.schedule(10, 'a', () => seen.push(`a@${sim.now()}`));
    sim.schedule(20, 'c', () => seen.push(`c@${sim.now()}`));
    const result = await sim.runUntilIdle();
    expect(seen).toEqual(['a@10', 'b@20', 'c@20']);
    expect(result).toMatchObject({ now: 20, steps: 3, idle: true, stuck: [] });
  });

  it('gives code inside the run virtual Date and timers', async () => {
    const sim = createSimulation({ seed: 1, startMs: Date.UTC(2026, 0, 1) });
    const times: number[] = [];
    sim.schedule(0, 'handler', () =>
      sim.track(
        (async () => {
          times.push(Date.now());
          await new Promise((resolve) => setTimeout(resolve, 60_000));
          times.push(new Date().getTime());
        })(),
        'handler',
      ),
    );
    const realBefore = Date.now();
    await sim.runUntilIdle();
    expect(times).toEqual([Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) + 60_000]);
    expect(Date.now() - realBefore).toBeLessThan(5_000);
  });

  it('reports a handler that never settles as stuck instead of hanging', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.schedule(5, 'deliver', () => sim.track(new Promise(() => {}), 'billing handler for m1'));
    const result = await sim.runUntilIdle();
    expect(result.stuck).toEqual([{ label: 'billing handler for m1', since: 5 }]);
  });

  it('stops after maxSteps when the world never quiesces', async () => {
    const sim = createSimulation({ seed: 1 });
    const loop = () => void sim.schedule(1, 'loop', loop);
    loop();
    const result = await sim.runUntilIdle({ maxSteps: 100 });
    expect(result).toMatchObject({ steps: 100, idle: false });
  });

  it('advance stops at the given time', async () => {
    const sim = createSimulation({ seed: 1 });
    let fired = 0;
    sim.schedule(100, 'x', () => fired++);
    await sim.advance(50);
    expect([fired, sim.now()]).toEqual([0, 50]);
    await sim.advance(50);
    expect([fired, sim.now()]).toEqual([1, 100]);
  });

  it('records decisions and replays them, failing loudly on divergence', () => {
    const a = createSimulation({ seed: 7 });
    const picks = [
      a.decisions.choose('x', 5),
      a.decisions.choose('y', 3),
      a.decisions.chance('fault:duplicate', 0.5),
    ];
    const b = createSimulation({ seed: 999, replay: a.decisions.decisions });
    expect([
      b.decisions.choose('x', 5),
      b.decisions.choose('y', 3),
      b.decisions.chance('fault:duplicate', 0.5),
    ]).toEqual(picks);
    const c = createSimulation({ replay: a.decisions.decisions });
    expect(() => c.decisions.choose('z', 5)).toThrow(DivergenceError);
  });

  it('one seed gives the same choices', () => {
    const run = (seed: number) => {
      const sim = createSimulation({ seed });
      return Array.from({ length: 20 }, () => sim.decisions.choose('k', 10));
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });

  it('chance(p) draws exactly as choose(kind, 2, [1 - p, p]) and keeps every decision', () => {
    const probabilities = [0.001, 0.1, 0.3, 0.5, 0.7, 0.999];
    for (const seed of [1, 2, 3]) {
      const a = createSimulation({ seed });
      const b = createSimulation({ seed });
      const viaChance: boolean[] = [];
      const viaChoose: boolean[] = [];
      for (let i = 0; i < 3000; i++) {
        const p = probabilities[i % probabilities.length]!;
        viaChance.push(a.decisions.chance('fault:x', p));
        viaChoose.push(b.decisions.choose('fault:x', 2, [1 - p, p]) === 1);
      }
      expect(viaChance).toEqual(viaChoose);
      expect(viaChance.filter(Boolean).length).toBeGreaterThan(0);
      expect(a.decisions.decisions).toEqual(b.decisions.decisions);
      expect(a.decisions.decisions).toHaveLength(3000);
      expect(a.decisions.size).toBe(3000);
    }
  });
});

describe('timers across runs', () => {
  it('a timer set in one run fires in the next', async () => {
    const sim = createSimulation({ seed: 1 });
    const fired: number[] = [];
    sim.schedule(0, 'set', () => void setTimeout(() => fired.push(sim.now()), 100));
    await sim.advance(50);
    expect(fired).toEqual([]);
    await sim.advance(100);
    expect(fired).toEqual([100]);
  });

  it('clearTimeout in a later run cancels it', async () => {
    const sim = createSimulation({ seed: 1 });
    let id: ReturnType<typeof setTimeout> | undefined;
    let fired = false;
    sim.schedule(0, 'set', () => void (id = setTimeout(() => (fired = true), 100)));
    await sim.advance(10);
    sim.schedule(0, 'clear', () => clearTimeout(id));
    await sim.runUntilIdle();
    expect(fired).toBe(false);
  });
});

describe('after the last run', () => {
  it('virtual globals kept from a run follow that simulation while it lives', async () => {
    const sim = createSimulation({ seed: 1, startMs: 5_000 });
    let KeptDate: DateConstructor | undefined;
    let keptSetTimeout: typeof setTimeout | undefined;
    sim.schedule(250, 'keep', () => {
      KeptDate = Date;
      keptSetTimeout = setTimeout;
    });
    await sim.runUntilIdle();
    expect(KeptDate!.now()).toBe(5_250);
    // A timer set through the kept function after the run is the simulation's, and fires in its next run.
    const fired: number[] = [];
    keptSetTimeout!(() => fired.push(sim.now()), 30);
    await sim.runUntilIdle();
    expect(fired).toEqual([5_280]);
  });

  it('a finished large simulation is not kept alive by the virtual globals, and kept ones read its last time', async () => {
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const kept: { Date?: DateConstructor; world?: WeakRef<object> } = {};
    await (async () => {
      const sim = createSimulation({ seed: 1, startMs: 9_000 });
      // Large: 10,000 messages (a small world is held until the next run, as a weak reference per
      // run would cost the explorer too much).
      for (let i = 0; i < 10_000; i++) sim.ledger.open('test', 'here');
      sim.schedule(40, 'keep', () => (kept.Date = Date));
      await sim.runUntilIdle();
      kept.world = new WeakRef(sim);
    })();
    // A WeakRef keeps its target until the job that made or read it ends.
    await new Promise((resolve) => setImmediate(resolve));
    collect();
    expect(kept.world!.deref()).toBeUndefined();
    expect(kept.Date!.now()).toBe(9_040);
  });
});

describe('nextStepIsOurs', () => {
  it('is true only when a task scheduled now would run next, with no promise and no hook in between', async () => {
    const sim = createSimulation({ seed: 1 });
    const seen: boolean[] = [];
    sim.schedule(0, 'first', () => seen.push(sim.nextStepIsOurs()));
    sim.schedule(0, 'second', () => seen.push(sim.nextStepIsOurs()));
    sim.schedule(5, 'later', () => seen.push(sim.nextStepIsOurs()));
    sim.schedule(5, 'tracked', () => {
      void sim.track(new Promise<void>((resolve) => setTimeout(resolve, 1)), 'waits');
      seen.push(sim.nextStepIsOurs());
    });
    await sim.runUntilIdle();
    // 'first' has 'second' due at the same time; 'later' has 'tracked'; 'tracked' has its own promise.
    expect(seen).toEqual([false, true, false, false]);

    const watched = createSimulation({ seed: 1 });
    const stop = watched.onStep(() => {});
    let asked: boolean | undefined;
    watched.schedule(0, 'alone', () => (asked = watched.nextStepIsOurs()));
    await watched.runUntilIdle();
    stop();
    expect(asked).toBe(false);
  });
});
