import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../world.js';
import { simKafka } from './kafka.js';

const TERMINAL = new Set(['acked', 'expired', 'rejected-by-broker']);

const schedule = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  partitions: fc.integer({ min: 1, max: 3 }),
  consumers: fc.integer({ min: 1, max: 3 }),
  assignor: fc.constantFrom('range' as const, 'roundrobin' as const, 'cooperative-sticky' as const),
  sends: fc.array(
    fc.record({
      at: fc.integer({ min: 0, max: 400 }),
      key: fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { nil: undefined }),
      count: fc.integer({ min: 1, max: 3 }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  acks: fc.constantFrom(0 as const, 1 as const, -1 as const),
  idempotent: fc.boolean(),
  asyncHandler: fc.boolean(),
  retentionMs: fc.option(fc.integer({ min: 50, max: 2000 }), { nil: undefined }),
  faults: fc.array(
    fc.oneof(
      fc.record({
        kind: fc.constant('duplicate' as const),
        probability: fc.double({ min: 0, max: 0.4, noNaN: true }),
      }),
      fc.record({
        kind: fc.constant('crash-before-ack' as const),
        probability: fc.double({ min: 0, max: 0.2, noNaN: true }),
      }),
      fc.record({
        kind: fc.constant('delay' as const),
        probability: fc.double({ min: 0, max: 0.5, noNaN: true }),
        delayMs: fc.integer({ min: 1, max: 300 }),
      }),
      fc
        .record({
          kind: fc.constant('unavailable' as const),
          fromMs: fc.integer({ min: 0, max: 300 }),
          length: fc.integer({ min: 1, max: 3000 }),
        })
        .map(({ kind, fromMs, length }) => ({ kind, fromMs, untilMs: fromMs + length })),
    ),
    { maxLength: 4 },
  ),
});

describe('Kafka model: conservation', () => {
  it('never loses a record: over random fault schedules every record ends acked, expired or rejected by the broker, and every acked one was handled', async () => {
    await fc.assert(
      fc.asyncProperty(schedule, async (s) => {
        const sim = createSimulation({
          seed: s.seed,
          trace: false,
          faults: s.faults.map((f) => ({ ...f, broker: 'kafka' })),
        });
        const kafka = simKafka(sim);
        kafka.createTopic('t', { partitions: s.partitions, retentionMs: s.retentionMs });
        const producer = kafka.producer({
          idempotent: s.idempotent && s.acks === -1,
          acks: s.acks,
          retry: { retries: 8, initialRetryTime: 50 },
        });
        await producer.connect();
        const handled = new Set<string>();
        for (let i = 0; i < s.consumers; i++) {
          const consumer = kafka.consumer({
            groupId: 'g',
            assignor: s.assignor,
            sessionTimeoutMs: 500,
            retryInitialMs: 10,
          });
          await consumer.subscribe({ topic: 't', fromBeginning: true });
          const seen = (partition: number, offset: string) => void handled.add(`${partition}@${offset}`);
          await consumer.run({
            eachMessage: s.asyncHandler
              ? ({ partition, message }) => Promise.resolve().then(() => seen(partition, message.offset))
              : ({ partition, message }) => seen(partition, message.offset),
          });
        }
        const outcomes: Promise<unknown>[] = [];
        let n = 0;
        for (const send of s.sends) {
          const messages = Array.from({ length: send.count }, () => ({ key: send.key, value: `v${n++}` }));
          sim.schedule(
            send.at,
            'send',
            () => void outcomes.push(producer.send({ topic: 't', messages }).catch((e: unknown) => e)),
          );
        }
        const result = await sim.runUntilIdle({ maxSteps: 200_000 });
        expect(result.idle).toBe(true);
        expect(result.stuck).toEqual([]);
        const settled = await Promise.all(outcomes);
        for (const outcome of settled)
          if (outcome instanceof Error) expect(outcome).toMatchObject({ code: 'BROKER_UNAVAILABLE' });
        // Every record the producer tried to send has a ledger entry (duplicates from retries add entries).
        expect(sim.ledger.count()).toBeGreaterThanOrEqual(n);
        for (const entry of sim.ledger.all())
          expect(TERMINAL.has(entry.fate), `${entry.id} ended ${entry.fate}`).toBe(true);
        for (let p = 0; p < s.partitions; p++) {
          for (const record of kafka.records('t', p)) {
            expect(
              handled.has(`${p}@${record.offset}`),
              `record ${record.id} at ${p}@${record.offset} was never handled`,
            ).toBe(true);
            expect(sim.ledger.get(record.id)?.fate).toBe('acked');
          }
        }
        expect(kafka.lag('g', 't').total).toBe(0);
      }),
      { numRuns: 10_000, seed: 20_26 },
    );
  }, 120_000);
});
