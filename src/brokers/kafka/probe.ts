import type { Admin, Consumer, MessagesStream, Producer } from '@platformatic/kafka';
import type { EventType, Headers } from '../../contracts/types.js';
import { pause, settleOnFacts } from '../settle.js';
import { BrokerOperationError } from '../errors.js';
import { destinationExpectation, type Observation } from '../expectation.js';
import { Inbox } from '../inbox.js';
import { isolatedName, isolatedPrefix } from '../names.js';
import type { BrokerProbe, DestinationExpectation, ProbeCapabilities, RawMessage } from '../probe.js';
import { resolveEndpoint, type ResolvedEndpoint } from '../provision.js';
import { outgoing } from '../received.js';
import { loadKafkaClient, type KafkaClientModule } from './client.js';
import { KAFKA_DEFAULTS, type KafkaProbeOptions } from './options.js';
import type {
  KafkaGroupDescription,
  KafkaGroupLag,
  KafkaSettleOptions,
  KafkaTopic,
  KafkaTopicOptions,
} from './types.js';

type BufferConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;

interface Observer {
  readonly inbox: Inbox;
  readonly groupId: string;
  consumer?: BufferConsumer;
  stream?: MessagesStream<Buffer, Buffer, Buffer, Buffer>;
  started?: Promise<void>;
  /** Next offset to read, per partition. */
  readonly next: Map<number, bigint>;
}

const REBALANCING = new Set(['PREPARING_REBALANCE', 'COMPLETING_REBALANCE']);

/**
 * Layer 4 against a real Kafka: isolated topics, publish, assertions over what arrives (read by a
 * private consumer group from the earliest offset, so the code under test's groups are untouched),
 * and `settled()` on consumer-group lag and rebalance state.
 *
 * @example
 * ```ts
 * await using probe = await kafka.probe();
 * const orders = await probe.topic('orders', { partitions: 2 });
 * await probe.publish(orders, OrderCreated, { orderId: '1', amount: 5 });
 * await probe.expect(orders).toReceive(OrderCreated);
 * await probe.settled({ groups: ['billing'] });
 * ```
 */
export class KafkaProbe implements BrokerProbe<KafkaTopic> {
  readonly broker = 'kafka' as const;
  readonly capabilities: ProbeCapabilities = {
    perKeyOrder: true,
    nativeDeadLetter: false,
    redeliveryCount: false,
    consumerGroups: true,
    replayable: true,
    messageTtl: false,
    deduplication: false,
  };
  readonly url: string;
  readonly source: ResolvedEndpoint['source'];
  readonly prefix: string;
  /** `host:port` list to give the code under test's clients. */
  readonly bootstrapBrokers: string[];
  private readonly topics: KafkaTopic[] = [];
  private readonly observers = new Map<string, Observer>();
  private producer: Producer<Buffer, Buffer, Buffer, Buffer> | undefined;
  private disposing: Promise<void> | undefined;
  private observerCount = 0;

  private constructor(
    private readonly lib: KafkaClientModule,
    private readonly admin: Admin,
    private readonly endpoint: ResolvedEndpoint,
    private readonly options: KafkaProbeOptions,
  ) {
    this.url = endpoint.redacted;
    this.source = endpoint.source;
    this.prefix = isolatedPrefix(options.label ?? KAFKA_DEFAULTS.label);
    this.bootstrapBrokers = bootstrapOf(endpoint.url);
  }

  /** @internal Use `kafka.probe()`. */
  static async create(options: KafkaProbeOptions = {}): Promise<KafkaProbe> {
    const lib = await loadKafkaClient();
    const endpoint = await resolveEndpoint('kafka', options);
    const admin = new lib.Admin({
      ...clientBase(options, endpoint),
      clientId: `${options.clientId ?? KAFKA_DEFAULTS.clientId}-admin`,
    });
    const probe = new KafkaProbe(lib, admin, endpoint, options);
    try {
      await admin.metadata({ topics: [] });
    } catch (cause) {
      await probe.dispose();
      throw new BrokerOperationError(
        'kafka',
        'read cluster metadata',
        endpoint.redacted,
        cause,
        'Check the listener is Kafka and advertises a reachable address',
      );
    }
    return probe;
  }

  /** Creates an isolated topic (and its dead-letter topic when asked) and waits for partition leaders. */
  async topic(name: string, options: KafkaTopicOptions = {}): Promise<KafkaTopic> {
    const partitions = options.partitions ?? 1;
    const full = isolatedName(this.prefix, name, 249);
    const dlqSuffix = options.deadLetter === 'dlq' ? '-dlq' : '.DLT';
    const names = options.deadLetter ? [full, `${full}${dlqSuffix}`] : [full];
    try {
      await this.admin.createTopics({ topics: names, partitions, replicas: 1 });
      await this.waitForLeaders(names, partitions);
    } catch (cause) {
      throw new BrokerOperationError(
        'kafka',
        `create topic ${JSON.stringify(full)}`,
        this.url,
        cause,
        'Check the broker allows topic creation (CreateTopics) for this client',
      );
    }
    const deadLetter: KafkaTopic | undefined = options.deadLetter
      ? {
          kind: 'topic',
          name: `${full}${dlqSuffix}`,
          logicalName: `${name}${dlqSuffix}`,
          partitions,
          deadLetter: undefined,
        }
      : undefined;
    const topic: KafkaTopic = { kind: 'topic', name: full, logicalName: name, partitions, deadLetter };
    this.topics.push(topic);
    if (deadLetter) this.topics.push(deadLetter);
    return topic;
  }

  publish<Input>(
    topic: KafkaTopic,
    event: EventType<string, unknown, Input>,
    payload: Input,
    options?: { key?: string; headers?: Headers },
  ): Promise<void>;
  publish(topic: KafkaTopic, message: RawMessage): Promise<void>;
  async publish(topic: KafkaTopic, ...args: unknown[]): Promise<void> {
    const message = outgoing(args);
    const producer = this.producerFor();
    try {
      await producer.send({
        messages: [
          {
            topic: topic.name,
            key: message.key === undefined ? undefined : Buffer.from(message.key),
            value: Buffer.from(message.value),
            headers: new Map(
              Object.entries(message.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)]),
            ),
          },
        ],
      });
    } catch (cause) {
      throw new BrokerOperationError(
        'kafka',
        `publish to ${JSON.stringify(topic.name)}`,
        this.url,
        cause,
        'Check the broker is up and the topic exists',
      );
    }
  }

  expect(topic: KafkaTopic): DestinationExpectation {
    return destinationExpectation(this.observation(topic));
  }

  /**
   * Each group's committed offset, end offset and lag, from the admin API: for every topic of the
   * probe the group reads (commits on, or is assigned), plus `topics` when given.
   */
  async lag(groups?: readonly string[], topics?: readonly KafkaTopic[]): Promise<KafkaGroupLag[]> {
    const topicNames = this.topics.map((t) => t.name);
    if (topicNames.length === 0) return [];
    const readers = await this.readers(topicNames, groups);
    for (const group of groups ?? []) if (!readers.has(group)) readers.set(group, new Set());
    for (const topic of topics ?? []) for (const read of readers.values()) read.add(topic.name);
    if (readers.size === 0) return [];
    const ends = await this.endOffsets(topicNames);
    const committed = await this.admin.listConsumerGroupOffsets({ groups: [...readers.keys()] });
    const rows: KafkaGroupLag[] = [];
    for (const [group, read] of readers) {
      const entry = committed.find((g) => g.groupId === group);
      for (const [key, end] of ends) {
        const [topic, partition] = splitKey(key);
        if (!read.has(topic)) continue;
        const at =
          entry?.topics.find((t) => t.name === topic)?.partitions.find((p) => p.partitionIndex === partition)
            ?.committedOffset ?? -1n;
        rows.push({ group, topic, partition, committed: at, end, lag: end - (at < 0n ? 0n : at) });
      }
    }
    return rows;
  }

  /** A consumer group's state and each member's assigned partitions, from the admin API. */
  async describeGroup(groupId: string): Promise<KafkaGroupDescription> {
    const group = (await this.admin.describeGroups({ groups: [groupId] })).get(groupId);
    const members = [...(group?.members.values() ?? [])].map((member) => ({
      memberId: member.id,
      clientId: member.clientId,
      assignments: Object.fromEntries(
        [...(member.assignments?.entries() ?? [])].map(([topic, a]) => [
          topic,
          [...a.partitions].sort((x, y) => x - y),
        ]),
      ),
    }));
    return { groupId, state: group?.state ?? 'DEAD', members };
  }

  /** Resolves when every group reading the probe's topics has lag 0 and no rebalance is in progress. */
  async settled(options: KafkaSettleOptions = {}): Promise<void> {
    await settleOnFacts({
      broker: 'kafka',
      url: this.url,
      timeoutMs: options.timeoutMs ?? 10_000,
      pollMs: KAFKA_DEFAULTS.pollMs,
      hint: 'A consumer is stuck, crashed before committing, or commits only on shutdown',
      outstanding: async () => {
        try {
          const rows = await this.lag(options.groups, options.topics);
          const ids = options.groups ?? [...new Set(rows.map((r) => r.group))];
          const described =
            ids.length > 0 ? await this.admin.describeGroups({ groups: [...ids] }) : new Map();
          const moving = [...described.values()].filter((g: { state: string }) => REBALANCING.has(g.state));
          const behind = rows.filter((r) => r.lag > 0n);
          if (moving.length === 0 && behind.length === 0) return undefined;
          return [
            ...behind.map(
              (r) =>
                `group ${r.group} lags ${r.lag} on ${r.topic}[${r.partition}] (committed ${r.committed}, end ${r.end})`,
            ),
            ...moving.map((g: { id: string; state: string }) => `group ${g.id} is ${g.state}`),
          ].join('; ');
        } catch (cause) {
          return cause instanceof Error ? cause.message : String(cause);
        }
      },
    });
  }

  async dispose(): Promise<void> {
    this.disposing ??= this.disposeOnce();
    return this.disposing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  private async disposeOnce(): Promise<void> {
    const observers = [...this.observers.values()];
    await Promise.allSettled(observers.map((o) => o.started ?? Promise.resolve()));
    await Promise.allSettled(
      observers.map(async (o) => {
        await o.stream?.close();
        const consumer = o.consumer;
        if (consumer) await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
      }),
    );
    await Promise.resolve(this.producer?.close(true)).catch(() => undefined);
    // The observers' groups, and any group the code under test named with the probe's prefix.
    const listed = await this.admin.listGroups().catch(() => new Map<string, unknown>());
    const groups = new Set(observers.filter((o) => o.consumer !== undefined).map((o) => o.groupId));
    for (const id of listed.keys()) if (id.startsWith(`${this.prefix}-`)) groups.add(id);
    if (groups.size > 0) await this.admin.deleteGroups({ groups: [...groups] }).catch(() => undefined);
    if (this.topics.length > 0)
      await this.admin.deleteTopics({ topics: this.topics.map((t) => t.name) }).catch(() => undefined);
    await this.admin.close().catch(() => undefined);
    await this.endpoint.stop?.();
  }

  private producerFor() {
    this.producer ??= new this.lib.Producer({
      ...clientBase(this.options, this.endpoint),
      clientId: `${this.options.clientId ?? KAFKA_DEFAULTS.clientId}-producer`,
    });
    return this.producer;
  }

  private observation(topic: KafkaTopic): Observation {
    let observer = this.observers.get(topic.name);
    if (observer === undefined) {
      observer = {
        inbox: new Inbox(topic.name),
        groupId: `${this.prefix}-observer-${++this.observerCount}`,
        next: new Map(),
      };
      this.observers.set(topic.name, observer);
    }
    const o = observer;
    return {
      broker: 'kafka',
      inbox: o.inbox,
      start: () => (o.started ??= this.startObserver(topic, o)),
      caughtUp: (timeoutMs) => this.caughtUp(topic, o, timeoutMs).then(() => undefined),
    };
  }

  private async startObserver(topic: KafkaTopic, o: Observer): Promise<void> {
    const consumer: BufferConsumer = new this.lib.Consumer({
      ...clientBase(this.options, this.endpoint),
      clientId: `${this.options.clientId ?? KAFKA_DEFAULTS.clientId}-observer`,
      groupId: o.groupId,
      maxWaitTime: 50,
      heartbeatInterval: 500,
      sessionTimeout: 10_000,
    });
    o.consumer = consumer;
    const stream = await consumer.consume({ topics: [topic.name], mode: 'earliest', autocommit: false });
    o.stream = stream;
    stream.on('data', (m) => {
      o.next.set(m.partition, m.offset + 1n);
      // Built into a message when the inbox is next read, outside the client's socket callback.
      const at = Date.now();
      o.inbox.arrive(() => {
        const headers: Headers = {};
        for (const [k, v] of m.headers) headers[k.toString('utf8').toLowerCase()] = v.toString('utf8');
        return {
          value: new Uint8Array(m.value ?? Buffer.alloc(0)),
          headers,
          key: m.key?.length ? m.key.toString('utf8') : undefined,
          properties: { partition: m.partition, offset: m.offset, timestamp: m.timestamp },
          at,
        };
      });
    });
    stream.on('error', (error: unknown) => o.inbox.problem(error));
    consumer.on('client:broker:disconnect', () => o.inbox.problem('the connection to the broker closed'));
  }

  private async caughtUp(topic: KafkaTopic, o: Observer, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const ends = await this.endOffsets([topic.name]).catch(() => undefined);
      if (ends !== undefined && [...ends].every(([key, end]) => (o.next.get(splitKey(key)[1]) ?? 0n) >= end))
        return;
      await pause(KAFKA_DEFAULTS.pollMs);
    }
  }

  private async endOffsets(topics: string[]): Promise<Map<string, bigint>> {
    const byName = new Map(this.topics.map((t) => [t.name, t]));
    const listed = await this.admin.listOffsets({
      topics: topics.map((name) => ({
        name,
        partitions: Array.from({ length: byName.get(name)?.partitions ?? 1 }, (_, partitionIndex) => ({
          partitionIndex,
          timestamp: -1n,
        })),
      })),
    });
    const ends = new Map<string, bigint>();
    for (const t of listed)
      for (const p of t.partitions) ends.set(`${t.name}\u0000${p.partitionIndex}`, p.offset);
    return ends;
  }

  /** Which of the probe's topics each group reads: committed offsets or assigned partitions. */
  private async readers(topicNames: string[], only?: readonly string[]): Promise<Map<string, Set<string>>> {
    const all =
      only !== undefined
        ? [...only]
        : [...(await this.admin.listGroups()).keys()].filter(
            (id) => !id.startsWith(`${this.prefix}-observer-`),
          );
    const readers = new Map<string, Set<string>>();
    if (all.length === 0) return readers;
    const wanted = new Set(topicNames);
    const note = (group: string, topic: string) => {
      if (!wanted.has(topic)) return;
      let read = readers.get(group);
      if (read === undefined) readers.set(group, (read = new Set()));
      read.add(topic);
    };
    for (const g of await this.admin.listConsumerGroupOffsets({ groups: all }))
      for (const t of g.topics) note(g.groupId, t.name);
    for (const group of (await this.admin.describeGroups({ groups: all })).values())
      for (const member of group.members.values())
        for (const topic of member.assignments?.keys() ?? []) note(group.id, topic);
    return readers;
  }

  private async waitForLeaders(names: string[], partitions: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const metadata = await this.admin.metadata({ topics: names, forceUpdate: true });
      const ready = names.every((name) => {
        const topic = metadata.topics.get(name);
        return (
          topic !== undefined &&
          topic.partitionsCount === partitions &&
          topic.partitions.every((p) => p.leader >= 0)
        );
      });
      if (ready || Date.now() > deadline) return;
      await pause(KAFKA_DEFAULTS.pollMs);
    }
  }
}

const splitKey = (key: string): [string, number] => {
  const at = key.lastIndexOf('\u0000');
  return [key.slice(0, at), Number(key.slice(at + 1))];
};

/** `kafka://a:9092,b:9092` or `a:9092,b:9092` → `['a:9092', 'b:9092']`. @internal */
export function bootstrapOf(url: string): string[] {
  return url
    .split(',')
    .map((entry) =>
      entry
        .trim()
        .replace(/^[a-z]+:\/\//i, '')
        .replace(/\/.*$/, ''),
    )
    .filter((entry) => entry !== '');
}

function clientBase(options: KafkaProbeOptions, endpoint: ResolvedEndpoint) {
  return {
    bootstrapBrokers: bootstrapOf(endpoint.url),
    connectTimeout: options.connectTimeoutMs ?? 1000,
    requestTimeout: 5000,
    retries: 2,
    retryDelay: 100,
  };
}
