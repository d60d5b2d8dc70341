import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { EventType, Headers } from '../../contracts/types.js';
import { pause, settleOnFacts } from '../settle.js';
import { BrokerOperationError } from '../errors.js';
import { destinationExpectation, type Observation } from '../expectation.js';
import { Inbox } from '../inbox.js';
import { isolatedName, isolatedPrefix } from '../names.js';
import type { BrokerProbe, DestinationExpectation, ProbeCapabilities, SettleOptions } from '../probe.js';
import { resolveEndpoint, type ResolvedEndpoint } from '../provision.js';
import { outgoing } from '../received.js';
import { loadSqsClient, type SqsClientModule } from './client.js';
import { SQS_DEFAULTS, type SqsProbeOptions } from './options.js';
import type { SqsQueue, SqsQueueCounts, SqsQueueOptions, SqsRawMessage } from './types.js';

interface Observer {
  readonly inbox: Inbox;
  /** Assertions waiting on this queue; the probe polls only while there is one. */
  active: number;
  loop?: Promise<void> | undefined;
}

const isLocal = (url: string) => /^https?:\/\/(localhost|127\.|\[::1\]|0\.0\.0\.0)/.test(url);

/**
 * Layer 4 against SQS (ElasticMQ, LocalStack or AWS): isolated queues (standard and FIFO, with a
 * redrive DLQ), publishing, assertions over what arrives, and `settled()` on visible + in-flight 0.
 *
 * @example
 * ```ts
 * await using probe = await sqs.probe();
 * const orders = await probe.queue('orders.fifo', { contentBasedDeduplication: true });
 * await probe.publish(orders, OrderCreated, { orderId: '1', amount: 5 });
 * await probe.expect(orders).toReceive(OrderCreated);
 * ```
 */
export class SqsProbe implements BrokerProbe<SqsQueue> {
  readonly broker = 'sqs' as const;
  // What a standard queue guarantees (the default); FIFO queues add per-group order and deduplication.
  readonly capabilities: ProbeCapabilities = {
    perKeyOrder: false,
    nativeDeadLetter: true,
    redeliveryCount: true,
    consumerGroups: true,
    replayable: false,
    messageTtl: false,
    deduplication: false,
  };
  readonly url: string;
  readonly source: ResolvedEndpoint['source'];
  readonly prefix: string;
  /** The SDK client the probe uses, configured for the endpoint; handy for the code under test. */
  readonly client: SQSClient;
  /** The endpoint and region for the code under test's own client. */
  readonly endpoint: string;
  readonly region: string;
  private readonly queues: SqsQueue[] = [];
  private readonly observers = new Map<string, Observer>();
  private readonly abort = new AbortController();
  private disposing: Promise<void> | undefined;

  private constructor(
    private readonly sdk: SqsClientModule,
    private readonly resolved: ResolvedEndpoint,
    options: SqsProbeOptions,
  ) {
    this.url = resolved.redacted;
    this.source = resolved.source;
    this.endpoint = resolved.url;
    this.region = options.region ?? process.env['AWS_REGION'] ?? 'us-east-1';
    this.prefix = isolatedPrefix(options.label ?? SQS_DEFAULTS.label);
    const credentials =
      options.credentials ??
      (isLocal(resolved.url) ? { accessKeyId: 'eventproof', secretAccessKey: 'eventproof' } : undefined);
    this.client = new sdk.SQSClient({
      endpoint: resolved.url,
      region: this.region,
      ...(credentials ? { credentials } : {}),
      maxAttempts: 2,
      // Queue URLs carry the server's own address; requests must go where the probe was pointed
      // (through a fault proxy, a tunnel, a container's mapped port).
      useQueueUrlAsEndpoint: false,
    });
  }

  /** @internal Use `sqs.probe()`. */
  static async create(options: SqsProbeOptions = {}): Promise<SqsProbe> {
    const sdk = await loadSqsClient();
    const resolved = await resolveEndpoint('sqs', options);
    const probe = new SqsProbe(sdk, resolved, options);
    try {
      await probe.client.send(new sdk.ListQueuesCommand({ MaxResults: 1 }), {
        abortSignal: AbortSignal.timeout(options.connectTimeoutMs ?? 2000),
      });
    } catch (cause) {
      await probe.dispose();
      throw new BrokerOperationError(
        'sqs',
        'list queues',
        resolved.redacted,
        cause,
        'Check the endpoint speaks the SQS API and the credentials and region are right',
      );
    }
    return probe;
  }

  /** Creates an isolated queue (a `.fifo` name makes a FIFO queue), with a redrive DLQ when asked. */
  async queue(name: string, options: SqsQueueOptions = {}): Promise<SqsQueue> {
    const fifo = name.endsWith('.fifo');
    const full = isolatedName(this.prefix, name, 80);
    let deadLetter: SqsQueue | undefined;
    try {
      if (options.deadLetter) {
        const dlqName = fifo ? `${full.slice(0, -5).slice(0, 71)}-dlq.fifo` : `${full.slice(0, 76)}-dlq`;
        deadLetter = await this.create(
          dlqName,
          `${name.replace(/\.fifo$/, '')}-dlq${fifo ? '.fifo' : ''}`,
          fifo,
          fifo ? { FifoQueue: 'true' } : {},
          undefined,
          true,
        );
      }
      const attributes: Record<string, string> = { ...(options.attributes ?? {}) };
      if (fifo) attributes['FifoQueue'] = 'true';
      if (options.contentBasedDeduplication) attributes['ContentBasedDeduplication'] = 'true';
      if (options.visibilityTimeoutSeconds !== undefined)
        attributes['VisibilityTimeout'] = String(options.visibilityTimeoutSeconds);
      if (options.delaySeconds !== undefined) attributes['DelaySeconds'] = String(options.delaySeconds);
      if (deadLetter) {
        const maxReceiveCount =
          typeof options.deadLetter === 'object' ? options.deadLetter.maxReceiveCount : 3;
        attributes['RedrivePolicy'] = JSON.stringify({
          deadLetterTargetArn: deadLetter.arn,
          maxReceiveCount,
        });
      }
      return await this.create(full, name, fifo, attributes, deadLetter);
    } catch (cause) {
      if (cause instanceof BrokerOperationError) throw cause;
      throw new BrokerOperationError(
        'sqs',
        `create queue ${JSON.stringify(full)}`,
        this.url,
        cause,
        'Check the queue attributes are valid',
      );
    }
  }

  publish<Input>(
    queue: SqsQueue,
    event: EventType<string, unknown, Input>,
    payload: Input,
    options?: { key?: string; headers?: Headers; deduplicationId?: string },
  ): Promise<void>;
  publish(queue: SqsQueue, message: SqsRawMessage): Promise<void>;
  async publish(queue: SqsQueue, ...args: unknown[]): Promise<void> {
    const message = outgoing(args);
    const extra = ((typeof args[0] === 'object' && args[0] !== null && 'value' in args[0]
      ? args[0]
      : args[2]) ?? {}) as SqsRawMessage;
    try {
      await this.client.send(
        new this.sdk.SendMessageCommand({
          QueueUrl: queue.url,
          MessageBody: Buffer.from(message.value).toString('utf8'),
          MessageAttributes: attributesOf(message.headers),
          MessageGroupId: queue.fifo ? (message.key ?? 'default') : undefined,
          MessageDeduplicationId: queue.fifo ? extra.deduplicationId : undefined,
          DelaySeconds: extra.delaySeconds,
        }),
      );
    } catch (cause) {
      throw new BrokerOperationError(
        'sqs',
        `send to ${JSON.stringify(queue.name)}`,
        this.url,
        cause,
        'Check the endpoint is up and the queue exists',
      );
    }
  }

  expect(queue: SqsQueue): DestinationExpectation {
    let observer = this.observers.get(queue.url);
    if (observer === undefined) {
      observer = { inbox: new Inbox(queue.name), active: 0 };
      this.observers.set(queue.url, observer);
    }
    const o = observer;
    const observation: Observation = {
      broker: 'sqs',
      inbox: o.inbox,
      start: () => {
        o.active++;
        o.loop ??= this.poll(queue, o);
        return Promise.resolve();
      },
      release: () => {
        o.active = Math.max(0, o.active - 1);
      },
      caughtUp: (timeoutMs) => this.caughtUp([queue], timeoutMs).then(() => undefined),
    };
    return destinationExpectation(observation);
  }

  /** Visible, in-flight and delayed counts of every queue the probe created (SQS approximations). */
  async counts(queues: readonly SqsQueue[] = this.queues): Promise<SqsQueueCounts[]> {
    return Promise.all(
      queues.map(async (q) => {
        const { Attributes: a = {} } = await this.client.send(
          new this.sdk.GetQueueAttributesCommand({
            QueueUrl: q.url,
            AttributeNames: [
              'ApproximateNumberOfMessages',
              'ApproximateNumberOfMessagesNotVisible',
              'ApproximateNumberOfMessagesDelayed',
            ],
          }),
        );
        return {
          queue: q.name,
          visible: Number(a['ApproximateNumberOfMessages'] ?? 0),
          inFlight: Number(a['ApproximateNumberOfMessagesNotVisible'] ?? 0),
          delayed: Number(a['ApproximateNumberOfMessagesDelayed'] ?? 0),
        };
      }),
    );
  }

  /** Resolves when every queue the probe created reports 0 visible, 0 in flight and 0 delayed. */
  async settled(options: SettleOptions = {}): Promise<void> {
    await settleOnFacts({
      broker: 'sqs',
      url: this.url,
      timeoutMs: options.timeoutMs ?? 10_000,
      pollMs: SQS_DEFAULTS.pollMs,
      hint: 'A consumer is stuck or does not delete what it processed',
      outstanding: async () => {
        const busy = (await this.counts()).filter((c) => c.visible + c.inFlight + c.delayed > 0);
        if (busy.length === 0) return undefined;
        return busy
          .map((c) => `${c.queue} has ${c.visible} visible, ${c.inFlight} in flight, ${c.delayed} delayed`)
          .join('; ');
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
    this.abort.abort();
    await Promise.allSettled([...this.observers.values()].map((o) => o.loop ?? Promise.resolve()));
    await Promise.allSettled(
      this.queues.map((q) => this.client.send(new this.sdk.DeleteQueueCommand({ QueueUrl: q.url }))),
    );
    this.client.destroy();
    await this.resolved.stop?.();
  }

  private async create(
    full: string,
    logical: string,
    fifo: boolean,
    attributes: Record<string, string>,
    deadLetter: SqsQueue | undefined,
    askArn = false,
  ): Promise<SqsQueue> {
    const created = await this.client.send(
      new this.sdk.CreateQueueCommand({ QueueName: full, Attributes: attributes }),
    );
    const url = created.QueueUrl ?? '';
    // A redrive target needs the ARN exactly as the server spells it (its configured region); other
    // queues get it from their URL and save a round trip per test.
    const arn = askArn
      ? ((
          await this.client.send(
            new this.sdk.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
          )
        ).Attributes?.['QueueArn'] ?? '')
      : arnFromUrl(url, this.region);
    const queue: SqsQueue = { kind: 'queue', name: full, logicalName: logical, url, arn, fifo, deadLetter };
    this.queues.push(queue);
    return queue;
  }

  /**
   * Receives and deletes while an assertion waits. Polling stops between assertions rather than
   * mid-request: an aborted receive would hide its messages for the visibility timeout.
   */
  private async poll(queue: SqsQueue, o: Observer): Promise<void> {
    const signal = this.abort.signal;
    for (;;) {
      // Checked and cleared with no await in between, so a start() racing the exit always sees
      // either a running loop or none, never one that is about to end.
      if (signal.aborted || o.active === 0) {
        o.loop = undefined;
        return;
      }
      try {
        const { Messages = [] } = await this.client.send(
          new this.sdk.ReceiveMessageCommand({
            QueueUrl: queue.url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: SQS_DEFAULTS.waitTimeSeconds,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
          }),
          { abortSignal: signal },
        );
        for (const m of Messages) this.record(o.inbox, m);
        if (Messages.length > 0)
          await this.client.send(
            new this.sdk.DeleteMessageBatchCommand({
              QueueUrl: queue.url,
              Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
            }),
          );
      } catch (error) {
        if (signal.aborted) continue;
        o.inbox.problem(error);
        await pause(100);
      }
    }
  }

  private record(inbox: Inbox, m: Message): void {
    const headers: Headers = {};
    for (const [name, attribute] of Object.entries(m.MessageAttributes ?? {}))
      if (attribute.StringValue !== undefined) headers[name.toLowerCase()] = attribute.StringValue;
    const system = m.Attributes ?? {};
    inbox.add(new TextEncoder().encode(m.Body ?? ''), headers, system['MessageGroupId'], {
      messageId: m.MessageId,
      receiveCount: Number(system['ApproximateReceiveCount'] ?? 1),
      groupId: system['MessageGroupId'],
      deduplicationId: system['MessageDeduplicationId'],
      sequenceNumber: system['SequenceNumber'],
      deadLetterSourceArn: system['DeadLetterQueueSourceArn'],
    });
  }

  private async caughtUp(queues: readonly SqsQueue[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const counts = await this.counts(queues).catch(() => undefined);
      if (counts !== undefined && counts.every((c) => c.visible + c.inFlight === 0)) return;
      await pause(SQS_DEFAULTS.pollMs);
    }
  }
}

/** Headers as SQS string attributes (at most 10 are allowed; SQS rejects more). */
function attributesOf(headers: Headers) {
  const entries = Object.entries(headers);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(
    entries.map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  );
}

/** `http(s)://host/<account>/<name>` → `arn:aws:sqs:<region>:<account>:<name>`. */
function arnFromUrl(url: string, region: string): string {
  const [account = '000000000000', name = ''] = new URL(url).pathname.split('/').filter(Boolean);
  return `arn:aws:sqs:${region}:${account}:${name}`;
}
