import { normaliseHeaders } from '../../contracts/bytes.js';
import type { Headers, WireMessage } from '../../contracts/types.js';
import { DecodeError } from '../../errors.js';
import type { SimChannel } from '../../sim/rabbitmq/channel.js';
import { rabbitMqCapabilities, simRabbitMq, type SimRabbitMq } from '../../sim/rabbitmq/rabbitmq.js';
import type { SimAmqpMessage } from '../../sim/rabbitmq/types.js';
import type { Simulation } from '../../sim/world.js';
import type { ConsumeOptions, ScenarioTransport } from '../transport.js';
import { sameRecord } from './same-record.js';

const QUEUE = 'events';
const DEAD_LETTER_EXCHANGE = 'events.dlx';
const DEAD_LETTER_QUEUE = 'events.dlq';

/** A published wire message as the channel sends it, and its headers as the consumer reads them. */
interface Outgoing {
  readonly content: Buffer;
  readonly headers: Readonly<Headers>;
  readonly key: string | undefined;
  /** What normalising these very headers gives on delivery. */
  readonly deliveredHeaders: Readonly<Headers>;
}

// A scenario publishes the same wire messages in every schedule: their headers are made once, not
// per run. Each publish still sends its own copy of the content, so a codec that decodes in place
// cannot change what a later run reads.
const outgoing = new WeakMap<WireMessage, Outgoing>();

function prepare(m: WireMessage): Outgoing {
  let out = outgoing.get(m);
  if (out) return out;
  const headers = Object.freeze({ ...m.headers });
  out = {
    content: Buffer.from(m.value),
    headers,
    key: m.key,
    deliveredHeaders: Object.freeze(normaliseHeaders(headers)),
  };
  outgoing.set(m, out);
  return out;
}

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
  return new RabbitMqScenarioTransport(rabbit, channel);
}

// A class rather than closures: a transport is made for every schedule.
class RabbitMqScenarioTransport implements ScenarioTransport {
  readonly broker = 'rabbitmq' as const;
  readonly capabilities = rabbitMqCapabilities;
  private published = 0;
  /** This run's publishes by message id: a delivery of one, headers unchanged, needs no normalising. */
  private readonly sent = new Map<string, Outgoing>();
  private readonly attempts = new Map<string, number>();
  private consumer: SimChannel | undefined;
  private handle: ((message: WireMessage) => Promise<void> | undefined) | undefined;
  private options: ConsumeOptions | undefined;

  constructor(
    private readonly rabbit: SimRabbitMq,
    private readonly channel: SimChannel,
  ) {}

  async publish(messages: readonly WireMessage[]): Promise<void> {
    for (const m of messages) {
      const out = prepare(m);
      const messageId = `msg-${++this.published}`;
      this.sent.set(messageId, out);
      this.channel.sendToQueue(
        QUEUE,
        Buffer.from(out.content),
        out.key === undefined
          ? { headers: out.headers, messageId, persistent: true }
          : { headers: out.headers, messageId, persistent: true, correlationId: out.key },
      );
      // A publish is a network write: consumers may run between two of them.
      await Promise.resolve();
    }
  }

  /** The wire message of a delivery; a dead-lettered copy (x-death) or a quorum redelivery is read anew. */
  private received(message: SimAmqpMessage): WireMessage {
    const { headers, correlationId, messageId } = message.properties;
    const sent = messageId === undefined ? undefined : this.sent.get(messageId);
    if (sent && correlationId === sent.key && sameRecord(headers, sent.headers))
      return { value: message.content, headers: sent.deliveredHeaders, key: correlationId };
    return { value: message.content, headers: normaliseHeaders(headers), key: correlationId };
  }

  async consume(
    handle: (message: WireMessage) => Promise<void> | undefined,
    options: ConsumeOptions,
  ): Promise<void> {
    this.handle = handle;
    this.options = options;
    const consumer = await this.rabbit.createChannel();
    this.consumer = consumer;
    await consumer.prefetch(options.concurrency);
    await consumer.consume(QUEUE, this.onMessage.bind(this));
  }

  /** Synchronous when the handler is (see HandlerRun.handle): the model then settles it at once. */
  private onMessage(message: SimAmqpMessage | null): Promise<void> | undefined {
    if (!message) return undefined;
    const wire = this.received(message);
    let result: Promise<void> | undefined;
    try {
      result = this.handle!(wire);
    } catch (error) {
      this.failed(message, wire, error);
      return undefined;
    }
    if (result === undefined) {
      this.consumer!.ack(message);
      return undefined;
    }
    return result.then(
      () => this.consumer!.ack(message),
      (error: unknown) => this.failed(message, wire, error),
    );
  }

  /** Poison, or the last allowed failure, is rejected to the dead-letter exchange; others are requeued. */
  private failed(message: SimAmqpMessage, wire: WireMessage, error: unknown): void {
    const id = message.properties.messageId ?? '';
    const n = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, n);
    if (error instanceof DecodeError || n >= this.options!.maxAttempts) {
      this.consumer!.nack(message, false, false);
      this.options!.onDeadLetter(wire, error instanceof DecodeError ? error.reason : `failed ${n} times`);
    } else {
      this.consumer!.nack(message, false, true);
    }
  }
}
