import { describe, expect, it } from 'vitest';
import { callsOf, failing } from '../public/index.js';
import { createSimulation, simSqs } from '../public/sim.js';

/** A dependency a handler calls: the part `failing` makes misbehave. */
class Inventory {
  readonly reserved: string[] = [];
  async reserve(order: string): Promise<void> {
    await Promise.resolve();
    this.reserved.push(order);
  }
}

/** An SQS world with one message and a handler that reserves stock through `inventory`. */
async function world(inventory: Inventory) {
  const sim = createSimulation({ seed: 4 });
  const sqs = simSqs(sim, { standard: { duplicateRate: 0, reorderRate: 0, shortPollPartialRate: 0 } });
  const { QueueUrl } = await sqs.createQueue({
    QueueName: 'orders',
    Attributes: { VisibilityTimeout: '30' },
  });
  await sqs.sendMessage({ QueueUrl, MessageBody: 'order-1' });
  const attempts: number[] = [];
  const consumer = sqs.consume(
    QueueUrl,
    async (message) => {
      attempts.push(sim.now());
      await inventory.reserve(message.Body);
    },
    { name: 'orders' },
  );
  return { sim, consumer, attempts };
}

describe("the harness's failing() inside a simulation", () => {
  it('a dependency that fails twice makes the message come back after each visibility timeout, then succeed', async () => {
    const inventory = failing(new Inventory(), { reserve: { fail: 2 } });
    const { sim, consumer, attempts } = await world(inventory);
    await sim.runUntilIdle();
    expect(attempts).toEqual([0, 30_000, 60_000]);
    expect(consumer.errors.map((e) => (e.error as { code?: string }).code)).toEqual([
      'INJECTED_FAILURE',
      'INJECTED_FAILURE',
    ]);
    // Calls are stamped with virtual time: Date.now() inside the run is the simulation's clock.
    expect(callsOf(inventory, 'reserve').map((call) => [call.outcome, call.at])).toEqual([
      ['threw', 0],
      ['threw', 30_000],
      ['returned', 60_000],
    ]);
    expect(sim.ledger.all().map((e) => [e.fate, e.deliveries])).toEqual([['acked', 3]]);
  });

  it('a slow dependency (delayMs) takes virtual time, not real time', async () => {
    const inventory = failing(new Inventory(), { reserve: { delayMs: 5_000 } });
    const { sim, attempts } = await world(inventory);
    const started = performance.now();
    const result = await sim.runUntilIdle();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(attempts).toEqual([0]);
    expect(result.now).toBe(5_000);
    expect(inventory.reserved).toEqual(['order-1']);
    expect(sim.ledger.all().map((e) => e.fate)).toEqual(['acked']);
  });

  it('a dependency that hangs leaves the handler stuck, reported in virtual time', async () => {
    const inventory = failing(new Inventory(), { reserve: 'hang' });
    const { sim } = await world(inventory);
    const result = await sim.runUntilIdle();
    expect(result.stuck).toEqual([{ label: 'orders handler for m1', since: 0 }]);
  });
});
