import { describe, expect, it } from 'vitest';
import type { WireMessage } from '../../contracts/types.js';
import { createSimulation } from '../../sim/world.js';
import type { TransportFactory } from '../transport.js';
import { kafkaTransport } from './kafka.js';
import { rabbitMqTransport } from './rabbitmq.js';
import { sqsTransport } from './sqs.js';

const transports: [string, TransportFactory][] = [
  ['kafka', kafkaTransport],
  ['rabbitmq', rabbitMqTransport],
  ['sqs', sqsTransport(false)],
  ['sqs-fifo', sqsTransport(true)],
];

// Wire messages are prepared once per process and reused by every run, as the explorer does.
const wires: WireMessage[] = [
  { value: Buffer.from('{"n":1}'), headers: { 'event-type': 'Ping', id: 'a' }, key: 'k1' },
  { value: Buffer.from('{"n":2}'), headers: { 'event-type': 'Ping', id: 'b' }, key: 'k2' },
];

/** One world: publishes the wires and hands every delivery to `handle`; what each delivery read. */
async function run(
  factory: TransportFactory,
  handle: (wire: WireMessage) => void,
): Promise<{ text: string; headers: Record<string, string>; key: string | undefined }[]> {
  const sim = createSimulation({ seed: 1, trace: false });
  const transport = await factory(sim);
  const seen: { text: string; headers: Record<string, string>; key: string | undefined }[] = [];
  await transport.consume(
    (wire) => {
      seen.push({ text: Buffer.from(wire.value).toString(), headers: { ...wire.headers }, key: wire.key });
      handle(wire);
      return undefined;
    },
    { maxAttempts: 3, concurrency: 1, onDeadLetter: () => undefined },
  );
  await transport.publish(wires);
  await sim.runUntilIdle();
  return seen.sort((a, b) => a.text.localeCompare(b.text));
}

describe('scenario transports', () => {
  for (const [name, factory] of transports) {
    it(`${name}: a consumer that decodes in place changes nothing for later deliveries or runs`, async () => {
      const scribble = (wire: WireMessage) => {
        wire.value.fill(0x78); // a codec decrypting into the same buffer
      };
      const first = await run(factory, scribble);
      const second = await run(factory, () => undefined);
      const expected = [
        { text: '{"n":1}', headers: { 'event-type': 'Ping', id: 'a' } },
        { text: '{"n":2}', headers: { 'event-type': 'Ping', id: 'b' } },
      ];
      for (const deliveries of [first, second]) {
        // Standard SQS may deliver a message twice: every delivery reads the bytes that were sent.
        expect(deliveries.length).toBeGreaterThanOrEqual(2);
        for (const d of deliveries) expect(expected).toContainEqual({ text: d.text, headers: d.headers });
      }
      expect(wires.map((w) => Buffer.from(w.value).toString())).toEqual(['{"n":1}', '{"n":2}']);
    });

    it(`${name}: keys come back where the broker keeps them`, async () => {
      const deliveries = await run(factory, () => undefined);
      const keys = [...new Set(deliveries.map((d) => d.key))];
      // Kafka keeps the record key, RabbitMQ the correlation id; SQS FIFO the group, standard SQS none.
      expect(keys).toEqual(name === 'sqs' ? [undefined] : ['k1', 'k2']);
    });
  }
});
