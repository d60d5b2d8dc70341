import { connect } from 'node:net';
import type { Admin, Consumer, Message, MessagesStream, Producer } from '@platformatic/kafka';
import type {
  DriverConsumer,
  DriverConsumerOptions,
  KafkaDriver,
  ReceivedRecord,
} from '../../sim/kafka/behaviour.js';
import { BrokerOperationError } from '../errors.js';
import { addressOf } from '../fault-proxy/address.js';
import { faultProxy, type FaultProxy } from '../fault-proxy/index.js';
import { isolatedName, isolatedPrefix } from '../names.js';
import { resolveEndpoint, type EndpointOptions } from '../provision.js';
import { loadKafkaClient } from './client.js';
import { bootstrapOf } from './probe.js';

type BufferConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;
type BufferStream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

/**
 * How to make a real-broker {@link KafkaDriver}.
 *
 * @example
 * ```ts
 * await using driver = await kafkaDriver({ url: '127.0.0.1:9092', sessionTimeoutMs: 6000 });
 * ```
 */
export interface KafkaDriverOptions extends EndpointOptions {
  /** Goes into every topic and group name, to tell leftovers apart. Default `behaviour`. */
  readonly label?: string | undefined;
  /** Session timeout of the driver's consumers. Default 6000, the broker's usual minimum. */
  readonly sessionTimeoutMs?: number | undefined;
  /** How long `settle()` waits for the facts before it fails. Default 15000. */
  readonly settleTimeoutMs?: number | undefined;
  /**
   * The broker listener `outage()` cuts: it binds `upstream` and advertises `advertised`, where the
   * driver puts a fault proxy, so a client bootstrapped there reaches the broker only through the
   * proxy. Default the listener scripts/brokers.sh configures: `127.0.0.1:9094` advertised as
   * `127.0.0.1:9095`.
   */
  readonly faultsListener?: { readonly upstream: string; readonly advertised: string } | undefined;
}

const DEFAULT_FAULTS_LISTENER = { upstream: '127.0.0.1:9094', advertised: '127.0.0.1:9095' };

const isLocalBootstrap = (brokers: readonly string[]) =>
  brokers.every((b) => /^(127\.0\.0\.1|localhost|\[::1\]):/.test(b));

/** Whether a TCP connection to `hostPort` opens within `timeoutMs`. */
function accepts(hostPort: string, timeoutMs: number): Promise<boolean> {
  const { host, port } = addressOf(hostPort);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

interface Live {
  readonly id: string;
  readonly group: string;
  readonly topic: string;
  readonly autoCommit: boolean;
  readonly consumer: BufferConsumer;
  stream?: BufferStream;
  /** The consume() call: resolves once the member joined and its stream exists. */
  joined: Promise<void>;
  /** Next offset after the last record handed to the rule, per partition. */
  readonly delivered: Map<number, bigint>;
  /**
   * Between a rejoin and the stream's `offsets` event the client is reading the committed offsets,
   * and will overwrite every position with them: a seek made meanwhile would be lost.
   */
  refreshing: boolean;
  commitsInFlight: number;
  gone: boolean;
}

const closeStream = (stream: BufferStream) => new Promise<void>((resolve) => stream.close(() => resolve()));

const closeConsumer = (consumer: BufferConsumer) =>
  new Promise<void>((resolve) => consumer.close(true, () => resolve()));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A {@link KafkaDriver} over a real Kafka, so the simulator's behavioural suite (`kafkaBehaviour`)
 * runs against your broker too. Every topic and group gets a random prefix; `dispose()` deletes them.
 * `settle()` waits on broker facts: stable groups, every partition owned, every record up to the end
 * offset delivered and every auto-commit written. `crash()` goes silent without LeaveGroup, so the
 * coordinator moves the partitions only after the session timeout. `outage(topic, ms)` swallows the
 * broker's answers for `ms` on a second listener behind a fault proxy (see `faultsListener`): sends
 * made meanwhile reach the broker but their acknowledgements do not, so the client retries them,
 * as after a real network cut. `produce()` is idempotent unless `idempotent: false`. A topic created
 * with `retentionMs` rolls a segment every quarter of it, and needs the broker's retention check
 * (`log.retention.check.interval.ms`) to run that often; the driver reads it and says so. Consumers use
 * the classic (eager) protocol with `@platformatic/kafka`'s round-robin assignor whatever `assignor`
 * asks for: the client has no cooperative-sticky one.
 *
 * @example
 * ```ts
 * for (const rule of kafkaBehaviour.filter((r) => !r.simOnly)) {
 *   // A fresh driver per rule: rules reuse group names.
 *   await using driver = await kafkaDriver();
 *   await rule.run(driver);
 * }
 * ```
 */
export async function kafkaDriver(
  options: KafkaDriverOptions = {},
): Promise<KafkaDriver & { dispose(): Promise<void>; [Symbol.asyncDispose](): Promise<void> }> {
  const lib = await loadKafkaClient();
  const endpoint = await resolveEndpoint('kafka', options);
  const prefix = isolatedPrefix(options.label ?? 'behaviour');
  const sessionTimeoutMs = options.sessionTimeoutMs ?? 6000;
  const settleTimeoutMs = options.settleTimeoutMs ?? 15_000;
  const base = {
    bootstrapBrokers: bootstrapOf(endpoint.url),
    connectTimeout: options.connectTimeoutMs ?? 1000,
    requestTimeout: 5000,
    retries: 3,
    retryDelay: 100,
  };
  const admin: Admin = new lib.Admin({ ...base, clientId: `${prefix}-admin` });
  const topics = new Map<string, number>();
  const groups = new Set<string>();
  const live: Live[] = [];
  const producers = new Map<boolean, Producer<Buffer, Buffer, Buffer, Buffer>>();
  let consumers = 0;
  let topicCount = 0;
  /** Joins per group, counted over its members: moves when, and only when, the group rebalanced. */
  const joins = new Map<string, number>();

  const fail = (operation: string, cause: unknown, hint: string): never => {
    throw new BrokerOperationError('kafka', operation, endpoint.redacted, cause, hint);
  };
  const groupOf = (logical: string) => `${prefix}-${logical}`;
  const partitionsOf = (topic: string) => Array.from({ length: topics.get(topic) ?? 1 }, (_, i) => i);

  const offsetsAt = async (topic: string, timestamp: bigint): Promise<bigint[]> => {
    const listed = await admin.listOffsets({
      topics: [
        {
          name: topic,
          partitions: partitionsOf(topic).map((partitionIndex) => ({ partitionIndex, timestamp })),
        },
      ],
    });
    const out = partitionsOf(topic).map(() => -1n);
    for (const t of listed) for (const p of t.partitions) out[p.partitionIndex] = p.offset;
    return out;
  };
  const committedOf = async (group: string, topic: string): Promise<bigint[]> => {
    const out = partitionsOf(topic).map(() => -1n);
    const listed = await admin.listConsumerGroupOffsets({ groups: [group] });
    for (const g of listed)
      for (const t of g.topics)
        if (t.name === topic) for (const p of t.partitions) out[p.partitionIndex] = p.committedOffset;
    return out;
  };
  /**
   * Retention deletes segments on the broker's retention check, every 5 minutes by default: a rule that
   * watches records expire needs the check to run within `limitMs`, or it would wait in vain.
   */
  const requireRetentionCheckWithin = async (limitMs: number): Promise<void> => {
    const key = 'log.retention.check.interval.ms';
    let intervalMs: number | undefined;
    try {
      const { brokers } = await admin.metadata({ topics: [] });
      const [described] = await admin.describeConfigs({
        resources: [
          { resourceType: 4, resourceName: String([...brokers.keys()][0]), configurationKeys: [key] },
        ],
      });
      const value = described?.configs.find((c) => c.name === key)?.value;
      intervalMs = value === null || value === undefined ? undefined : Number(value);
    } catch (cause) {
      fail(`read the broker's ${key}`, cause, 'Check the broker allows DescribeConfigs for this client');
    }
    if (intervalMs === undefined || intervalMs > limitMs)
      fail(
        'watch records expire',
        new Error(
          `the broker checks retention every ${intervalMs ?? '?'} ms, and this needs ${limitMs} ms or less`,
        ),
        `Set ${key}=500 in the broker's server.properties (scripts/brokers.sh does)`,
      );
  };
  const assignmentOf = (l: Live): number[] =>
    [...(l.consumer.assignments?.find((a) => a.topic === l.topic)?.partitions ?? [])].sort((a, b) => a - b);

  const producer = (idempotent: boolean) => {
    let p = producers.get(idempotent);
    if (p === undefined) {
      p = new lib.Producer({
        ...base,
        clientId: `${prefix}-producer${idempotent ? '-idempotent' : ''}`,
        idempotent,
        acks: -1,
        // The Java client's placement (murmur2, sign bit masked): the suite's key rule is about it.
        partitioner: lib.compatibilityPartitioner,
      });
      producers.set(idempotent, p);
    }
    return p;
  };

  /** Hands records to the rule one at a time; a failing handler gets the same record again, as kafkajs does. */
  const pump = async (l: Live, handler: DriverConsumerOptions['handler'], received: ReceivedRecord[]) => {
    const stream = l.stream!;
    for await (const m of stream as AsyncIterable<Message<Buffer, Buffer, Buffer, Buffer>>) {
      if (l.gone) return;
      // Within one generation a Java consumer's position only moves forward (a seek aside, which
      // resets `delivered`). The client at times fetches a batch twice without a rebalance: that
      // copy is the client's, not the broker's, so it is dropped. After a join, `delivered` is
      // cleared and a re-read is delivered, as the eager protocol does.
      const next = l.delivered.get(m.partition);
      if (next !== undefined && m.offset < next) continue;
      for (;;) {
        const record: ReceivedRecord = {
          topic: m.topic,
          partition: m.partition,
          offset: Number(m.offset),
          key: m.key?.length ? m.key.toString('utf8') : null,
          value: m.value?.toString('utf8') ?? '',
          consumer: l.id,
        };
        received.push(record);
        l.delivered.set(m.partition, m.offset + 1n);
        try {
          await handler?.(record);
        } catch {
          if (l.gone) return;
          continue;
        }
        break;
      }
      if (l.gone) return;
      if (l.autoCommit) {
        l.commitsInFlight++;
        try {
          await l.consumer.commit({
            offsets: [{ topic: m.topic, partition: m.partition, offset: m.offset + 1n, leaderEpoch: -1 }],
          });
        } catch {
          // A commit refused during a rebalance: the record comes again to the partition's next owner.
        } finally {
          l.commitsInFlight--;
        }
      }
    }
  };

  const stop = async (l: Live, leave: boolean) => {
    l.gone = true;
    await l.joined.catch(() => undefined);
    if (l.stream) await closeStream(l.stream);
    if (leave) await closeConsumer(l.consumer);
  };

  /**
   * Dies as a killed process would: no LeaveGroup, no more heartbeats. Forgetting the member id
   * makes the client skip LeaveGroup as it closes its connections; the coordinator expels the member
   * when its session times out.
   */
  const crash = async (l: Live) => {
    l.gone = true;
    await l.joined.catch(() => undefined);
    l.consumer.memberId = null;
    if (l.stream) await closeStream(l.stream);
    await closeConsumer(l.consumer);
  };

  /** One look at the facts; returns what is still outstanding, or undefined when settled. */
  const outstanding = async (): Promise<string | undefined> => {
    const active = live.filter((l) => !l.gone);
    for (const l of active) if (l.commitsInFlight > 0) return `consumer ${l.id} is committing`;
    for (const l of active)
      if (l.refreshing) return `consumer ${l.id} is reading its committed offsets after a rebalance`;
    const byGroup = new Map<string, Live[]>();
    for (const l of active) byGroup.set(l.group, [...(byGroup.get(l.group) ?? []), l]);
    if (byGroup.size > 0) {
      const described = await admin.describeGroups({ groups: [...byGroup.keys()] });
      for (const [group, members] of byGroup) {
        const state = described.get(group)?.state;
        if (state !== 'STABLE') return `group ${group} is ${state ?? 'unknown'}`;
        if (described.get(group)!.members.size !== members.length)
          return `group ${group} has ${described.get(group)!.members.size} members, not ${members.length}`;
        const topic = members[0]!.topic;
        const owned = members.flatMap(assignmentOf).sort((a, b) => a - b);
        if (owned.join() !== partitionsOf(topic).join())
          return `group ${group} owns partitions [${owned.join()}] of ${topic}`;
      }
    }
    for (const l of active) {
      const ends = await offsetsAt(l.topic, -1n);
      for (const p of assignmentOf(l)) {
        const start = l.delivered.get(p);
        // Nothing delivered yet: the member's start position is its committed offset, or the log's start.
        const at = start ?? (await committedOf(l.group, l.topic))[p]!;
        const from = at >= 0n ? at : (await offsetsAt(l.topic, -2n))[p]!;
        if (from < ends[p]!) return `consumer ${l.id} is at ${from} of ${ends[p]} on ${l.topic}[${p}]`;
      }
    }
    return undefined;
  };

  const wrap = (l: Live, received: ReceivedRecord[]): DriverConsumer => ({
    id: l.id,
    received,
    async assignment() {
      await l.joined;
      return assignmentOf(l);
    },
    async commit(partition, nextOffset) {
      await l.joined;
      await l.consumer.commit({
        offsets: [{ topic: l.topic, partition, offset: BigInt(nextOffset), leaderEpoch: -1 }],
      });
    },
    async seek(partition, offset) {
      await l.joined;
      const deadline = Date.now() + settleTimeoutMs;
      while (l.refreshing) {
        if (Date.now() > deadline)
          fail(
            `seek partition ${partition} to ${offset}`,
            new Error(`consumer ${l.id} was still reading its committed offsets after ${settleTimeoutMs} ms`),
            'A rebalance does not finish: check the group with settle() first',
          );
        await pause(10);
      }
      // The stream reads from this map on its next fetch; the rules seek only once the consumer is idle.
      l.stream!.offsetsToFetch.set(`${l.topic}:${partition}`, BigInt(offset));
      l.delivered.set(partition, BigInt(offset));
    },
    disconnect: () => stop(l, true),
    crash: () => crash(l),
  });

  // --- outages: a second listener, reached only through a fault proxy
  // The default listener is the one scripts/brokers.sh gives the local broker: not a remote one's.
  const faults =
    options.faultsListener ?? (isLocalBootstrap(base.bootstrapBrokers) ? DEFAULT_FAULTS_LISTENER : undefined);
  let proxy: FaultProxy | undefined;
  let outageUntil = 0;
  const outageTimers = new Set<ReturnType<typeof setTimeout>>();
  const proxiedProducers = new Map<boolean, Producer<Buffer, Buffer, Buffer, Buffer>>();
  /** Short requests, so a send whose answer was swallowed is retried while the outage lasts, and after it. */
  const proxiedProducer = (idempotent: boolean, retries = 20) => {
    let p = proxiedProducers.get(idempotent);
    if (p === undefined) {
      p = new lib.Producer({
        bootstrapBrokers: [faults!.advertised],
        clientId: `${prefix}-producer-faults${idempotent ? '-idempotent' : ''}`,
        idempotent,
        acks: -1,
        partitioner: lib.compatibilityPartitioner,
        connectTimeout: 1000,
        requestTimeout: 300,
        retries,
        retryDelay: 50,
      });
      proxiedProducers.set(idempotent, p);
    }
    return p;
  };
  const outage = async (topic: string, ms: number) => {
    const action = `cut the broker's answers for ${ms} ms`;
    if (faults === undefined)
      return fail(
        action,
        new Error(`the broker at ${endpoint.redacted} is not the local one, and no faultsListener was given`),
        'Pass faultsListener: { upstream, advertised }, a listener of that broker advertised where the driver may put its proxy',
      );
    const fix = `Give the broker a second listener bound to ${faults.upstream} and advertised as ${faults.advertised} (scripts/brokers.sh does; see docs/local-brokers.md), or pass faultsListener`;
    let listen: ReturnType<typeof addressOf>;
    try {
      listen = addressOf(faults.advertised);
      addressOf(faults.upstream);
    } catch (cause) {
      return fail(action, cause, 'Give faultsListener addresses as host:port');
    }
    // Nothing listening there would otherwise show only after every retry of the producers below.
    if (!(await accepts(faults.upstream, 1000)))
      fail(action, new Error(`nothing accepts connections on ${faults.upstream}`), fix);
    try {
      proxy ??= await faultProxy({ upstream: faults.upstream, listen });
    } catch (cause) {
      fail(
        action,
        cause,
        `Free ${faults.advertised} (another driver's proxy may hold it: dispose it), or pass faultsListener`,
      );
    }
    // Enough retries, 350 ms apart, to ride out the outage and a little more.
    const retries = Math.ceil(ms / 350) + 10;
    try {
      // Connected and initialised before the outage begins, so that the send itself meets it.
      for (const idempotent of [false, true]) {
        const p = proxiedProducer(idempotent, retries);
        await p.metadata({ topics: [topic] });
        if (idempotent) await p.initIdempotentProducer({});
      }
    } catch (cause) {
      fail(action, cause, fix);
    }
    // Requests still reach the broker; its answers are swallowed, and each connection closes after
    // 200 ms, so none carries a half-dropped answer into the time after the outage.
    const handle = await proxy!.add({ type: 'timeout', direction: 'downstream', afterMs: 200 });
    outageUntil = Date.now() + ms;
    const timer = setTimeout(() => {
      outageTimers.delete(timer);
      void proxy?.remove(handle);
    }, ms);
    outageTimers.add(timer);
  };

  const dispose = async () => {
    for (const timer of outageTimers) clearTimeout(timer);
    await Promise.allSettled(live.map((l) => stop(l, true)));
    await Promise.allSettled([...producers.values(), ...proxiedProducers.values()].map((p) => p.close()));
    await proxy?.[Symbol.asyncDispose]().catch(() => undefined);
    if (groups.size > 0) await admin.deleteGroups({ groups: [...groups] }).catch(() => undefined);
    if (topics.size > 0) await admin.deleteTopics({ topics: [...topics.keys()] }).catch(() => undefined);
    await admin.close().catch(() => undefined);
    await endpoint.stop?.();
  };

  return {
    name: `kafka ${endpoint.redacted}`,
    sessionTimeoutMs,

    async createTopic({ partitions, retentionMs }) {
      const name = isolatedName(prefix, `topic-${++topicCount}`, 249);
      if (retentionMs !== undefined) await requireRetentionCheckWithin(retentionMs / 4);
      try {
        await admin.createTopics({
          topics: [name],
          partitions,
          replicas: 1,
          // Kafka deletes whole segments only: a segment rolls after a quarter of the retention time,
          // so records written that long apart land in segments that expire apart.
          configs:
            retentionMs === undefined
              ? []
              : [
                  { name: 'retention.ms', value: String(retentionMs) },
                  { name: 'segment.ms', value: String(Math.max(1, Math.floor(retentionMs / 4))) },
                ],
        });
        topics.set(name, partitions);
        const deadline = Date.now() + 10_000;
        for (;;) {
          const metadata = await admin.metadata({ topics: [name], forceUpdate: true });
          const t = metadata.topics.get(name);
          if (t?.partitionsCount === partitions && t.partitions.every((p) => p.leader >= 0)) break;
          if (Date.now() > deadline) throw new Error('partitions have no leader after 10 s');
          await pause(20);
        }
      } catch (cause) {
        fail(
          `create topic ${JSON.stringify(name)}`,
          cause,
          'Check the broker allows CreateTopics for this client',
        );
      }
      return name;
    },

    // Idempotent unless told otherwise, as the Java producer is since Kafka 3.0: @platformatic/kafka
    // resends a whole request when one of its partitions answered with stale metadata (as a topic's
    // partitions do just after it is created), and a plain producer then appends the partitions that
    // had succeeded twice.
    async produce(topic, messages, { idempotent = true } = {}) {
      try {
        const p = Date.now() < outageUntil ? proxiedProducer(idempotent) : producer(idempotent);
        await p.send({
          messages: messages.map((m) => ({
            topic,
            key: m.key === undefined ? undefined : Buffer.from(m.key),
            value: Buffer.from(m.value),
            timestamp: m.timestamp === undefined ? undefined : BigInt(m.timestamp),
          })),
        });
      } catch (cause) {
        fail(`produce to ${JSON.stringify(topic)}`, cause, 'Check the broker is up and the topic exists');
      }
    },

    startConsumer({ groupId, topic, fromBeginning = false, autoCommit = true, handler }) {
      const group = groupOf(groupId);
      groups.add(group);
      const consumer: BufferConsumer = new lib.Consumer({
        ...base,
        clientId: `${prefix}-c${consumers + 1}`,
        groupId: group,
        sessionTimeout: sessionTimeoutMs,
        rebalanceTimeout: sessionTimeoutMs,
        // A JoinGroup waits up to the rebalance timeout for members that went silent.
        requestTimeout: sessionTimeoutMs + 5000,
        heartbeatInterval: Math.min(500, Math.floor(sessionTimeoutMs / 3)),
        maxWaitTime: 50,
      });
      const received: ReceivedRecord[] = [];
      const l: Live = {
        id: `c${++consumers}`,
        group,
        topic,
        autoCommit,
        consumer,
        joined: Promise.resolve(),
        delivered: new Map(),
        refreshing: false,
        commitsInFlight: 0,
        gone: false,
      };
      // Like the Java client's eager rebalance: after every join each partition restarts from its
      // committed offset (or the reset policy), so what was read but not committed is read again.
      consumer.on('consumer:group:join', () => {
        joins.set(group, (joins.get(group) ?? 0) + 1);
        l.stream?.offsetsToFetch.clear();
        l.delivered.clear();
        // The first join's offsets are read while the stream is built, before consume() resolves.
        if (l.stream) l.refreshing = true;
      });
      l.joined = consumer
        .consume({
          topics: [topic],
          mode: 'committed',
          fallbackMode: fromBeginning ? 'earliest' : 'latest',
          autocommit: false,
        })
        .then((stream) => {
          l.stream = stream;
          stream.on('error', () => undefined);
          stream.on('offsets', () => {
            l.refreshing = false;
          });
          void pump(l, handler, received).catch(() => undefined);
        });
      live.push(l);
      // Returns before the member joined, as a real consumer does: settle() waits for the join.
      return Promise.resolve(wrap(l, received));
    },

    async settle() {
      const deadline = Date.now() + settleTimeoutMs;
      let last: string | undefined = 'no facts read yet';
      for (;;) {
        try {
          await Promise.all(live.filter((l) => !l.gone).map((l) => l.joined));
          last = await outstanding();
          // Seen settled twice in a row, so a fetch that was just answered cannot change it.
          if (last === undefined) {
            await pause(50);
            last = await outstanding();
            if (last === undefined) return;
          }
        } catch (cause) {
          last = cause instanceof Error ? cause.message : String(cause);
        }
        if (Date.now() >= deadline)
          fail(
            `settle within ${settleTimeoutMs} ms`,
            new Error(`still ${last}`),
            'A consumer is stuck or a rebalance does not finish',
          );
        await pause(25);
      }
    },

    async advance(ms) {
      await pause(ms);
    },

    outage,

    rebalances(groupId) {
      return Promise.resolve(joins.get(groupOf(groupId)) ?? 0);
    },

    async committed(groupId, topic) {
      return (await committedOf(groupOf(groupId), topic)).map(Number);
    },

    async lag(groupId, topic) {
      // One round of reads, so the answer describes one moment as nearly as the admin API allows.
      const [ends, committed, starts] = await Promise.all([
        offsetsAt(topic, -1n),
        committedOf(groupOf(groupId), topic),
        offsetsAt(topic, -2n),
      ]);
      return ends.reduce((sum, end, p) => {
        const at = committed[p]! >= 0n ? committed[p]! : starts[p]!;
        return sum + Number(end - at);
      }, 0);
    },

    async logStartOffset(topic, partition) {
      return Number((await offsetsAt(topic, -2n))[partition]);
    },

    async offsetForTimestamp(topic, partition, timestamp) {
      return Number((await offsetsAt(topic, BigInt(timestamp)))[partition]);
    },

    async records(topic, partition) {
      const ends = await offsetsAt(topic, -1n);
      const end = ends[partition]!;
      const start = (await offsetsAt(topic, -2n))[partition]!;
      const out: { offset: number; key: string | null; value: string }[] = [];
      if (end <= start) return out;
      // A groupless reader of the one partition, from its start to the end offset read above.
      const reader: BufferConsumer = new lib.Consumer({
        ...base,
        clientId: `${prefix}-reader`,
        groupId: `${prefix}-reader`,
        maxWaitTime: 50,
      });
      try {
        const stream = await reader.consume({
          topics: [topic],
          mode: 'manual',
          offsets: partitionsOf(topic).map((p) => ({
            topic,
            partition: p,
            offset: p === partition ? start : ends[p]!,
          })),
          autocommit: false,
        });
        groups.add(`${prefix}-reader`);
        for await (const m of stream as AsyncIterable<Message<Buffer, Buffer, Buffer, Buffer>>) {
          if (m.partition !== partition) continue;
          out.push({
            offset: Number(m.offset),
            key: m.key?.length ? m.key.toString('utf8') : null,
            value: m.value?.toString('utf8') ?? '',
          });
          if (m.offset + 1n >= end) break;
        }
        await closeStream(stream);
      } finally {
        await closeConsumer(reader);
      }
      return out;
    },

    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}
