import { describe, expect, it } from 'vitest';
import { createSimulation, simSqs, type Simulation } from '../../public/sim.js';
import type { FaultSpec } from '../faults.js';
import type { Message } from './types.js';

// The consumer's run (several receives in one scheduler step) and its fused untraced paths must do
// exactly what one poll step per receive and the general per-message path do. A traced world takes
// the general path for every message, so each scenario runs twice, traced and not, and both runs
// must observe the same things and record the same decisions; some also pin absolute outcomes,
// since a change to the run itself would show in both.

type SimSqs = ReturnType<typeof simSqs>;
interface World {
  readonly sim: Simulation;
  readonly sqs: SimSqs;
  readonly QueueUrl: string;
  readonly log: unknown[];
}

const anomaliesOff = { standard: { duplicateRate: 0, reorderRate: 0, shortPollPartialRate: 0 } };
/** Rates high enough that a few dozen messages see reorders and duplicates. */
const anomalous = { standard: { duplicateRate: 0.2, reorderRate: 0.3 } };

async function world(
  trace: boolean,
  options: { sqs?: Parameters<typeof simSqs>[1]; fifo?: boolean; faults?: FaultSpec[] } = {},
): Promise<World> {
  const sim = createSimulation({ seed: 7, trace, faults: options.faults });
  const sqs = simSqs(sim, options.sqs ?? anomaliesOff);
  const { QueueUrl } = await sqs.createQueue(
    options.fifo
      ? { QueueName: 'orders.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }
      : { QueueName: 'orders' },
  );
  return { sim, sqs, QueueUrl, log: [] };
}

/** Sends m<from>..m<from + count - 1> in batches of 10 (FIFO: in three groups). */
async function fill(w: World, count: number, fifo = false, from = 1): Promise<void> {
  const end = from + count;
  for (let i = from; i < end; i += 10) {
    const entries = [];
    for (let j = i; j < i + 10 && j < end; j++)
      entries.push({ Id: `e${j}`, MessageBody: `m${j}`, MessageGroupId: fifo ? `g${j % 3}` : undefined });
    await w.sqs.sendMessageBatch({ QueueUrl: w.QueueUrl, Entries: entries });
  }
}

/** Runs `scenario` traced (general path) and untraced (fused path); both must see the same. */
async function bothWays(
  scenario: (w: World) => Promise<void>,
  options: Parameters<typeof world>[1] = {},
): Promise<World> {
  const runs: World[] = [];
  for (const trace of [true, false]) {
    const w = await world(trace, options);
    await scenario(w);
    runs.push(w);
  }
  const [traced, untraced] = runs as [World, World];
  expect(untraced.log).toEqual(traced.log);
  expect(untraced.sim.decisions.decisions).toEqual(traced.sim.decisions.decisions);
  expect(untraced.sim.ledger.all()).toEqual(traced.sim.ledger.all());
  expect(untraced.sim.now()).toBe(traced.sim.now());
  return untraced;
}

describe('SQS consumer: several receives in one step, fused when untraced', () => {
  it('delivers what a handler sends to its own queue mid-run, with the same draws (anomalies on)', async () => {
    const w = await bothWays(
      async (w) => {
        await fill(w, 40);
        w.sqs.consume(
          w.QueueUrl,
          (m) => {
            w.log.push([w.sim.now(), m.Body]);
            if (m.Body === 'm5' || m.Body === 'x1')
              void w.sqs.sendMessage({ QueueUrl: w.QueueUrl, MessageBody: m.Body === 'm5' ? 'x1' : 'x2' });
          },
          { batchSize: 10 },
        );
        await w.sim.runUntilIdle();
      },
      { sqs: anomalous },
    );
    const bodies = w.log.map((entry) => (entry as [number, string])[1]);
    expect(bodies).toContain('x1');
    expect(bodies).toContain('x2');
    expect(w.sim.ledger.all().every((e) => e.fate === 'acked')).toBe(true);
    // Reorder and duplicate windows, and picks: the decisions are really compared.
    const kinds = w.sim.decisions.decisions.map((d) => d.kind);
    expect(kinds.length).toBeGreaterThan(20);
    expect(new Set(kinds)).toEqual(new Set(['sqs:reorder', 'sqs:pick', 'sqs:duplicate']));
    expect(w.sim.ledger.all().some((e) => e.deliveries > 1)).toBe(true);
  });

  it('receives until the queue is empty in one step when nothing else is due', async () => {
    // Fails, rather than silently slowing down, if the consumer stops going on within the step.
    const w = await world(false);
    await fill(w, 100);
    const consumer = w.sqs.consume(w.QueueUrl, () => undefined, { batchSize: 10 });
    const result = await w.sim.runUntilIdle();
    expect(consumer.processed).toBe(100);
    expect(result.steps).toBe(1);
  });

  it('keeps two consumers on one queue taking turns, receive by receive', async () => {
    const w = await bothWays(async (w) => {
      await fill(w, 60);
      for (const name of ['a', 'b'])
        w.sqs.consume(w.QueueUrl, (m) => void w.log.push(`${name}:${m.Body}`), { batchSize: 10, name });
      await w.sim.runUntilIdle();
    });
    const by = (name: string) =>
      w.log.filter((entry) => (entry as string).startsWith(`${name}:`)).map((e) => (e as string).slice(2));
    const range = (from: number) => Array.from({ length: 10 }, (_, i) => `m${from + i}`);
    expect(by('a')).toEqual([...range(1), ...range(21), ...range(41)]);
    expect(by('b')).toEqual([...range(11), ...range(31), ...range(51)]);
  });

  it('serves parked consumers and batch handlers the same way, with the same draws (anomalies on)', async () => {
    const w = await bothWays(
      async (w) => {
        w.sqs.consume(w.QueueUrl, (m) => void w.log.push(`a:${m.Body}`), { batchSize: 10, name: 'a' });
        w.sqs.consume(
          w.QueueUrl,
          (messages) => {
            w.log.push(`b:${messages.map((m) => m.Body).join(',')}`);
            return messages.filter((m) => m.Body !== 'm105');
          },
          { batchSize: 4, name: 'b', handleMessageBatch: true, visibilityTimeout: 1 },
        );
        for (const at of [100, 200, 250]) w.sim.schedule(at, 'producer', () => void fill(w, 25, false, at));
        await w.sim.advance(5_000);
        w.log.push(w.sqs.inspect(w.QueueUrl).visible);
      },
      { sqs: anomalous },
    );
    expect(w.log.some((e) => String(e).startsWith('a:'))).toBe(true);
    expect(w.log.some((e) => String(e).startsWith('b:'))).toBe(true);
  });

  it('lets a task a handler schedules run before the next receive', async () => {
    const w = await bothWays(async (w) => {
      await fill(w, 30);
      const consumer = w.sqs.consume(
        w.QueueUrl,
        (m) => {
          if (m.Body === 'm3') w.sim.schedule(0, 'probe', () => void w.log.push(consumer.processed));
        },
        { batchSize: 10 },
      );
      await w.sim.runUntilIdle();
      w.log.push(consumer.processed);
    });
    expect(w.log).toEqual([10, 30]);
  });

  it('takes one step per receive while someone watches the steps', async () => {
    const w = await bothWays(async (w) => {
      await fill(w, 30);
      const consumer = w.sqs.consume(w.QueueUrl, () => undefined, { batchSize: 10 });
      w.sim.onStep(() => void w.log.push(consumer.processed));
      await w.sim.runUntilIdle();
    });
    // The last poll finds nothing and parks.
    expect(w.log).toEqual([10, 20, 30, 30]);
  });

  it('yields after a budget of receives, so a handler feeding its own queue cannot freeze the world', async () => {
    const w = await world(false);
    await fill(w, 1);
    const consumer = w.sqs.consume(
      w.QueueUrl,
      (m) => void w.sqs.sendMessage({ QueueUrl: w.QueueUrl, MessageBody: m.Body }),
    );
    const result = await w.sim.runUntilIdle({ maxSteps: 3 });
    expect(result).toMatchObject({ steps: 3, idle: false });
    expect(consumer.processed).toBeGreaterThan(3);
    expect(consumer.processed).toBeLessThanOrEqual(3 * 1_000);
    consumer.stop();
  });

  it('finishes the batch in hand and receives no more after stop() mid-run', async () => {
    const w = await bothWays(async (w) => {
      await fill(w, 50);
      const consumer = w.sqs.consume(
        w.QueueUrl,
        (m) => {
          w.log.push(m.Body);
          if (m.Body === 'm15') consumer.stop();
        },
        { batchSize: 10 },
      );
      await w.sim.runUntilIdle();
      const { visible, inFlight } = w.sqs.inspect(w.QueueUrl);
      w.log.push({ processed: consumer.processed, visible, inFlight });
    });
    expect(w.log.at(-1)).toEqual({ processed: 20, visible: 30, inFlight: 0 });
  });

  it('deletes nothing more after crash() mid-run; the batch in hand reappears after its timeout', async () => {
    const w = await bothWays(async (w) => {
      await fill(w, 50);
      const consumer = w.sqs.consume(
        w.QueueUrl,
        (m) => {
          w.log.push(m.Body);
          if (m.Body === 'm15') consumer.crash();
        },
        { batchSize: 10, visibilityTimeout: 5 },
      );
      await w.sim.advance(1_000);
      const { visible, inFlight } = w.sqs.inspect(w.QueueUrl);
      w.log.push({ processed: consumer.processed, visible, inFlight });
      await w.sim.advance(5_000);
      w.log.push(w.sqs.inspect(w.QueueUrl).visible);
    });
    expect(w.log.slice(-2)).toEqual([{ processed: 14, visible: 30, inFlight: 6 }, 36]);
  });

  it('leaves a message that throws to reappear and carries on with the rest of the run', async () => {
    const w = await bothWays(async (w) => {
      await fill(w, 30);
      let thrown = false;
      const consumer = w.sqs.consume(
        w.QueueUrl,
        (m) => {
          w.log.push([w.sim.now(), m.Body]);
          if (m.Body === 'm7' && !thrown) {
            thrown = true;
            throw new Error('boom');
          }
        },
        { batchSize: 10, visibilityTimeout: 2 },
      );
      await w.sim.runUntilIdle();
      w.log.push({ processed: consumer.processed, errors: consumer.errors.length });
    });
    expect(w.log.at(-1)).toEqual({ processed: 30, errors: 1 });
    expect(w.log).toContainEqual([2_000, 'm7']);
    expect(w.sim.ledger.all().every((e) => e.fate === 'acked')).toBe(true);
  });

  it('keeps the visibility timer ahead of a task a handler schedules for the same moment', async () => {
    // The untraced run keeps a receive in hand, out of the timeline, but must arm the timer when the
    // traced run does: at the receive, before any handler, so the timer runs first at that moment.
    const w = await bothWays(async (w) => {
      await fill(w, 10);
      let thrown = false;
      w.sqs.consume(
        w.QueueUrl,
        (m) => {
          if (m.Body !== 'm3' || thrown) return;
          thrown = true;
          w.sim.schedule(2_000, 'probe', () => void w.log.push(w.sim.ledger.get('m3')?.fate));
          throw new Error('boom');
        },
        { batchSize: 10, visibilityTimeout: 2 },
      );
      await w.sim.runUntilIdle();
    });
    // The timer made m3 visible again just before the probe looked.
    expect(w.log[0]).toBe('queued');
  });

  it('shows a handler the queue as it is at that message: the rest of the batch in flight', async () => {
    const w = await bothWays(async (w) => {
      await fill(w, 25);
      w.sqs.consume(
        w.QueueUrl,
        (m) => {
          const { visible, inFlight } = w.sqs.inspect(w.QueueUrl);
          w.log.push([m.Body, visible, inFlight]);
          void w.sqs
            .getQueueAttributes({ QueueUrl: w.QueueUrl })
            .then(({ Attributes }) =>
              w.log.push([
                m.Body,
                Attributes?.ApproximateNumberOfMessages,
                Attributes?.ApproximateNumberOfMessagesNotVisible,
              ]),
            );
        },
        { batchSize: 10 },
      );
      await w.sim.runUntilIdle();
    });
    expect(w.log).toContainEqual(['m1', 15, 10]);
    expect(w.log).toContainEqual(['m2', 15, 9]);
    expect(w.log).toContainEqual(['m2', '15', '9']);
    expect(w.log).toContainEqual(['m21', 0, 5]);
  });

  it('takes the general path from the moment a handler adds a fault', async () => {
    const w = await bothWays(async (w) => {
      await fill(w, 30);
      const consumer = w.sqs.consume(
        w.QueueUrl,
        (m) => {
          w.log.push(m.Body);
          if (m.Body === 'm4')
            w.sim.faults.add({ kind: 'crash-before-ack', broker: 'sqs', probability: 0.5 });
        },
        { batchSize: 10, visibilityTimeout: 1 },
      );
      await w.sim.advance(500);
      w.log.push({ processed: consumer.processed, ...w.sqs.inspect(w.QueueUrl), messages: undefined });
      consumer.stop();
    });
    const counts = w.log.at(-1) as { processed: number; inFlight: number };
    expect(counts.processed).toBe(30);
    expect(counts.inFlight).toBeGreaterThan(0); // some deletes were lost to the fault
  });

  it('handles a visibility change and a delete by receipt handle from inside the handler', async () => {
    const w = await bothWays(async (w) => {
      await fill(w, 20);
      const consumer = w.sqs.consume(
        w.QueueUrl,
        (m) => {
          w.log.push([w.sim.now(), m.Body]);
          if (m.Body === 'm3')
            void w.sqs.changeMessageVisibility({
              QueueUrl: w.QueueUrl,
              ReceiptHandle: m.ReceiptHandle,
              VisibilityTimeout: 0,
            });
          if (m.Body === 'm4')
            void w.sqs.deleteMessage({ QueueUrl: w.QueueUrl, ReceiptHandle: m.ReceiptHandle });
        },
        { batchSize: 10 },
      );
      await w.sim.runUntilIdle();
      w.log.push({ processed: consumer.processed, ...w.sqs.inspect(w.QueueUrl), messages: undefined });
    });
    expect(w.log.at(-1)).toMatchObject({ processed: 20, visible: 0, inFlight: 0 });
  });

  it('on FIFO, keeps a message whose visibility a handler set to 0, and redelivers one that threw', async () => {
    const w = await bothWays(
      async (w) => {
        await fill(w, 30, true);
        let thrown = false;
        let changed = false;
        const consumer = w.sqs.consume(
          w.QueueUrl,
          (m) => {
            w.log.push([w.sim.now(), m.Body]);
            if (m.Body === 'm3' && !thrown) {
              thrown = true;
              throw new Error('boom');
            }
            if (m.Body === 'm5' && !changed) {
              changed = true;
              void w.sqs.changeMessageVisibility({
                QueueUrl: w.QueueUrl,
                ReceiptHandle: m.ReceiptHandle,
                VisibilityTimeout: 0,
              });
            }
          },
          { batchSize: 10, visibilityTimeout: 3 },
        );
        await w.sim.advance(10_000);
        w.log.push({ processed: consumer.processed, ...w.sqs.inspect(w.QueueUrl), messages: undefined });
        consumer.stop();
      },
      { fifo: true },
    );
    // m3 threw: its group waits for its visibility timeout; m5's receipt went stale when it became
    // visible again, so its delete failed and it was received again.
    expect(w.log).toContainEqual([3_000, 'm3']);
    expect(w.log.filter((e) => Array.isArray(e) && e[1] === 'm5').length).toBeGreaterThan(1);
  });

  for (const ask of [
    { attributeNames: ['ApproximateReceiveCount'] },
    { messageAttributeNames: ['All'] },
    { alwaysAcknowledge: false },
  ])
    it(`receives and deletes as asked with ${JSON.stringify(ask)}`, async () => {
      const w = await bothWays(async (w) => {
        await fill(w, 20);
        await w.sqs.sendMessage({
          QueueUrl: w.QueueUrl,
          MessageBody: 'with attributes',
          MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' } },
        });
        const consumer = w.sqs.consume(
          w.QueueUrl,
          (m) => {
            w.log.push([m.Body, m.Attributes, m.MessageAttributes]);
            return m.Body === 'm2' ? undefined : m;
          },
          { batchSize: 10, ...ask },
        );
        await w.sim.advance(1_000);
        w.log.push({ processed: consumer.processed, ...w.sqs.inspect(w.QueueUrl), messages: undefined });
        consumer.stop();
      });
      expect(w.log.at(-1)).toMatchObject({
        processed: 21,
        inFlight: ask.alwaysAcknowledge === false ? 1 : 0,
      });
      if (ask.attributeNames)
        expect(w.log).toContainEqual(['m1', { ApproximateReceiveCount: '1' }, undefined]);
      if (ask.messageAttributeNames)
        expect(w.log).toContainEqual([
          'with attributes',
          undefined,
          { kind: { DataType: 'String', StringValue: 'order' } },
        ]);
    });

  for (const fifo of [false, true])
    it(`dead-letters and expires on the way, as a receive does (${fifo ? 'FIFO' : 'standard'})`, async () => {
      const w = await bothWays(
        async (w) => {
          const { QueueUrl: dlq } = await w.sqs.createQueue(
            fifo ? { QueueName: 'dead.fifo', Attributes: { FifoQueue: 'true' } } : { QueueName: 'dead' },
          );
          await w.sqs.setQueueAttributes({
            QueueUrl: w.QueueUrl,
            Attributes: {
              MessageRetentionPeriod: '60',
              RedrivePolicy: JSON.stringify({ deadLetterTargetArn: w.sqs.queueArn(dlq), maxReceiveCount: 2 }),
            },
          });
          await fill(w, 10, fifo);
          await w.sim.advance(61_000);
          await fill(w, 20, fifo, 11);
          const consumer = w.sqs.consume(
            w.QueueUrl,
            (m) => {
              w.log.push([w.sim.now(), m.Body]);
              if (m.Body === 'm14') throw new Error('poison');
            },
            { batchSize: 10, visibilityTimeout: 1 },
          );
          await w.sim.advance(10_000);
          consumer.stop();
          w.log.push(w.sqs.inspect(dlq).messages.map((m) => m.Body));
        },
        { fifo },
      );
      expect(w.log.at(-1)).toEqual(['m14']);
      expect(w.sim.ledger.all().filter((e) => e.fate === 'expired')).toHaveLength(10);
    });

  it('stops the run at a handler that returns a promise and goes on when it settles', async () => {
    const w = await bothWays(async (w) => {
      await fill(w, 30);
      const consumer = w.sqs.consume(
        w.QueueUrl,
        (m: Message) => {
          w.log.push([w.sim.now(), m.Body]);
          if (m.Body === 'm12')
            return new Promise<void>((resolve) => w.sim.schedule(100, 'slow', () => resolve()));
          return undefined;
        },
        { batchSize: 10 },
      );
      await w.sim.runUntilIdle();
      w.log.push(consumer.processed);
    });
    expect(w.log).toContainEqual([100, 'm21']);
    expect(w.log.at(-1)).toBe(30);
  });

  it('keeps FIFO groups in order across runs, also with a handler that sends into a group', async () => {
    const w = await bothWays(
      async (w) => {
        await fill(w, 30, true);
        w.sqs.consume(
          w.QueueUrl,
          (m) => {
            w.log.push([w.sim.now(), m.Body]);
            if (m.Body === 'm4')
              void w.sqs.sendMessage({ QueueUrl: w.QueueUrl, MessageBody: 'late', MessageGroupId: 'g1' });
          },
          { batchSize: 10 },
        );
        await w.sim.runUntilIdle();
      },
      { fifo: true },
    );
    const bodies = w.log.map((entry) => (entry as [number, string])[1]);
    expect(bodies).toHaveLength(31);
    const group1 = bodies.filter((b) => b === 'late' || Number(b.slice(1)) % 3 === 1);
    expect(group1.at(-1)).toBe('late');
  });
});
