import { describe, expect, it } from 'vitest';
import {
  createSimulation,
  DEFAULT_MAX_STEPS,
  DivergenceError,
  RunawayError,
  simSqs,
  type Decision,
} from '../public/sim.js';
import { InvalidArgumentError } from '../errors.js';

/** A promise that settles after `turns` microtask turns and no virtual time. */
async function zeroTimeWork(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}

describe('time does not pass under a running handler', () => {
  it("lets a handler's long chain of awaits finish before the clock moves to the next task", async () => {
    const sim = createSimulation({ seed: 1 });
    const seen: string[] = [];
    sim.schedule(1_000, 'later', () => seen.push(`later@${sim.now()}`));
    sim.schedule(0, 'handler', () => {
      void sim.track(
        zeroTimeWork(500).then(() => seen.push(`handler done@${sim.now()}`)),
        'handler',
      );
    });
    await sim.runUntilIdle();
    expect(seen).toEqual(['handler done@0', 'later@1000']);
  });

  it('still lets time pass for a handler that waits on a virtual timer', async () => {
    const sim = createSimulation({ seed: 1 });
    let doneAt = -1;
    sim.schedule(0, 'handler', () => {
      void sim.track(
        (async () => {
          await zeroTimeWork(100);
          await new Promise((resolve) => setTimeout(resolve, 250));
          await zeroTimeWork(100);
          doneAt = sim.now();
        })(),
        'handler',
      );
    });
    const result = await sim.runUntilIdle();
    expect(doneAt).toBe(250);
    expect(result.stuck).toEqual([]);
  });

  it.each(['standard', 'fifo'] as const)(
    'an SQS %s consumer whose handler awaits 100 times deletes each message once, before its visibility timeout',
    async (type) => {
      const sim = createSimulation({ seed: 3 });
      const sqs = simSqs(sim, { standard: { duplicateRate: 0, reorderRate: 0, shortPollPartialRate: 0 } });
      const fifo = type === 'fifo';
      const { QueueUrl } = await sqs.createQueue({
        QueueName: fifo ? 'orders.fifo' : 'orders',
        Attributes: fifo
          ? { FifoQueue: 'true', ContentBasedDeduplication: 'true', VisibilityTimeout: '30' }
          : { VisibilityTimeout: '30' },
      });
      for (let i = 0; i < 5; i++)
        await sqs.sendMessage({
          QueueUrl,
          MessageBody: `order ${i}`,
          MessageGroupId: fifo ? 'g' : undefined,
        });
      const handled: string[] = [];
      const consumer = sqs.consume(QueueUrl, async (message) => {
        await zeroTimeWork(100);
        handled.push(`${message.Body}@${sim.now()}`);
      });
      await sim.runUntilIdle();
      expect(handled).toEqual([0, 1, 2, 3, 4].map((i) => `order ${i}@0`));
      expect(consumer.errors).toEqual([]);
      expect(sim.ledger.all().map((entry) => [entry.fate, entry.deliveries])).toEqual(
        Array.from({ length: 5 }, () => ['acked', 1]),
      );
    },
  );
});

describe('a run that never quiesces', () => {
  const poller = (sim: ReturnType<typeof createSimulation>) => {
    const poll = () => sim.schedule(10, 'poller', poll);
    poll();
  };

  it('throws a RunawayError naming what keeps it going, instead of hanging', async () => {
    const sim = createSimulation({ seed: 1, stepLimit: 1_000 });
    poller(sim);
    const error = await sim.runUntilIdle().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RunawayError);
    expect(error).toMatchObject({
      code: 'SIM_RUNAWAY',
      steps: 1_000,
      pending: [{ label: 'poller', count: 1 }],
    });
    expect((error as Error).message).toMatch(
      /still busy after 1,000 steps, at virtual time 10000 ms; still scheduled: 'poller'/,
    );
  });

  it('names a handler that polls on virtual timers forever and never settles', async () => {
    const sim = createSimulation({ seed: 1, stepLimit: 500 });
    sim.schedule(0, 'start', () => {
      void sim.track(
        (async () => {
          for (;;) await new Promise((resolve) => setTimeout(resolve, 100));
        })(),
        'orders handler',
      );
    });
    const error = await sim.runUntilIdle().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RunawayError);
    expect((error as RunawayError).inFlight).toEqual([{ label: 'orders handler', since: 0 }]);
    expect((error as Error).message).toContain(
      "1 handler(s) still running, the oldest 'orders handler' since 0 ms",
    );
  });

  it('with maxSteps, stops there and returns instead', async () => {
    const sim = createSimulation({ seed: 1, stepLimit: 1_000 });
    poller(sim);
    const result = await sim.runUntilIdle({ maxSteps: 5_000 });
    expect(result).toMatchObject({ steps: 5_000, idle: false });
  });

  it('has a default limit far above what real worlds take, and refuses a limit that is not a positive integer', () => {
    expect(DEFAULT_MAX_STEPS).toBe(10_000_000);
    for (const stepLimit of [0, -1, 1.5, Number.NaN])
      expect(() => createSimulation({ stepLimit })).toThrow(InvalidArgumentError);
  });
});

describe('replay', () => {
  /** An SQS world with anomalies at their default rates and a handler that uses Math.random. */
  async function run(options: { seed: number; replay?: readonly Decision[] }) {
    const sim = createSimulation(options);
    const sqs = simSqs(sim);
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'jobs' });
    const drawn: string[] = [];
    for (let i = 0; i < 60; i++) await sqs.sendMessage({ QueueUrl, MessageBody: `job ${i}` });
    sqs.consume(QueueUrl, (message) => void drawn.push(`${message.Body}:${Math.random().toFixed(6)}`), {
      batchSize: 10,
    });
    await sim.runUntilIdle();
    return { sim, drawn };
  }

  it('gives code inside the world the same Math.random numbers in a replay as in the run it replays', async () => {
    const first = await run({ seed: 11 });
    // The run made decisions (reorders, duplicates) between the handler's draws.
    expect(first.sim.decisions.size).toBeGreaterThan(0);
    const replayed = await run({ seed: 11, replay: first.sim.decisions.decisions });
    expect(replayed.drawn).toEqual(first.drawn);
    expect(replayed.sim.trace.render()).toBe(first.sim.trace.render());
    expect(() => replayed.sim.decisions.finishReplay()).not.toThrow();
  });

  it('reports a replay that ends before using every recorded decision', async () => {
    const world = (choices: number, replay?: readonly Decision[]) => {
      const sim = createSimulation({ seed: 5, replay });
      for (let i = 0; i < choices; i++) sim.schedule(i, 'pick', () => sim.decisions.choose('pick', 3));
      return sim;
    };
    const recorded = world(5);
    await recorded.runUntilIdle();
    const short = world(3, recorded.decisions.decisions);
    await short.runUntilIdle();
    expect(short.decisions.unreplayed).toBe(2);
    expect(() => short.decisions.finishReplay()).toThrow(DivergenceError);
    expect(() => short.decisions.finishReplay()).toThrow(
      /ended after 3 decision\(s\), but the recording has 5/,
    );
    const full = world(5, recorded.decisions.decisions);
    await full.runUntilIdle();
    expect(full.decisions.unreplayed).toBe(0);
    expect(() => full.decisions.finishReplay()).not.toThrow();
  });
});

describe('virtual Date and timers behave as Node code expects', () => {
  it('Date() without new gives the virtual moment as a string; dates made inside are ordinary Dates', async () => {
    const start = Date.UTC(2026, 10, 25, 12);
    const sim = createSimulation({ seed: 1, startMs: start });
    let called = '';
    let made: Date | undefined;
    sim.schedule(1_500, 'read', () => {
      called = (Date as unknown as () => string)();
      made = new Date();
    });
    await sim.runUntilIdle();
    expect(called).toBe(new Date(start + 1_500).toString());
    expect(made).toBeInstanceOf(Date);
    expect(made!.getTime()).toBe(start + 1_500);
    expect(Object.getPrototypeOf(made)).toBe(Date.prototype);
    expect(JSON.stringify({ at: made })).toBe(`{"at":"${new Date(start + 1_500).toISOString()}"}`);
  });

  it('setTimeout returns a timer with unref, hasRef, refresh and close, usable as its id', async () => {
    const sim = createSimulation({ seed: 1 });
    const fired: string[] = [];
    sim.schedule(0, 'set', () => {
      const unrefed = setTimeout(() => fired.push(`unrefed@${sim.now()}`), 10).unref();
      expect(unrefed.hasRef()).toBe(false);
      const refreshed = setTimeout(() => fired.push(`refreshed@${sim.now()}`), 100);
      sim.schedule(60, 'refresh', () => void refreshed.refresh());
      const closed = setTimeout(() => fired.push('closed'), 20);
      closed.close();
      const cleared = setTimeout(() => fired.push('cleared'), 30);
      clearTimeout(cleared);
      const byNumber = setTimeout(() => fired.push('by number'), 40);
      expect(typeof +byNumber).toBe('number');
      clearTimeout(+byNumber);
    });
    await sim.runUntilIdle();
    expect(fired).toEqual(['unrefed@10', 'refreshed@160']);
  });
});

describe('bad input to the world', () => {
  it('refuses options it would ignore or misread, with the option named', () => {
    const refused: [unknown, RegExp][] = [
      [null, /options must be an object/],
      [{ sead: 1 }, /unknown option 'sead'/],
      [{ seed: 'abc' }, /seed must be a whole number/],
      [{ seed: Number.NaN }, /seed must be a whole number/],
      [{ seed: 1.5 }, /seed must be a whole number/],
      [{ seed: 2 ** 53 }, /seed must be a whole number/],
      [{ startMs: Number.NaN }, /startMs must be a finite number/],
      [{ startMs: '5' }, /startMs must be a finite number/],
      [{ faults: { kind: 'duplicate' } }, /faults must be an array/],
      [{ faults: [null] }, /a fault is an object/],
      [{ faults: [{ kind: 'duplicate', broker: 'SQS' }] }, /unknown broker "SQS"/],
      [{ faults: [{ kind: 'delay', delayMs: -5 }] }, /delayMs must be a number of ms/],
      [
        { faults: [{ kind: 'duplicate', probability: '0.5' }] },
        /probability must be a number between 0 and 1/,
      ],
    ];
    for (const [options, message] of refused) {
      expect(() => createSimulation(options as never), JSON.stringify(options)).toThrow(InvalidArgumentError);
      expect(() => createSimulation(options as never), JSON.stringify(options)).toThrow(message);
    }
    // Seeds are 32-bit words: the extremes of that range are accepted.
    expect(createSimulation({ seed: -1 }).seed).toBe(-1);
    expect(createSimulation({ seed: 4294967295 }).seed).toBe(4294967295);
  });

  it('refuses a task that is not a function, an infinite delay, and run bounds that are not numbers', async () => {
    const sim = createSimulation({ seed: 1 });
    expect(() => sim.schedule(0, 'x', 42 as never)).toThrow(/the task must be a function/);
    expect(() => sim.schedule(Number.POSITIVE_INFINITY, 'x', () => {})).toThrow(/finite number of ms/);
    await expect(sim.advance(Number.NaN)).rejects.toThrow(/ms must be a finite number/);
    await expect(sim.advance(-5)).rejects.toThrow(InvalidArgumentError);
    await expect(sim.run({ untilMs: Number.NaN })).rejects.toThrow(/untilMs must be a virtual time/);
    await expect(sim.run({ maxSteps: Number.NaN })).rejects.toThrow(/maxSteps must be a whole number/);
    await expect(sim.run({ maxSteps: -1 })).rejects.toThrow(/maxSteps must be a whole number/);
    // The world is still usable after each refusal.
    sim.schedule(10, 'fine', () => {});
    await expect(sim.runUntilIdle()).resolves.toMatchObject({ now: 10, idle: true });
  });

  it('fails the run with the error of a scheduled async task that rejects, instead of losing it', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.schedule(0, 'job', async () => {
      await Promise.resolve();
      throw new Error('job failed');
    });
    await expect(sim.runUntilIdle()).rejects.toThrow('job failed');
    // A sync throw fails the run the same way.
    sim.schedule(0, 'sync job', () => {
      throw new Error('sync job failed');
    });
    await expect(sim.runUntilIdle()).rejects.toThrow('sync job failed');
  });
});
