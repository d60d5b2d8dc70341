import { normaliseHeaders } from '../../contracts/bytes.js';
import type { WireMessage } from '../../contracts/types.js';
import { DecodeError } from '../../errors.js';
import { kafkaCapabilities, simKafka, type SimKafka } from '../../sim/kafka/kafka.js';
import type { SimProducer } from '../../sim/kafka/producer.js';
import type { EachMessagePayload, KafkaMessage, ProducerRecord } from '../../sim/kafka/types.js';
import type { Simulation } from '../../sim/world.js';
import { copyOf } from './copy.js';
import type { ConsumeOptions, ScenarioTransport } from '../transport.js';
import { sameRecord } from './same-record.js';

/** A published wire message as the producer sends it, and as the consumer gets it back. */
interface Outgoing {
  readonly key: Buffer | null;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, Buffer>>;
  /** How many headers there are. */
  readonly headerCount: number;
  /** What normalising this exact key, value and headers gives on delivery. */
  readonly delivered: WireMessage;
  /** The producer's argument, frozen: the model must not change what it was asked to send. */
  readonly send: ProducerRecord;
}

// A scenario publishes the same wire messages in every schedule: their Buffers are made once, not
// per run. The model stores them as sent, so a delivery whose value, key and headers are these very
// Buffers is known without decoding headers again; anything else takes the general path.
const outgoing = new WeakMap<WireMessage, Outgoing>();
const byValue = new WeakMap<Buffer, Outgoing>();

function prepare(m: WireMessage): Outgoing {
  let out = outgoing.get(m);
  if (out) return out;
  const key = m.key === undefined ? null : Buffer.from(m.key, 'utf8');
  const value = Buffer.from(m.value);
  const headers: Record<string, Buffer> = {};
  for (const name of Object.keys(m.headers)) headers[name] = Buffer.from(m.headers[name]!, 'utf8');
  Object.freeze(headers);
  const delivered = toWire(value, headers, key);
  Object.freeze(delivered.headers);
  const send: ProducerRecord = Object.freeze({
    topic: TOPIC,
    messages: Object.freeze([Object.freeze({ key, value, headers })]) as ProducerRecord['messages'],
  });
  out = {
    key,
    value,
    headers,
    headerCount: Object.keys(headers).length,
    delivered: Object.freeze(delivered),
    send,
  };
  outgoing.set(m, out);
  byValue.set(value, out);
  return out;
}

const toWire = (
  value: Buffer | null,
  headers: KafkaMessage['headers'] | undefined,
  key: Buffer | null | undefined,
): WireMessage => ({
  value: value ?? new Uint8Array(0),
  headers: normaliseHeaders(headers),
  key: key?.toString(),
});

/**
 * The wire message of a delivery. The stored Buffer is shared by every run, so the consumer gets a
 * copy of it: a codec that decodes in place must not change what later deliveries or runs read.
 */
function received(message: KafkaMessage): WireMessage {
  const sent = message.value ? byValue.get(message.value) : undefined;
  if (sent && message.key === sent.key && sameRecord(message.headers, sent.headers, sent.headerCount))
    return { value: copyOf(sent.value), headers: sent.delivered.headers, key: sent.delivered.key };
  return toWire(message.value, message.headers, message.key);
}

const TOPIC = 'events';
/** The dead-letter-topic convention of Spring Kafka and most Node consumers. */
const DEAD_LETTER_TOPIC = `${TOPIC}.DLT`;

/**
 * Kafka as scenarios meet it: a keyed topic with 3 partitions, one consumer group committing after
 * each processed message (kafkajs default), retries by redelivery, and a dead-letter topic after
 * `maxAttempts` failures (or at once for poison).
 */
export async function kafkaTransport(sim: Simulation): Promise<ScenarioTransport> {
  const kafka = simKafka(sim);
  kafka.createTopic(TOPIC, { partitions: 3 });
  // The dead-letter topic is created when the first message goes there: most schedules never need it.
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  return new KafkaScenarioTransport(kafka, producer);
}

// A class rather than closures: a transport is made for every schedule, and its methods are bound
// once per schedule instead of allocating named closures (costly where names are kept, as in tsx).
class KafkaScenarioTransport implements ScenarioTransport {
  readonly broker = 'kafka' as const;
  readonly capabilities = kafkaCapabilities;
  private readonly attempts = new Map<string, number>();
  private handle: ((message: WireMessage) => Promise<void> | undefined) | undefined;
  private options: ConsumeOptions | undefined;

  constructor(
    private readonly kafka: SimKafka,
    private readonly producer: SimProducer,
  ) {}

  async publish(messages: readonly WireMessage[]): Promise<void> {
    for (const m of messages) await this.producer.send(prepare(m).send);
  }

  async consume(
    handle: (message: WireMessage) => Promise<void> | undefined,
    options: ConsumeOptions,
  ): Promise<void> {
    this.handle = handle;
    this.options = options;
    const consumer = this.kafka.consumer({ groupId: 'scenario', retryInitialMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: options.concurrency,
      eachMessage: this.eachMessage.bind(this),
    });
  }

  /** Synchronous when the handler is (see HandlerRun.handle): the model then settles it at once. */
  private eachMessage({ partition, message }: EachMessagePayload): Promise<void> | undefined {
    const wire = received(message);
    let result: Promise<void> | undefined;
    try {
      result = this.handle!(wire);
    } catch (error) {
      return this.failed(error, `${partition}@${message.offset}`, wire);
    }
    return result?.then(undefined, (error: unknown) =>
      this.failed(error, `${partition}@${message.offset}`, wire),
    );
  }

  /** A poison message or the last allowed failure goes to the dead-letter topic; others are retried. */
  private failed(error: unknown, id: string, wire: WireMessage): Promise<void> {
    if (error instanceof DecodeError) return this.deadLetter(wire, error.reason);
    const n = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, n);
    if (n >= this.options!.maxAttempts)
      return this.deadLetter(
        wire,
        `failed ${n} times: ${error instanceof Error ? error.message : String(error)}`,
      );
    throw error;
  }

  private async deadLetter(message: WireMessage, reason: string): Promise<void> {
    this.kafka.createTopic(DEAD_LETTER_TOPIC, { partitions: 1 });
    await this.producer.send({
      topic: DEAD_LETTER_TOPIC,
      messages: [
        {
          key: message.key ?? null,
          value: Buffer.from(message.value),
          headers: { ...message.headers, 'x-dead-letter-reason': reason },
        },
      ],
    });
    this.options!.onDeadLetter(message, reason);
  }
}
