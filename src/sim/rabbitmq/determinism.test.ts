import { describe, expect, it } from 'vitest';
import {
  createSimulation,
  DivergenceError,
  simRabbitMq,
  type Decision,
  type FaultSpec,
} from '../../public/sim.js';

const faults: FaultSpec[] = [
  { kind: 'duplicate', broker: 'rabbitmq', probability: 0.2 },
  { kind: 'crash-before-ack', broker: 'rabbitmq', probability: 0.15 },
  { kind: 'reorder', broker: 'rabbitmq', probability: 0.5 },
  { kind: 'delay', broker: 'rabbitmq', probability: 0.1, delayMs: 30 },
  { kind: 'unavailable', broker: 'rabbitmq', target: 'shop', fromMs: 40, untilMs: 60 },
];

/** A small shop: topic routing to two queues with consumers on both, a DLQ, retries, TTL. */
async function scenario(options: { seed?: number; replay?: readonly Decision[] }) {
  const sim = createSimulation({ ...options, faults });
  const rabbit = simRabbitMq(sim);
  const ch = await rabbit.createChannel();
  await ch.assertExchange('shop', 'topic');
  await ch.assertExchange('dlx', 'fanout');
  await ch.assertQueue('dlq');
  await ch.bindQueue('dlq', 'dlx', '');
  for (const q of ['billing', 'shipping']) {
    await ch.assertQueue(q, { deadLetterExchange: 'dlx', messageTtl: 500 });
    const worker = await rabbit.createChannel();
    await worker.prefetch(2);
    let n = 0;
    await worker.consume(q, async (m) => {
      if (!m) return;
      await new Promise((r) => setTimeout(r, 5));
      if (++n % 5 === 0) worker.nack(m, false, !m.fields.redelivered);
      else worker.ack(m);
    });
  }
  await ch.bindQueue('billing', 'shop', 'order.*');
  await ch.bindQueue('shipping', 'shop', 'order.paid');
  for (let i = 0; i < 20; i++) {
    sim.schedule(i * 4, 'publish', () => {
      try {
        ch.publish('shop', i % 2 ? 'order.paid' : 'order.created', Buffer.from(String(i)));
      } catch {
        // the outage: the publisher learns and moves on
      }
    });
  }
  await sim.runUntilIdle();
  return sim;
}

describe('determinism', () => {
  it('one seed gives a byte-identical rendered trace, faults on', async () => {
    const first = await scenario({ seed: 99 });
    const second = await scenario({ seed: 99 });
    const trace = first.trace.render();
    expect(trace).toMatch(/fault/);
    expect(trace).toMatch(/redeliver/);
    expect(second.trace.render()).toBe(trace);
    const other = await scenario({ seed: 100 });
    expect(other.trace.render()).not.toBe(trace);
  });

  it('replaying the decision list reproduces the trace, and a changed scenario diverges loudly', async () => {
    const first = await scenario({ seed: 7 });
    const replayed = await scenario({ replay: first.decisions.decisions });
    expect(replayed.trace.render()).toBe(first.trace.render());
    const tampered = first.decisions.decisions.slice(0, 3).map((d) => ({ ...d, kind: `${d.kind}-changed` }));
    await expect(scenario({ replay: tampered })).rejects.toThrow(DivergenceError);
  });
});
