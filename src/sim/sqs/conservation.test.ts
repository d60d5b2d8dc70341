import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSimulation, simSqs, type FaultSpec } from '../../public/sim.js';

const faultArbitrary: fc.Arbitrary<FaultSpec> = fc.oneof(
  fc.record({
    kind: fc.constant('duplicate' as const),
    probability: fc.double({ min: 0, max: 0.5, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('crash-before-ack' as const),
    probability: fc.double({ min: 0, max: 0.5, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('reorder' as const),
    probability: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('delay' as const),
    probability: fc.double({ min: 0, max: 0.5, noNaN: true }),
    delayMs: fc.integer({ min: 1, max: 5_000 }),
  }),
  fc.integer({ min: 0, max: 3_000 }).chain((fromMs) =>
    fc.record({
      kind: fc.constant('unavailable' as const),
      fromMs: fc.constant(fromMs),
      untilMs: fc.integer({ min: fromMs + 1, max: fromMs + 5_000 }),
    }),
  ),
);

const scenario = fc.record({
  seed: fc.integer(),
  fifo: fc.boolean(),
  failures: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 3, maxLength: 12 }),
  faults: fc.array(faultArbitrary, { maxLength: 4 }),
  maxReceiveCount: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  batchSize: fc.integer({ min: 1, max: 10 }),
  consumerStartsMs: fc.constantFrom(0, 0, 0, 61_000),
  rates: fc.record({
    duplicateRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
    reorderRate: fc.double({ min: 0, max: 1, noNaN: true }),
    shortPollPartialRate: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
});

describe('SQS model conservation', () => {
  it('never loses a message: each ends acked, dead-lettered, expired or still queued, under random fault schedules', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const sim = createSimulation({
          seed: s.seed,
          faults: s.faults.map((f) => ({ ...f, broker: 'sqs' })),
          trace: false,
        });
        const sqs = simSqs(sim, { standard: s.rates });
        const suffix = s.fifo ? '.fifo' : '';
        const fifo = s.fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {};
        const dlq = (await sqs.createQueue({ QueueName: `dlq${suffix}`, Attributes: fifo })).QueueUrl;
        const redrive =
          s.maxReceiveCount === undefined
            ? {}
            : {
                RedrivePolicy: JSON.stringify({
                  deadLetterTargetArn: sqs.queueArn(dlq),
                  maxReceiveCount: s.maxReceiveCount,
                }),
              };
        const url = (
          await sqs.createQueue({
            QueueName: `work${suffix}`,
            Attributes: { ...fifo, ...redrive, VisibilityTimeout: '1', MessageRetentionPeriod: '60' },
          })
        ).QueueUrl;
        const accepted = new Set<string>();
        let timedOut = 0;
        const attempts = new Map<string, number>();
        for (let i = 0; i < s.failures.length; i++) {
          const body = `m${i}`;
          sim.schedule(i * 400, 'send', () => {
            void sqs
              .sendMessage({
                QueueUrl: url,
                MessageBody: body,
                MessageGroupId: s.fifo ? `g${i % 3}` : undefined,
              })
              .then(
                (out) => void accepted.add(out.MessageId),
                (error: { name?: string }) => {
                  // RequestTimeout: stored, but the sender cannot know; ServiceUnavailable: not stored.
                  if (error.name === 'RequestTimeout') timedOut++;
                },
              );
          });
        }
        sim.schedule(s.consumerStartsMs, 'start consumer', () => {
          sqs.consume(
            url,
            (message) => {
              const n = (attempts.get(message.Body) ?? 0) + 1;
              attempts.set(message.Body, n);
              if (n <= s.failures[Number(message.Body.slice(1))]!) throw new Error('transient');
            },
            { batchSize: s.batchSize },
          );
        });
        const result = await sim.runUntilIdle({ maxSteps: 50_000 });
        expect(result.idle).toBe(true);
        const held = new Map<string, string>();
        for (const queue of [url, dlq])
          for (const m of sqs.inspect(queue).messages)
            held.set(m.id, `${queue === dlq ? 'dlq' : 'work'}:${m.state}`);
        const entries = sim.ledger.all().filter((e) => e.broker === 'sqs');
        const byMessageId = new Set(entries.map((e) => e.id));
        for (const entry of entries) {
          expect(['acked', 'dead-lettered', 'expired', 'queued']).toContain(entry.fate);
          if (entry.fate === 'queued') expect(held.get(entry.id)).toMatch(/^(work|dlq):(visible|delayed)$/);
          if (entry.fate === 'dead-lettered') expect(held.get(entry.id)).toMatch(/^dlq:/);
        }
        // Liveness: with a consumer running, nothing is left in the work queue once the world is idle.
        expect(sqs.inspect(url).messages).toEqual([]);
        // The ledger holds exactly the accepted sends: those that succeeded and those whose reply was lost.
        expect(byMessageId.size).toBe(accepted.size + timedOut);
      }),
      { numRuns: 10_000 },
    );
  }, 120_000);
});
