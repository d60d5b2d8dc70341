// The examples of docs/sim.md, executed. Each `#region` is copied verbatim into the guide; the drift
// test at the end fails when the two differ.
import { describe, expect, it } from 'vitest';
import { createSimulation, RunawayError, simSqs } from '../public/sim.js';
import { expectGuideShowsRegions } from '../../test/support/guide-regions.js';

describe('docs/sim.md', () => {
  it('virtual time', async () => {
    // #region virtual-time
    const sim = createSimulation({ seed: 42, startMs: Date.UTC(2026, 0, 1) });
    const seen: string[] = [];
    sim.schedule(0, 'reminder', () => {
      // Inside a run, Date, timers, performance.now and Math.random are the world's.
      setTimeout(() => seen.push(new Date().toISOString()), 90_000);
    });
    const result = await sim.runUntilIdle(); // milliseconds of real time
    expect(seen).toEqual(['2026-01-01T00:01:30.000Z']);
    expect(result).toMatchObject({ idle: true, steps: 2, stuck: [] });
    // #endregion virtual-time
  });

  it('async handlers', async () => {
    // #region async-handlers
    const sim = createSimulation({ seed: 1 });
    const sqs = simSqs(sim);
    const { QueueUrl } = await sqs.createQueue({
      QueueName: 'orders',
      Attributes: { VisibilityTimeout: '30' },
    });
    await sqs.sendMessage({ QueueUrl, MessageBody: 'order-1' });
    const log: string[] = [];
    sqs.consume(QueueUrl, async (message) => {
      for (let i = 0; i < 1_000; i++) await Promise.resolve(); // work that takes no virtual time
      log.push(`${message.Body} handled at ${sim.now()} ms`);
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // a call that takes 2 s
      log.push(`${message.Body} done at ${sim.now()} ms`);
    });
    await sim.runUntilIdle();
    expect(log).toEqual(['order-1 handled at 0 ms', 'order-1 done at 2000 ms']);
    // #endregion async-handlers
  });

  it('stuck and runaway', async () => {
    // #region stuck-and-runaway
    const sim = createSimulation({ seed: 1, stepLimit: 10_000 });
    const sqs = simSqs(sim);
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'jobs' });
    await sqs.sendMessage({ QueueUrl, MessageBody: 'job-1' });
    sqs.consume(QueueUrl, () => new Promise(() => {}), { name: 'worker' }); // never settles
    const { stuck } = await sim.runUntilIdle();
    expect(stuck).toEqual([{ label: 'worker handler for m1', since: 0 }]);

    sim.schedule(0, 'start', () => setInterval(() => {}, 1_000)); // work that never stops coming
    await expect(sim.runUntilIdle()).rejects.toThrow(RunawayError);
    await expect(sim.runUntilIdle()).rejects.toThrow(/still scheduled: 'timer'/);
    // #endregion stuck-and-runaway
  });

  it('replay', async () => {
    // #region replay
    async function run(options: Parameters<typeof createSimulation>[0]) {
      const sim = createSimulation(options);
      const sqs = simSqs(sim); // a standard queue: duplicates and reorders are decisions
      const { QueueUrl } = await sqs.createQueue({ QueueName: 'jobs' });
      for (let i = 0; i < 50; i++) await sqs.sendMessage({ QueueUrl, MessageBody: `job-${i}` });
      const order: string[] = [];
      sqs.consume(QueueUrl, (m) => void order.push(m.Body), { batchSize: 10 });
      await sim.runUntilIdle();
      return { sim, order };
    }
    const first = await run({ seed: 7 });
    const replayed = await run({ seed: 7, replay: first.sim.decisions.decisions });
    replayed.sim.decisions.finishReplay(); // throws if the replay ended early
    expect(replayed.order).toEqual(first.order);
    expect(replayed.sim.trace.render()).toBe(first.sim.trace.render());
    // #endregion replay
  });
});

describe('docs/sim.md drift', () => {
  it('every marked block equals its executed region here', () => {
    expectGuideShowsRegions('docs/sim.md', 'src/sim/guide.test.ts');
  });
});
