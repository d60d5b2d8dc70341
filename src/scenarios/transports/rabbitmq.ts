import { normaliseHeaders } from '../../contracts/bytes.js';
import type { WireMessage } from '../../contracts/types.js';
import { DecodeError } from '../../errors.js';
import { rabbitMqCapabilities, simRabbitMq } from '../../sim/rabbitmq/rabbitmq.js';
import type { Simulation } from '../../sim/world.js';
import type { ScenarioTransport } from '../transport.js';

const QUEUE = 'events';
const DEAD_LETTER_EXCHANGE = 'events.dlx';
const DEAD_LETTER_QUEUE = 'events.dlq';

/**
 * RabbitMQ as scenarios meet it: one durable queue with a dead-letter exchange, one consumer with
 * prefetch 1 that acks after the handler succeeds, nacks with requeue on failure, and rejects
 * without requeue (→ DLX) after `maxAttempts` failures or at once for poison.
 */
export async function rabbitMqTransport(sim: Simulation): Promise<ScenarioTransport> {
  const rabbit = simRabbitMq(sim);
  const channel = await rabbit.createChannel();
  await channel.assertExchange(DEAD_LETTER_EXCHANGE, 'fanout', { durable: true });
  await channel.assertQueue(DEAD_LETTER_QUEUE, { durable: true });
  await channel.bindQueue(DEAD_LETTER_QUEUE, DEAD_LETTER_EXCHANGE, '');
  await channel.assertQueue(QUEUE, { durable: true, deadLetterExchange: DEAD_LETTER_EXCHANGE });
  let published = 0;
  return {
    broker: 'rabbitmq',
    capabilities: rabbitMqCapabilities,
    async publish(messages) {
      for (const m of messages) {
        channel.sendToQueue(QUEUE, Buffer.from(m.value), {
          headers: m.headers,
          messageId: `msg-${++published}`,
          persistent: true,
          ...(m.key === undefined ? {} : { correlationId: m.key }),
        });
        await Promise.resolve();
      }
    },
    async consume(handle, { maxAttempts, onDeadLetter, concurrency }) {
      const consumer = await rabbit.createChannel();
      await consumer.prefetch(concurrency);
      const attempts = new Map<string, number>();
      await consumer.consume(QUEUE, async (message) => {
        if (!message) return;
        const wire: WireMessage = {
          value: message.content,
          headers: normaliseHeaders(message.properties.headers),
          key: message.properties.correlationId,
        };
        try {
          await handle(wire);
          consumer.ack(message);
        } catch (error) {
          const id = message.properties.messageId ?? '';
          const n = (attempts.get(id) ?? 0) + 1;
          attempts.set(id, n);
          if (error instanceof DecodeError || n >= maxAttempts) {
            consumer.nack(message, false, false);
            onDeadLetter(wire, error instanceof DecodeError ? error.reason : `failed ${n} times`);
          } else {
            consumer.nack(message, false, true);
          }
        }
      });
    },
  };
}
