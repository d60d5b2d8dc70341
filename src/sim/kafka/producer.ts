import { isImmutableRecord } from '../immutable.js';
import { EventproofError, failure } from '../../errors.js';
import type { SimKafka } from './kafka.js';
import type { Partition, Topic } from './log.js';
import { murmur2, toPositive } from './murmur2.js';
import { rejectWith, validateAcks, type ResolvedProducerOptions } from './options.js';
import type {
  Acks,
  KafkaHeaders,
  KafkaMessage,
  Message,
  ProducerBatch,
  ProducerRecord,
  RecordMetadata,
} from './types.js';

const BROKER = 'kafka';
const EMPTY_HEADERS: KafkaMessage['headers'] = Object.freeze({});

/** One partition's share of a send: what a real producer puts in one produce request. */
interface PartitionBatch {
  readonly partition: Partition;
  readonly messages: KafkaMessage[];
  readonly timestamps: number[];
  /** Idempotent producers number each batch; a retry carries the same numbers. */
  baseSequence: number;
  written: boolean;
  baseOffset: number;
}

/**
 * A kafkajs-shaped producer. Without faults a send appends at once and resolves in the same tick.
 * During an `unavailable` window it behaves like kafkajs: each attempt fails cleanly or ends unknown
 * (written, response lost: a recorded decision), and internal retries back off in virtual time —
 * which duplicates records unless the producer is idempotent.
 *
 * @example
 * ```ts
 * const producer = kafka.producer({ idempotent: true });
 * await producer.connect();
 * const [meta] = await producer.send({ topic: 'orders', messages: [{ key: 'o-1', value: 'created' }] });
 * ```
 */
export class SimProducer {
  private connected = false;
  private busy = false;
  private readonly queue: (() => void)[] = [];
  private readonly sequences = new Map<Partition, number>();
  private readonly roundRobin = new Map<Topic, number>();

  /** @internal */
  constructor(
    private readonly kafka: SimKafka,
    private readonly options: ResolvedProducerOptions,
    /** The producer id the broker sees (idempotence is keyed by it). */
    readonly producerId: number,
  ) {}

  connect(): Promise<void> {
    this.connected = true;
    return Promise.resolve();
  }

  disconnect(): Promise<void> {
    this.connected = false;
    return Promise.resolve();
  }

  /** Sends records to one topic; resolves to one RecordMetadata per partition written. */
  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    try {
      return this.sendTopic(record.topic, record.messages, record.acks);
    } catch (error) {
      return rejectWith(error);
    }
  }

  /** Sends records to several topics. */
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    try {
      const sends = (batch.topicMessages ?? []).map((t) => this.sendTopic(t.topic, t.messages, batch.acks));
      return Promise.all(sends).then((all) => all.flat());
    } catch (error) {
      return rejectWith(error);
    }
  }

  private sendTopic(
    topicName: string,
    messages: Message[],
    acksOption: Acks | undefined,
  ): Promise<RecordMetadata[]> {
    if (!this.connected) {
      throw new EventproofError(
        'INVALID_ARGUMENT',
        failure(
          `send to '${String(topicName)}'`,
          'the producer is not connected (kafkajs: "The producer is disconnected")',
          'Call await producer.connect() before sending',
        ),
      );
    }
    const acks =
      acksOption === undefined ? this.options.acks : validateAcks(acksOption, `send to '${topicName}'`);
    if (this.options.idempotent && acks !== -1) {
      throw new EventproofError(
        'SIM_CONFIG',
        failure(
          `send to '${topicName}'`,
          `an idempotent producer must use acks -1, got ${acks}`,
          'Drop acks from the send',
        ),
      );
    }
    // The action is named only for the error: a send to an existing topic builds no string.
    const topic =
      this.kafka.topics.get(topicName) ?? this.kafka.topic(topicName, `send to '${String(topicName)}'`);
    if (!Array.isArray(messages) || messages.length === 0) {
      throw new EventproofError(
        'INVALID_ARGUMENT',
        failure(
          `send to '${topicName}'`,
          'messages must be a non-empty array',
          "Pass e.g. { topic, messages: [{ key: 'k', value: 'v' }] }",
        ),
      );
    }
    const batches = this.partitionBatches(topic, messages);
    if (this.busy) {
      // An idempotent producer has one request in flight at a time (kafkajs forces maxInFlightRequests 1),
      // so a send waits for the one retrying before it: sequence numbers never leave a gap.
      return new Promise((resolve, reject) =>
        this.queue.push(() => this.start(topic, batches, acks, resolve, reject)),
      );
    }
    const sim = this.kafka.sim;
    if (
      sim.faults.active.length === 0 ||
      sim.faults.unavailableUntil(BROKER, topic.name, sim.now()) === undefined
    ) {
      this.number(batches);
      for (const batch of batches) this.write(batch, undefined);
      return Promise.resolve(acks === 0 ? [] : batches.map(metadata));
    }
    return new Promise((resolve, reject) => this.start(topic, batches, acks, resolve, reject));
  }

  private start(
    topic: Topic,
    batches: PartitionBatch[],
    acks: Acks,
    resolve: (m: RecordMetadata[]) => void,
    reject: (e: Error) => void,
  ): void {
    this.number(batches);
    if (this.options.idempotent) this.busy = true;
    const next = () => {
      this.busy = false;
      this.queue.shift()?.();
    };
    const done = (m: RecordMetadata[]) => {
      resolve(m);
      next();
    };
    const failed = (e: Error) => {
      reject(e);
      next();
    };
    this.attempt(topic, batches, acks, 0, done, failed);
  }

  /** Idempotent producers number each partition's batches as they go out; a retry keeps the numbers. */
  private number(batches: PartitionBatch[]): void {
    if (!this.options.idempotent) return;
    for (const batch of batches) {
      const next = this.sequences.get(batch.partition) ?? 0;
      batch.baseSequence = next;
      this.sequences.set(batch.partition, next + batch.messages.length);
    }
  }

  private partitionBatches(topic: Topic, messages: Message[]): PartitionBatch[] {
    // Most sends touch one or a few partitions: a short list is searched; a Map only past 8.
    const batches: PartitionBatch[] = [];
    let byPartition: Map<Partition, PartitionBatch> | undefined;
    const now = this.kafka.sim.now();
    const count = topic.partitions.length;
    let sticky = -1;
    let lastTimestamp = Number.NaN;
    let lastTimestampText = '';
    for (const m of messages) {
      if (m === null || typeof m !== 'object') {
        throw new EventproofError(
          'INVALID_ARGUMENT',
          failure(
            `send to '${topic.name}'`,
            `a message must be an object with a value, got ${String(m)}`,
            "Use { key?: 'k', value: 'v' }",
          ),
        );
      }
      const key = toBuffer(m.key);
      let index: number;
      if (m.partition !== undefined && m.partition !== null)
        index = this.kafka.partitionOf(topic.name, m.partition, `send to '${topic.name}'`).index;
      else if (key !== null) index = toPositive(murmur2(key)) % count;
      else if (this.options.keyless === 'sticky') {
        if (sticky < 0) sticky = this.kafka.sim.decisions.choose('kafka:sticky-partition', count);
        index = sticky;
      } else {
        // kafkajs starts each topic's round-robin counter at a random point: that start is the decision.
        let next = this.roundRobin.get(topic);
        if (next === undefined) next = this.kafka.sim.decisions.choose('kafka:keyless-start', count);
        index = next % count;
        this.roundRobin.set(topic, next + 1);
      }
      const partition = topic.partitions[index]!;
      let batch: PartitionBatch | undefined;
      if (byPartition) batch = byPartition.get(partition);
      else for (const b of batches) if (b.partition === partition) batch = b;
      if (!batch) {
        batch = { partition, messages: [], timestamps: [], baseSequence: 0, written: false, baseOffset: -1 };
        batches.push(batch);
        if (byPartition) byPartition.set(partition, batch);
        else if (batches.length > 8) byPartition = new Map(batches.map((b) => [b.partition, b]));
      }
      const timestamp = m.timestamp === undefined ? now : Number(m.timestamp);
      // Records of one send usually share a timestamp: one string for them all (strings are immutable).
      if (timestamp !== lastTimestamp || lastTimestampText === '') {
        lastTimestamp = timestamp;
        lastTimestampText = String(timestamp);
      }
      batch.messages.push({
        key,
        value: toBuffer(m.value),
        headers: m.headers ? toHeaders(m.headers) : EMPTY_HEADERS,
        timestamp: lastTimestampText,
        offset: '',
        attributes: 0,
        size: 0,
      });
      batch.timestamps.push(timestamp);
    }
    return batches;
  }

  /** Appends a batch, unless the broker already has it from this idempotent producer. */
  private write(batch: PartitionBatch, detail: string | undefined): void {
    const p = batch.partition;
    if (this.options.idempotent) {
      const earlier = p.duplicateOf(this.producerId, batch.baseSequence);
      if (earlier !== undefined) {
        batch.baseOffset = earlier;
        batch.written = true;
        if (this.kafka.tracing)
          this.kafka.trace(
            'drop',
            p.where,
            undefined,
            undefined,
            `idempotent producer ${this.producerId}: sequence ${batch.baseSequence} already written at offset ${earlier}, not appended again`,
          );
        return;
      }
    }
    const baseOffset = p.highWatermark;
    for (let i = 0; i < batch.messages.length; i++) {
      const message = batch.messages[i]!;
      // The first append uses the batch's object; a retried copy gets its own, with its own offset.
      const stored: KafkaMessage = batch.written ? { ...message, offset: String(p.highWatermark) } : message;
      if (!batch.written) (stored as { offset: string }).offset = String(p.highWatermark);
      this.kafka.append(p, stored, batch.timestamps[i]!, detail);
    }
    if (this.options.idempotent)
      p.rememberSequence(this.producerId, batch.baseSequence + batch.messages.length - 1, baseOffset);
    if (!batch.written) batch.baseOffset = baseOffset;
    batch.written = true;
  }

  private attempt(
    topic: Topic,
    batches: PartitionBatch[],
    acks: Acks,
    attempt: number,
    resolve: (m: RecordMetadata[]) => void,
    reject: (e: Error) => void,
  ): void {
    const kafka = this.kafka;
    const sim = kafka.sim;
    const until = sim.faults.unavailableUntil(BROKER, topic.name, sim.now());
    const retryNote =
      attempt > 0
        ? this.options.idempotent
          ? `retry ${attempt}`
          : `retry ${attempt} (not idempotent: a copy if an earlier attempt was written)`
        : undefined;
    if (until === undefined) {
      for (const batch of batches) this.write(batch, retryNote);
      resolve(acks === 0 ? [] : batches.map(metadata));
      return;
    }
    if (acks === 0) {
      // Fire and forget: the producer never learns the broker was down; the records were never accepted.
      for (const batch of batches)
        for (const m of batch.messages)
          kafka.rejected(
            batch.partition,
            m,
            'acks=0 during an outage: never written, the producer was not told',
          );
      resolve([]);
      return;
    }
    const written = sim.decisions.choose('kafka:send-outcome', 2) === 1;
    if (written) {
      for (const batch of batches)
        this.write(batch, `${retryNote ?? 'attempt'} during an outage: written, the response was lost`);
    }
    if (kafka.tracing)
      kafka.trace(
        'fault',
        topic.name,
        undefined,
        undefined,
        `producer ${this.producerId} attempt ${attempt + 1}: broker unavailable until ${until}ms, ${written ? 'outcome unknown (written, no response)' : 'failed (retriable), not written'}`,
      );
    if (attempt < this.options.retries) {
      const wait = Math.min(this.options.maxRetryTime, this.options.initialRetryTime * 2 ** attempt);
      sim.schedule(wait, 'kafka:producer-retry', () =>
        this.attempt(topic, batches, acks, attempt + 1, resolve, reject),
      );
      return;
    }
    for (const batch of batches) {
      if (batch.written) continue;
      for (const m of batch.messages)
        kafka.rejected(batch.partition, m, `send failed after ${attempt + 1} attempts: never written`);
      // Nothing went out after it (one request in flight), so its numbers are free for the next batch.
      if (this.options.idempotent) this.sequences.set(batch.partition, batch.baseSequence);
    }
    reject(
      new EventproofError(
        'BROKER_UNAVAILABLE',
        failure(
          `send to '${topic.name}'`,
          `the broker was unavailable for all ${attempt + 1} attempts${batches.some((b) => b.written) ? ' (some attempts may have been written: the outcome is unknown)' : ''}`,
          'Retry the send (with an idempotent producer to avoid duplicates), or shorten the unavailable window',
        ),
      ),
    );
  }
}

const metadata = (batch: PartitionBatch): RecordMetadata => {
  const offset = String(batch.baseOffset);
  return {
    topicName: batch.partition.topic.name,
    partition: batch.partition.index,
    errorCode: 0,
    baseOffset: offset,
    offset,
    logAppendTime: '-1',
    logStartOffset: String(batch.partition.logStartOffset),
  };
};

function toBuffer(value: Buffer | string | null | undefined): Buffer | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (Buffer.isBuffer(value)) return value;
  if ((value as unknown) instanceof Uint8Array) return Buffer.from(value);
  throw new EventproofError(
    'INVALID_ARGUMENT',
    failure(
      'send a message',
      `keys and values must be strings, Buffers or null, got ${typeof value}`,
      'Serialise the value first, e.g. JSON.stringify(payload)',
    ),
  );
}

/**
 * Headers that cannot change (see {@link isImmutableRecord}) whose every value is a Buffer: stored as
 * they are, not copied per record. (The model never copies a Buffer's bytes, here or for values;
 * kafkajs encodes them at send, so changing them afterwards reaches no consumer there.)
 */
const storedAsSent = new WeakMap<object, boolean>();

function toHeaders(headers: KafkaHeaders): KafkaMessage['headers'] {
  let asSent = storedAsSent.get(headers);
  if (asSent === undefined && Object.isFrozen(headers)) {
    asSent = isImmutableRecord(headers) && Object.values(headers).every((v) => Buffer.isBuffer(v));
    storedAsSent.set(headers, asSent);
  }
  if (asSent) return headers as KafkaMessage['headers'];
  const out: Record<string, Buffer | Buffer[] | undefined> = {};
  for (const name of Object.keys(headers)) {
    const v = headers[name];
    if (v === undefined) continue;
    out[name] = Array.isArray(v) ? v.map((x) => toBuffer(x)!) : toBuffer(v)!;
  }
  return out;
}
