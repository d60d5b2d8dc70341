/* eslint-disable @typescript-eslint/require-await -- the SDK-shaped methods are async so that their errors reject, as the SDK's do, instead of throwing synchronously */
import type { BrokerCapabilities } from '../capabilities.js';
import { isImmutableRecord } from '../immutable.js';
import type { Simulation } from '../world.js';
import {
  SqsConsumer,
  type BatchMessageHandler,
  type ConsumeOptions,
  type MessageHandler,
} from './consumer.js';
import { sha256OfBody } from './digests.js';
import { configError, unavailableError, unknownTarget, type SqsSimError } from './errors.js';
import { ReceivedMessage, SendResult, SentEntry, type Digestible } from './message.js';
import {
  checkQueueName,
  resolveQueueConfig,
  resolveSqsOptions,
  SQS_LIMITS,
  type ResolvedSqsOptions,
  type SimSqsOptions,
} from './options.js';
import {
  deduplicationKey,
  DEDUPLICATION_WINDOW_MS,
  SimQueue,
  State,
  StoredMessage,
  QueueHost,
  type Waiter,
} from './queue.js';
import type {
  BatchOutput,
  BatchResultErrorEntry,
  ChangeMessageVisibilityBatchInput,
  ChangeMessageVisibilityInput,
  CreateQueueInput,
  CreateQueueOutput,
  DeleteMessageBatchInput,
  DeleteMessageInput,
  EmptyOutput,
  GetQueueAttributesInput,
  GetQueueAttributesOutput,
  GetQueueUrlInput,
  GetQueueUrlOutput,
  ListQueuesInput,
  ListQueuesOutput,
  Message,
  MessageAttributeValue,
  QueueUrlInput,
  ReceiveMessageInput,
  ReceiveMessageOutput,
  ResponseMetadata,
  SendMessageBatchInput,
  SendMessageBatchOutput,
  SendMessageInput,
  SendMessageOutput,
  SetQueueAttributesInput,
  SqsCommandLike,
} from './types.js';

/**
 * What the SQS model guarantees, per queue type: only FIFO queues keep per-key (message group)
 * order and deduplicate.
 *
 * @example
 * ```ts
 * if (!sqsCapabilities('standard').perKeyOrder) expect(handler).toBeOrderInsensitive();
 * ```
 */
export function sqsCapabilities(queueType: 'standard' | 'fifo'): BrokerCapabilities {
  return queueType === 'fifo' ? sqsFifoCapabilities : sqsStandardCapabilities;
}

/**
 * Capabilities of an SQS standard queue: at-least-once, best-effort order.
 *
 * @example
 * ```ts
 * expect(sqsStandardCapabilities.perKeyOrder).toBe(false);
 * ```
 */
export const sqsStandardCapabilities: BrokerCapabilities = Object.freeze({
  broker: 'sqs',
  perKeyOrder: false,
  nativeDeadLetter: true,
  redeliveryCount: true,
  replay: false,
  deduplication: false,
  expiry: true,
});

/**
 * Capabilities of an SQS FIFO queue: order within a message group, deduplication within 5 minutes.
 *
 * @example
 * ```ts
 * expect(sqsFifoCapabilities.perKeyOrder).toBe(true);
 * ```
 */
export const sqsFifoCapabilities: BrokerCapabilities = Object.freeze({
  ...sqsStandardCapabilities,
  perKeyOrder: true,
  deduplication: true,
});

/**
 * A stored message as `inspect` shows it.
 *
 * @example
 * ```ts
 * expect(sqs.inspect(QueueUrl).messages).toEqual([expect.objectContaining({ Body: 'x', state: 'visible' })]);
 * ```
 */
export interface StoredMessageView {
  /** The simulation's ledger id (`m12`). */
  readonly id: string;
  readonly MessageId: string;
  readonly Body: string;
  readonly state: 'delayed' | 'visible' | 'in-flight';
  readonly receiveCount: number;
  readonly MessageGroupId?: string | undefined;
}

const METADATA: ResponseMetadata = Object.freeze({
  httpStatusCode: 200,
  requestId: 'eventproof-sim',
  attempts: 1,
  totalRetryDelay: 0,
});
const STATE_NAMES = ['delayed', 'visible', 'in-flight'] as const;
const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
const GROUP_OR_DEDUP_ID = /^[\x21-\x7e]{1,128}$/;
// Characters SQS accepts in a message: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
// eslint-disable-next-line no-control-regex -- the allowed set is defined by control characters
const INVALID_CHARACTER = /[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
const ATTRIBUTE_NAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$/;

/**
 * The SQS model: shaped like `@aws-sdk/client-sqs`'s `SQSClient` — `send(new SendMessageCommand(input))`
 * works with real SDK command objects, and each command is also a method (`sendMessage(input)`) — plus
 * a push-style `consume` like the `sqs-consumer` package.
 *
 * @example
 * ```ts
 * const sim = createSimulation({ seed: 1 });
 * const sqs = simSqs(sim);
 * const { QueueUrl } = await sqs.createQueue({ QueueName: 'orders' });
 * await sqs.sendMessage({ QueueUrl, MessageBody: '{"orderId":"1"}' });
 * sqs.consume(QueueUrl, async (message) => handle(JSON.parse(message.Body)));
 * await sim.runUntilIdle();
 * ```
 */
export class SimSqs {
  readonly #host: QueueHost;
  readonly #options: ResolvedSqsOptions;
  readonly #queues = new Map<string, SimQueue>();
  readonly #byName = new Map<string, SimQueue>();
  readonly #byArn = new Map<string, SimQueue>();
  #queueSerial = 0;
  #messageIds = 0;
  #consumers = 0;
  readonly #scratch: StoredMessage[] = [];

  constructor(
    readonly sim: Simulation,
    options: SimSqsOptions = {},
  ) {
    this.#options = resolveSqsOptions(options);
    const tracing = traceEnabled(sim);
    this.#host = new QueueHost(sim, this.#options, tracing, this.#byArn);
  }

  get region(): string {
    return this.#options.region;
  }

  get accountId(): string {
    return this.#options.accountId;
  }

  /**
   * Runs an SDK command object (`new SendMessageCommand(input)` from `@aws-sdk/client-sqs`), recognised
   * by its class name, so code that holds an `SQSClient` can be handed this model instead.
   */
  send(command: SqsCommandLike): Promise<unknown> {
    const name = typeof command === 'object' && command !== null ? command.constructor?.name : undefined;
    const method = name === undefined ? undefined : COMMANDS[name];
    if (method === undefined) {
      return Promise.reject(
        configError(
          'UnsupportedOperation',
          'send the command to the SQS model',
          `${name === undefined || name === 'Object' ? 'it is not an SDK command object' : `${name} is not a command the model knows`}`,
          `Pass an @aws-sdk/client-sqs command (${Object.keys(COMMANDS).join(', ')}) or call the method of the same name, e.g. sqs.sendMessage(input)`,
        ),
      );
    }
    return (this[method] as (input: unknown) => Promise<unknown>)((command as { input: unknown }).input);
  }

  // ── queues ──────────────────────────────────────────────────────────────────────────────────────

  async createQueue(input: CreateQueueInput): Promise<CreateQueueOutput> {
    const name = input?.QueueName;
    checkQueueName(name);
    const config = resolveQueueConfig(name, input.Attributes);
    const existing = this.#byName.get(name);
    if (existing) {
      // CreateQueue is idempotent when the attributes match; different attributes are an error.
      for (const [key, value] of Object.entries(input.Attributes ?? {})) {
        if (existing.config.attributes[key] !== String(value)) {
          throw configError(
            'QueueNameExists',
            `create queue '${name}'`,
            `a queue with this name already exists with ${key}=${existing.config.attributes[key] ?? '(unset)'}`,
            'Use SetQueueAttributes to change it, or pick another name',
          );
        }
      }
      return { QueueUrl: existing.url, $metadata: METADATA };
    }
    this.#checkRedriveTarget(name, config);
    const { url, arn } = queueAddress(this.#options.region, this.#options.accountId, name);
    const queue = new SimQueue(this.#host, ++this.#queueSerial, name, url, arn, config, this.sim.now());
    this.#queues.set(url, queue);
    this.#byName.set(name, queue);
    this.#byArn.set(arn, queue);
    return { QueueUrl: url, $metadata: METADATA };
  }

  async getQueueUrl(input: GetQueueUrlInput): Promise<GetQueueUrlOutput> {
    const queue = this.#byName.get(input?.QueueName);
    if (!queue)
      throw this.#noSuchQueue(`get the URL of queue '${String(input?.QueueName)}'`, String(input?.QueueName));
    return { QueueUrl: queue.url, $metadata: METADATA };
  }

  async listQueues(input: ListQueuesInput = {}): Promise<ListQueuesOutput> {
    const prefix = input.QueueNamePrefix ?? '';
    const urls = [...this.#byName.values()].filter((q) => q.name.startsWith(prefix)).map((q) => q.url);
    // As the SDK's output: no QueueUrls at all when nothing matches.
    return urls.length === 0 ? { $metadata: METADATA } : { QueueUrls: urls, $metadata: METADATA };
  }

  async getQueueAttributes(input: GetQueueAttributesInput): Promise<GetQueueAttributesOutput> {
    const queue = this.#queue(input, 'get queue attributes');
    const names = input.AttributeNames ?? ['All'];
    const counts = queue.counts();
    // The common ask is one attribute (a queue's ARN, for a redrive policy): answered without
    // building all of them.
    if (names.length === 1 && names[0] === 'QueueArn' && !('QueueArn' in queue.config.attributes))
      return { Attributes: { QueueArn: queue.arn }, $metadata: METADATA };
    const all: Record<string, string> = {
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
      CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(queue.modifiedAt / 1000)),
      ...queue.config.attributes,
    };
    if (names.includes('All')) return { Attributes: all, $metadata: METADATA };
    const picked: Record<string, string> = {};
    for (const name of names) {
      const value = all[name];
      if (value === undefined && !KNOWN_ATTRIBUTES.has(name)) {
        throw configError(
          'InvalidAttributeName',
          `get queue attributes of '${queue.name}'`,
          `unknown attribute ${name}`,
          `Use 'All' or one of: ${[...KNOWN_ATTRIBUTES].join(', ')}`,
        );
      }
      if (value !== undefined) picked[name] = value;
    }
    return { Attributes: picked, $metadata: METADATA };
  }

  async setQueueAttributes(input: SetQueueAttributesInput): Promise<EmptyOutput> {
    const queue = this.#queue(input, 'set queue attributes');
    const config = resolveQueueConfig(queue.name, input.Attributes, queue.config);
    this.#checkRedriveTarget(queue.name, config);
    queue.config = config;
    queue.modifiedAt = this.sim.now();
    return { $metadata: METADATA };
  }

  async purgeQueue(input: QueueUrlInput): Promise<EmptyOutput> {
    const queue = this.#queue(input, 'purge queue');
    const now = this.sim.now();
    if (now - queue.lastPurgeAt < SQS_LIMITS.purgeCooldownMs) {
      throw configError(
        'PurgeQueueInProgress',
        `purge queue '${queue.name}'`,
        'only one PurgeQueue is allowed every 60 seconds',
        'Wait 60 seconds (of virtual time) between purges',
      );
    }
    queue.lastPurgeAt = now;
    this.#dropAll(queue, 'purged');
    return { $metadata: METADATA };
  }

  async deleteQueue(input: QueueUrlInput): Promise<EmptyOutput> {
    const queue = this.#queue(input, 'delete queue');
    this.#dropAll(queue, 'queue deleted');
    queue.deleted = true;
    this.#queues.delete(queue.url);
    this.#byName.delete(queue.name);
    this.#byArn.delete(queue.arn);
    for (const waiter of queue.dropWaiters()) waiter.serve();
    return { $metadata: METADATA };
  }

  // ── sending ─────────────────────────────────────────────────────────────────────────────────────

  async sendMessage(input: SendMessageInput): Promise<SendMessageOutput> {
    const queue = this.#queue(input, 'send a message');
    const outcome = this.#accept(queue, input, queue.sendAction, true);
    return new SendResult(outcome.digest, outcome.messageId, outcome.sequenceNumber, METADATA);
  }

  async sendMessageBatch(input: SendMessageBatchInput): Promise<SendMessageBatchOutput> {
    const queue = this.#queue(input, 'send a message batch');
    const action = `send a message batch to '${queue.name}'`;
    const entries = checkBatch(input.Entries, action);
    let total = 0;
    for (const entry of entries)
      total += byteLength(entry.MessageBody) + attributesSize(entry.MessageAttributes);
    if (total > SQS_LIMITS.maxMessageSize) {
      throw configError(
        'BatchRequestTooLong',
        action,
        `the messages together are ${total} bytes, more than the ${SQS_LIMITS.maxMessageSize} bytes a batch may carry`,
        'Split the batch',
      );
    }
    const lostReply = this.#outage(queue, action, true);
    const Successful: SentEntry[] = [];
    const Failed: BatchResultErrorEntry[] = [];
    for (const entry of entries) {
      try {
        const outcome = this.#accept(queue, entry, action, false);
        Successful.push(new SentEntry(entry.Id, outcome.messageId, outcome.sequenceNumber, outcome.digest));
      } catch (error) {
        Failed.push(failedEntry(entry.Id, error));
      }
    }
    if (lostReply) throw lostReply;
    if (this.#host.tracing && Failed.length > 0)
      queue.trace(
        'error',
        undefined,
        `batch: ${Successful.length} sent, ${Failed.length} failed (${Failed.map((f) => `${f.Id}: ${f.Code}`).join(', ')})`,
      );
    return { Successful, Failed, $metadata: METADATA };
  }

  /** Validates one message and stores it (or finds it deduplicated). */
  #accept(
    queue: SimQueue,
    entry: Omit<SendMessageInput, 'QueueUrl'>,
    action: string,
    checkOutage: boolean,
  ): { messageId: string; sequenceNumber: string | undefined; digest: Digestible } {
    const body = entry.MessageBody;
    if (typeof body !== 'string' || body.length === 0) {
      throw configError(
        'MissingParameter',
        action,
        'the request must contain a non-empty MessageBody',
        'Pass the message as a string in MessageBody (JSON.stringify objects)',
      );
    }
    const config = queue.config;
    const given = entry.MessageAttributes;
    // Frozen attributes sent before were checked then: their size is remembered and they are valid.
    const checked = given === undefined ? undefined : checkedAttributes.get(given);
    if (
      body.length * 3 + (checked ?? 0) > config.maximumMessageSize ||
      (given !== undefined && checked === undefined)
    ) {
      const size = byteLength(body) + (checked ?? attributesSize(given));
      if (size > config.maximumMessageSize) {
        throw configError(
          'InvalidParameterValue',
          action,
          `the message is ${size} bytes; it must be shorter than ${config.maximumMessageSize} bytes (MaximumMessageSize)`,
          'Send a smaller message, e.g. store the payload elsewhere and send a reference',
        );
      }
    }
    if (INVALID_CHARACTER.test(body)) {
      throw configError(
        'InvalidMessageContents',
        action,
        'the body contains characters SQS does not accept (allowed: #x9, #xA, #xD, #x20-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF)',
        'Base64-encode binary data before sending it',
      );
    }
    const attributes =
      given === undefined || checked !== undefined ? given : rememberChecked(checkAttributes(given, action));
    let delayMs = config.delayMs;
    if (entry.DelaySeconds !== undefined) {
      if (config.fifo) {
        throw configError(
          'InvalidParameterValue',
          action,
          `DelaySeconds is not valid per message on FIFO queue '${queue.name}'`,
          "Set the queue's DelaySeconds attribute instead",
        );
      }
      if (
        !Number.isInteger(entry.DelaySeconds) ||
        entry.DelaySeconds < 0 ||
        entry.DelaySeconds > SQS_LIMITS.maxDelaySeconds
      ) {
        throw configError(
          'InvalidParameterValue',
          action,
          `DelaySeconds must be an integer from 0 to 900, got ${String(entry.DelaySeconds)}`,
          'Delay by at most 15 minutes',
        );
      }
      delayMs = entry.DelaySeconds * 1000;
    }
    const groupId = entry.MessageGroupId;
    let deduplicationId = entry.MessageDeduplicationId;
    if (groupId !== undefined && !GROUP_OR_DEDUP_ID.test(groupId)) {
      throw configError(
        'InvalidParameterValue',
        action,
        `MessageGroupId must be 1 to 128 printable ASCII characters, got '${groupId}'`,
        'Use e.g. the order id',
      );
    }
    if (deduplicationId !== undefined && !GROUP_OR_DEDUP_ID.test(deduplicationId)) {
      throw configError(
        'InvalidParameterValue',
        action,
        `MessageDeduplicationId must be 1 to 128 printable ASCII characters, got '${deduplicationId}'`,
        'Use e.g. an idempotency key',
      );
    }
    const sim = this.sim;
    const now = sim.now();
    if (config.fifo) {
      if (groupId === undefined) {
        throw configError(
          'MissingParameter',
          action,
          `FIFO queue '${queue.name}' needs a MessageGroupId on every message`,
          'Pass MessageGroupId, e.g. the id of the entity whose messages must stay in order',
        );
      }
      if (deduplicationId === undefined) {
        if (!config.contentBasedDeduplication) {
          throw configError(
            'InvalidParameterValue',
            action,
            `the queue '${queue.name}' should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly`,
            "Pass MessageDeduplicationId, or create the queue with ContentBasedDeduplication: 'true'",
          );
        }
        deduplicationId = sha256OfBody(body);
      }
    } else if (deduplicationId !== undefined) {
      throw configError(
        'InvalidParameterValue',
        action,
        `MessageDeduplicationId is only valid on FIFO queues and '${queue.name}' is a standard queue`,
        'Remove it, or use a FIFO queue',
      );
    }
    const lostReply = checkOutage ? this.#outage(queue, action, false) : undefined;
    if (config.fifo) {
      queue.pruneDeduplication(now);
      const key = deduplicationKey(queue, groupId!, deduplicationId!);
      const seen = queue.deduplication.get(key);
      if (seen !== undefined) {
        queue.trace(
          'drop',
          undefined,
          `deduplicated: MessageDeduplicationId ${deduplicationId!.slice(0, 16)} was sent within 5 minutes as ${seen.messageId}`,
        );
        if (lostReply) throw lostReply;
        return {
          messageId: seen.messageId,
          sequenceNumber: seen.sequenceNumber,
          digest: { body, attributes, md5: undefined },
        };
      }
    }
    const messageId = this.#nextMessageId();
    const sequenceNumber = config.fifo ? queue.nextSequenceNumber() : undefined;
    // The message is its own ledger entry, opened here as before: ids are numbered in send order.
    const stored = sim.ledger.add(
      new StoredMessage(
        this.#host.nextSerial(),
        undefined,
        queue.name,
        messageId,
        body,
        attributes,
        groupId,
        deduplicationId,
        sequenceNumber,
        now,
        now + config.retentionMs,
        false,
      ),
    );
    let extraDelay = 0;
    if (sim.faults.active.length > 0) {
      const fault = sim.faults.fires('delay', 'sqs', queue.name);
      if (fault) {
        extraDelay = fault.delayMs ?? 100;
        queue.trace('fault', undefined, `delay: ${stored.ledgerId} held back ${extraDelay}ms`);
      }
    }
    if (config.fifo)
      queue.deduplication.set(deduplicationKey(queue, groupId!, deduplicationId!), {
        messageId,
        sequenceNumber,
        expiresAt: now + DEDUPLICATION_WINDOW_MS,
      });
    if (this.#host.tracing)
      queue.trace('publish', stored, delayMs > 0 ? `delay ${delayMs / 1000}s` : `MessageId ${messageId}`);
    queue.store(stored, delayMs + extraDelay);
    if (lostReply) throw lostReply;
    return { messageId, sequenceNumber, digest: stored };
  }

  /**
   * Inside an `unavailable` fault window a send is rejected (throws now), or ends unknown: the
   * message is stored but the caller gets a timeout (returned here, thrown after storing). Which of
   * the two is a recorded decision.
   */
  #outage(queue: SimQueue, action: string, batch: boolean): SqsSimError | undefined {
    const faults = this.sim.faults;
    if (faults.active.length === 0) return undefined;
    const until = faults.unavailableUntil('sqs', queue.name, this.sim.now());
    if (until === undefined) return undefined;
    const hint =
      'Retry with backoff; a send that timed out may still have been stored, so make receivers idempotent';
    if (this.sim.decisions.chance('sqs:outcome-unknown', 0.5)) {
      queue.trace(
        'fault',
        undefined,
        `unavailable until ${until}ms: ${batch ? 'batch' : 'send'} stored but the reply is lost`,
      );
      return unavailableError(
        'RequestTimeout',
        action,
        `the request timed out while SQS was unavailable (until ${until}ms of virtual time); the message may or may not have been stored`,
        hint,
      );
    }
    queue.trace('fault', undefined, `unavailable until ${until}ms: ${batch ? 'batch' : 'send'} rejected`);
    throw unavailableError(
      'ServiceUnavailable',
      action,
      `SQS is unavailable until ${until}ms of virtual time`,
      hint,
    );
  }

  // ── receiving ───────────────────────────────────────────────────────────────────────────────────

  receiveMessage(input: ReceiveMessageInput): Promise<ReceiveMessageOutput> {
    let queue: SimQueue;
    try {
      queue = this.#queue(input, 'receive messages');
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const action = `receive messages from '${queue.name}'`;
    const max = input.MaxNumberOfMessages ?? 1;
    if (!Number.isInteger(max) || max < 1 || max > SQS_LIMITS.maxBatchEntries) {
      return Promise.reject(
        configError(
          'InvalidParameterValue',
          action,
          `MaxNumberOfMessages must be an integer from 1 to 10, got ${String(max)}`,
          'Ask for at most 10 messages per receive',
        ),
      );
    }
    const waitSeconds = input.WaitTimeSeconds ?? queue.config.receiveWaitMs / 1000;
    if (!Number.isInteger(waitSeconds) || waitSeconds < 0 || waitSeconds > SQS_LIMITS.maxWaitSeconds) {
      return Promise.reject(
        configError(
          'InvalidParameterValue',
          action,
          `WaitTimeSeconds must be an integer from 0 to 20, got ${String(waitSeconds)}`,
          'Long-poll for at most 20 seconds',
        ),
      );
    }
    const visibilitySeconds = input.VisibilityTimeout ?? queue.config.visibilityMs / 1000;
    if (
      !Number.isInteger(visibilitySeconds) ||
      visibilitySeconds < 0 ||
      visibilitySeconds > SQS_LIMITS.maxVisibilitySeconds
    ) {
      return Promise.reject(
        configError(
          'InvalidParameterValue',
          action,
          `VisibilityTimeout must be an integer from 0 to 43200, got ${String(visibilitySeconds)}`,
          'Use at most 12 hours',
        ),
      );
    }
    const view = receiveView(input);
    const sim = this.sim;
    return new Promise<ReceiveMessageOutput>((resolve) => {
      const deadline = sim.now() + waitSeconds * 1000;
      let settled = false;
      let timeout: ReturnType<Simulation['schedule']> | undefined;
      const finish = (messages: Message[] | undefined) => {
        settled = true;
        if (timeout) sim.cancel(timeout);
        queue.unpark(waiter);
        resolve(
          messages === undefined ? { $metadata: METADATA } : { Messages: messages, $metadata: METADATA },
        );
      };
      /** One look at the queue; false when it found nothing and the receive should keep waiting. */
      const attempt = (final: boolean): boolean => {
        if (settled) return true;
        if (queue.deleted) {
          finish(undefined);
          return true;
        }
        const down =
          sim.faults.active.length > 0
            ? sim.faults.unavailableUntil('sqs', queue.name, sim.now())
            : undefined;
        if (down !== undefined) {
          // A receive during an outage stalls until the broker is back, then carries on waiting.
          queue.trace('fault', undefined, `unavailable until ${down}ms: receive stalls`);
          queue.unpark(waiter);
          if (timeout) sim.cancel(timeout);
          timeout = undefined;
          sim.schedule(down - sim.now(), `sqs ${queue.name} receive after outage`, begin);
          return true;
        }
        const out = this.#scratch;
        const n = queue.take(out, max, visibilitySeconds * 1000, waitSeconds === 0);
        if (n === 0 && !final) return false;
        const messages: Message[] = [];
        for (let i = 0; i < n; i++) messages.push(this.#toMessage(queue, out[i]!, view));
        out.length = 0;
        finish(n === 0 ? undefined : messages);
        return true;
      };
      const waiter: Waiter = { serve: () => attempt(false) };
      const begin = () => {
        if (attempt(sim.now() >= deadline)) return;
        queue.park(waiter);
        timeout = sim.schedule(deadline - sim.now(), `sqs ${queue.name} long poll ends`, () => {
          timeout = undefined;
          attempt(true);
        });
      };
      begin();
    });
  }

  #toMessage(queue: SimQueue, stored: StoredMessage, view: ReceiveView): ReceivedMessage {
    if (view.system === undefined && view.custom === undefined)
      return new ReceivedMessage(stored, queue, undefined, undefined);
    let attributes: Record<string, string> | undefined;
    const system = view.system;
    if (system !== undefined) {
      attributes = {};
      const all = view.allSystem;
      const wants = (name: string) => all || system.has(name);
      if (wants('SenderId')) attributes['SenderId'] = this.#options.accountId;
      if (wants('SentTimestamp')) attributes['SentTimestamp'] = String(stored.sentAt);
      if (wants('ApproximateReceiveCount'))
        attributes['ApproximateReceiveCount'] = String(stored.receiveCount);
      if (wants('ApproximateFirstReceiveTimestamp'))
        attributes['ApproximateFirstReceiveTimestamp'] = String(stored.firstReceiveAt);
      if (stored.sequenceNumber !== undefined && wants('SequenceNumber'))
        attributes['SequenceNumber'] = stored.sequenceNumber;
      if (queue.fifo && stored.deduplicationId !== undefined && wants('MessageDeduplicationId'))
        attributes['MessageDeduplicationId'] = stored.deduplicationId;
      if (stored.groupId !== undefined && wants('MessageGroupId'))
        attributes['MessageGroupId'] = stored.groupId;
      if (stored.deadLetterSourceArn !== undefined && wants('DeadLetterQueueSourceArn'))
        attributes['DeadLetterQueueSourceArn'] = stored.deadLetterSourceArn;
    }
    let custom: Record<string, MessageAttributeValue> | undefined;
    const patterns = view.custom;
    const sent = stored.attributes;
    if (patterns !== undefined && sent !== undefined) {
      // All of a checked record whose every key is an enumerable string: a copy by spread, which V8
      // makes in one step, is the same object the loop below builds key by key.
      if (view.allCustom && spreadable.has(sent))
        return new ReceivedMessage(stored, queue, attributes, { ...sent });
      for (const name of Object.keys(sent)) {
        if (view.allCustom || matchesAttributePattern(patterns, name)) (custom ??= {})[name] = sent[name]!;
      }
    }
    return new ReceivedMessage(stored, queue, attributes, custom);
  }

  // ── acknowledging ───────────────────────────────────────────────────────────────────────────────

  async deleteMessage(input: DeleteMessageInput): Promise<EmptyOutput> {
    const queue = this.#queue(input, 'delete a message');
    this.#unavailableForAck(queue, 'delete a message');
    this.#deleteByHandle(queue, input.ReceiptHandle, `delete a message from '${queue.name}'`);
    return { $metadata: METADATA };
  }

  async deleteMessageBatch(input: DeleteMessageBatchInput): Promise<BatchOutput> {
    const queue = this.#queue(input, 'delete a message batch');
    const action = `delete a message batch from '${queue.name}'`;
    const entries = checkBatch(input.Entries, action);
    this.#unavailableForAck(queue, action);
    return this.#perEntry(entries, (entry) => this.#deleteByHandle(queue, entry.ReceiptHandle, action));
  }

  async changeMessageVisibility(input: ChangeMessageVisibilityInput): Promise<EmptyOutput> {
    const queue = this.#queue(input, 'change message visibility');
    this.#unavailableForAck(queue, 'change message visibility');
    this.#changeByHandle(
      queue,
      input.ReceiptHandle,
      input.VisibilityTimeout,
      `change the visibility of a message in '${queue.name}'`,
    );
    return { $metadata: METADATA };
  }

  async changeMessageVisibilityBatch(input: ChangeMessageVisibilityBatchInput): Promise<BatchOutput> {
    const queue = this.#queue(input, 'change message visibility in a batch');
    const action = `change message visibility in a batch on '${queue.name}'`;
    const entries = checkBatch(input.Entries, action);
    this.#unavailableForAck(queue, action);
    return this.#perEntry(entries, (entry) =>
      this.#changeByHandle(queue, entry.ReceiptHandle, entry.VisibilityTimeout, action),
    );
  }

  #perEntry<T extends { readonly Id: string }>(entries: readonly T[], run: (entry: T) => void): BatchOutput {
    const Successful: { Id: string }[] = [];
    const Failed: BatchResultErrorEntry[] = [];
    for (const entry of entries) {
      try {
        run(entry);
        Successful.push({ Id: entry.Id });
      } catch (error) {
        Failed.push(failedEntry(entry.Id, error));
      }
    }
    return { Successful, Failed, $metadata: METADATA };
  }

  #unavailableForAck(queue: SimQueue, action: string): void {
    if (this.sim.faults.active.length === 0) return;
    const until = this.sim.faults.unavailableUntil('sqs', queue.name, this.sim.now());
    if (until === undefined) return;
    queue.trace('fault', undefined, `unavailable until ${until}ms: ${action} rejected`);
    throw unavailableError(
      'ServiceUnavailable',
      `${action} in '${queue.name}'`,
      `SQS is unavailable until ${until}ms of virtual time`,
      'Retry later; until then the message stays in flight and reappears after its visibility timeout',
    );
  }

  #resolveHandle(
    queue: SimQueue,
    handle: unknown,
    action: string,
  ): { stored: StoredMessage | undefined; nonce: number } {
    const parts = typeof handle === 'string' && handle.startsWith('AQEB') ? handle.slice(4).split('.') : [];
    if (parts.length !== 3 || Number(parts[0]) !== queue.serial) {
      throw configError(
        'ReceiptHandleIsInvalid',
        action,
        parts.length === 3
          ? `the receipt handle belongs to another queue, not '${queue.name}'`
          : `'${String(handle)}' is not a valid receipt handle`,
        'Pass the ReceiptHandle of a message received from this queue (not its MessageId)',
      );
    }
    return { stored: queue.live.get(Number(parts[1])), nonce: Number(parts[2]) };
  }

  #deleteByHandle(queue: SimQueue, handle: string, action: string): void {
    const { stored, nonce } = this.#resolveHandle(queue, handle, action);
    if (stored === undefined) return; // already deleted: SQS reports success
    this.deleteStored(queue, stored, nonce, action);
  }

  /** @internal Deletes with the receipt of one receive; shared with the consumer. */
  deleteStored(queue: SimQueue, stored: StoredMessage, nonce: number, action: string): void {
    if (stored.state === State.Gone) return;
    if (stored.receipt !== nonce || (queue.fifo && stored.state !== State.InFlight)) {
      if (queue.fifo) {
        throw configError(
          'InvalidParameterValue',
          action,
          'the receipt handle has expired: the visibility timeout passed (or the message was received again) before the delete',
          'Delete within the visibility timeout, or extend it with ChangeMessageVisibility while processing',
        );
      }
      // Standard queues accept a stale handle and do nothing: the message stays for its newer receiver.
      queue.trace(
        'drop',
        stored,
        'delete with a stale receipt handle: the message was received again since, it stays',
      );
      return;
    }
    queue.delete(stored, 'deleted');
  }

  #changeByHandle(queue: SimQueue, handle: string, seconds: number, action: string): void {
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > SQS_LIMITS.maxVisibilitySeconds) {
      throw configError(
        'InvalidParameterValue',
        action,
        `VisibilityTimeout must be an integer from 0 to 43200, got ${String(seconds)}`,
        'Use at most 12 hours',
      );
    }
    const { stored, nonce } = this.#resolveHandle(queue, handle, action);
    if (stored === undefined || stored.state !== State.InFlight) {
      throw configError(
        'MessageNotInflight',
        action,
        'the message is not in flight (it was deleted, or its visibility timeout already passed)',
        'Change the visibility only between receiving and deleting a message',
      );
    }
    if (stored.receipt !== nonce) {
      throw configError(
        'InvalidParameterValue',
        action,
        'the receipt handle has expired: the message was received again since',
        'Use the ReceiptHandle of the latest receive',
      );
    }
    if (this.sim.now() - stored.receivedAt + seconds * 1000 > SQS_LIMITS.maxVisibilitySeconds * 1000) {
      throw configError(
        'InvalidParameterValue',
        action,
        'a message may stay invisible for at most 12 hours after it was received',
        'Delete the message and send a new one if the work takes longer',
      );
    }
    queue.changeVisibility(stored, seconds * 1000);
  }

  // ── consuming ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Starts a push-style consumer like the `sqs-consumer` package: it long-polls `queueUrl`, calls
   * `handler` per message, deletes the message when the handler returns or resolves, and leaves it
   * to reappear after the visibility timeout when it throws.
   */
  consume(
    queueUrl: string,
    handler: MessageHandler,
    options?: ConsumeOptions & { readonly handleMessageBatch?: false },
  ): SqsConsumer;
  consume(
    queueUrl: string,
    handler: BatchMessageHandler,
    options: ConsumeOptions & { readonly handleMessageBatch: true },
  ): SqsConsumer;
  consume(
    queueUrl: string,
    handler: MessageHandler | BatchMessageHandler,
    options: ConsumeOptions & { readonly handleMessageBatch?: boolean } = {},
  ): SqsConsumer {
    const queue = this.#queue({ QueueUrl: queueUrl }, 'start a consumer');
    return new SqsConsumer(this, queue, handler, options);
  }

  /** @internal Consumer names are numbered per model, so one seed gives one trace. */
  nextConsumerNumber(): number {
    return ++this.#consumers;
  }

  /** @internal Receives for a consumer without a promise per receive. */
  takeForConsumer(queue: SimQueue, out: StoredMessage[], max: number, visibilityMs: number): number {
    return queue.take(out, max, visibilityMs, false);
  }

  /** @internal */
  messageFor(queue: SimQueue, stored: StoredMessage, view: ReceiveView): Message {
    return this.#toMessage(queue, stored, view);
  }

  /** @internal */
  get tracing(): boolean {
    return this.#host.tracing;
  }

  // ── inspection ──────────────────────────────────────────────────────────────────────────────────

  /**
   * What a queue holds right now, for assertions: every stored message with its state. Not an SQS
   * API (SQS has no way to look without receiving); counts match GetQueueAttributes.
   */
  inspect(queueUrl: string): {
    readonly name: string;
    readonly visible: number;
    readonly inFlight: number;
    readonly delayed: number;
    readonly messages: StoredMessageView[];
  } {
    const queue = this.#queue({ QueueUrl: queueUrl }, 'inspect a queue');
    const counts = queue.counts();
    const messages = queue
      .all()
      .sort((a, b) => a.serial - b.serial)
      .map((m) => ({
        id: m.ledgerId,
        MessageId: m.messageId,
        Body: m.body,
        state: STATE_NAMES[m.state as 0 | 1 | 2],
        receiveCount: m.receiveCount,
        MessageGroupId: m.groupId,
      }));
    return { name: queue.name, ...counts, messages };
  }

  /** The ARN of a queue given its URL (what `GetQueueAttributes` returns as QueueArn). */
  queueArn(queueUrl: string): string {
    return this.#queue({ QueueUrl: queueUrl }, 'find the ARN of a queue').arn;
  }

  /** @internal For SNS: the queue an ARN names. */
  queueForArn(arn: string): SimQueue | undefined {
    return this.#byArn.get(arn);
  }

  /** @internal For SNS: stores a notification as a SendMessage would. */
  deliverFromSns(queue: SimQueue, input: Omit<SendMessageInput, 'QueueUrl'>): void {
    this.#accept(queue, input, `deliver an SNS notification to '${queue.name}'`, false);
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────────────

  #queue(input: { QueueUrl?: unknown } | undefined, action: string): SimQueue {
    const url = input?.QueueUrl;
    const queue = typeof url === 'string' ? this.#queues.get(url) : undefined;
    if (queue) return queue;
    if (typeof url !== 'string')
      throw configError(
        'MissingParameter',
        action,
        'the request must contain the parameter QueueUrl',
        'Pass the QueueUrl that createQueue or getQueueUrl returned',
      );
    throw this.#noSuchQueue(action, url);
  }

  #noSuchQueue(action: string, nameOrUrl: string): SqsSimError {
    const known = [...this.#byName.keys()];
    return unknownTarget(
      'QueueDoesNotExist',
      action,
      `the specified queue does not exist: '${nameOrUrl}'`,
      known.length === 0
        ? 'Create it first with createQueue({ QueueName }) and use the QueueUrl it returns'
        : `Use the QueueUrl that createQueue returned; known queues: ${known.join(', ')}`,
    );
  }

  #checkRedriveTarget(name: string, config: ReturnType<typeof resolveQueueConfig>): void {
    if (!config.redrive) return;
    const target = this.#byArn.get(config.redrive.deadLetterTargetArn);
    const action = `set the redrive policy of '${name}'`;
    if (!target) {
      throw configError(
        'InvalidParameterValue',
        action,
        `the dead-letter target ${config.redrive.deadLetterTargetArn} does not exist`,
        'Create the dead-letter queue first and pass its QueueArn (getQueueAttributes → QueueArn)',
      );
    }
    if (target.fifo !== config.fifo) {
      throw configError(
        'InvalidParameterValue',
        action,
        `the dead-letter queue of a ${config.fifo ? 'FIFO' : 'standard'} queue must be a ${config.fifo ? 'FIFO' : 'standard'} queue too, and ${target.name} is not`,
        'Use a dead-letter queue of the same type',
      );
    }
    if (target.name === name)
      throw configError(
        'InvalidParameterValue',
        action,
        'a queue cannot be its own dead-letter queue',
        'Create a separate dead-letter queue',
      );
  }

  /** Purge or delete: every message is discarded, and the ledger says the broker dropped it. */
  #dropAll(queue: SimQueue, why: string): void {
    for (const stored of queue.all()) {
      queue.remove(stored);
      // A leftover duplicate copy of a message already deleted does not undo that delete.
      const entry = stored.entry;
      if (!(entry !== stored && entry.fate === 'acked')) entry.fate = 'rejected-by-broker';
      queue.trace('drop', stored, why);
    }
  }

  #nextMessageId(): string {
    const n = ++this.#messageIds;
    if (n < MESSAGE_IDS_KEPT) return (MESSAGE_IDS[n] ??= messageId(n));
    return messageId(n);
  }
}

/**
 * A queue's URL and ARN. The same few queues are created in every run of a scenario: their strings are
 * made once, and keep the hash a Map lookup computes (a new string computes it again).
 */
function queueAddress(region: string, accountId: string, name: string): { url: string; arn: string } {
  const known = QUEUE_ADDRESSES.get(name);
  if (known !== undefined && known.region === region && known.accountId === accountId) return known;
  const address = {
    region,
    accountId,
    url: `https://sqs.${region}.amazonaws.com/${accountId}/${name}`,
    arn: `arn:aws:sqs:${region}:${accountId}:${name}`,
  };
  if (QUEUE_ADDRESSES.size >= 256) QUEUE_ADDRESSES.clear();
  QUEUE_ADDRESSES.set(name, address);
  return address;
}
const QUEUE_ADDRESSES = new Map<string, { region: string; accountId: string; url: string; arn: string }>();

const messageId = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
/**
 * Every model numbers its messages from 1, so the first ids are the same strings in every run: made
 * once and shared (strings are immutable), not once per message of every run.
 */
const MESSAGE_IDS: string[] = [];
const MESSAGE_IDS_KEPT = 4096;

/** Which attributes a receive asked for. @internal */
export interface ReceiveView {
  readonly system: ReadonlySet<string> | undefined;
  /** `All` among the system attribute names. */
  readonly allSystem: boolean;
  readonly custom: readonly string[] | undefined;
  /** `All` or `.*` among the message attribute names. */
  readonly allCustom: boolean;
}

/** A message attribute name against MessageAttributeNames: a name, `All`, `.*` or a `prefix.*`. */
function matchesAttributePattern(patterns: readonly string[], name: string): boolean {
  for (const pattern of patterns) {
    if (pattern === 'All' || pattern === '.*' || pattern === name) return true;
    if (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))) return true;
  }
  return false;
}

/** @internal */
export function receiveView(input: {
  AttributeNames?: readonly string[] | undefined;
  MessageSystemAttributeNames?: readonly string[] | undefined;
  MessageAttributeNames?: readonly string[] | undefined;
}): ReceiveView {
  const system = [...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])];
  const custom = input.MessageAttributeNames ?? [];
  return {
    system: system.length > 0 ? new Set(system) : undefined,
    allSystem: system.includes('All'),
    custom: custom.length > 0 ? custom : undefined,
    allCustom: custom.includes('All') || custom.includes('.*'),
  };
}

const COMMANDS: Record<string, keyof SimSqs> = {
  CreateQueueCommand: 'createQueue',
  GetQueueUrlCommand: 'getQueueUrl',
  ListQueuesCommand: 'listQueues',
  GetQueueAttributesCommand: 'getQueueAttributes',
  SetQueueAttributesCommand: 'setQueueAttributes',
  SendMessageCommand: 'sendMessage',
  SendMessageBatchCommand: 'sendMessageBatch',
  ReceiveMessageCommand: 'receiveMessage',
  DeleteMessageCommand: 'deleteMessage',
  DeleteMessageBatchCommand: 'deleteMessageBatch',
  ChangeMessageVisibilityCommand: 'changeMessageVisibility',
  ChangeMessageVisibilityBatchCommand: 'changeMessageVisibilityBatch',
  PurgeQueueCommand: 'purgeQueue',
  DeleteQueueCommand: 'deleteQueue',
};

const KNOWN_ATTRIBUTES = new Set([
  'QueueArn',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'Policy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
]);

function checkBatch<T extends { readonly Id: string }>(
  entries: readonly T[] | undefined,
  action: string,
): readonly T[] {
  if (!Array.isArray(entries) || entries.length === 0)
    throw configError(
      'EmptyBatchRequest',
      action,
      'the batch request contains no entries',
      'Pass 1 to 10 Entries',
    );
  if (entries.length > SQS_LIMITS.maxBatchEntries) {
    throw configError(
      'TooManyEntriesInBatchRequest',
      action,
      `the batch has ${entries.length} entries, at most 10 are allowed`,
      'Split it into batches of 10',
    );
  }
  const ids = new Set<string>();
  for (const entry of entries as readonly (T | undefined)[]) {
    if (typeof entry?.Id !== 'string' || !BATCH_ID.test(entry.Id)) {
      throw configError(
        'InvalidBatchEntryId',
        action,
        `batch entry id '${String(entry?.Id)}' is invalid: up to 80 letters, digits, hyphens and underscores`,
        "Use ids like 'msg-1'",
      );
    }
    if (ids.has(entry.Id))
      throw configError(
        'BatchEntryIdsNotDistinct',
        action,
        `two entries have the id '${entry.Id}'`,
        'Give every entry of a batch its own Id',
      );
    ids.add(entry.Id);
  }
  return entries as readonly T[];
}

function failedEntry(id: string, error: unknown): BatchResultErrorEntry {
  const code = (error as { awsCode?: string }).awsCode ?? 'InternalError';
  return {
    Id: id,
    SenderFault: (error as { $fault?: string }).$fault !== 'server',
    Code: code,
    Message: error instanceof Error ? error.message : String(error),
  };
}

/**
 * Message attributes that passed the checks and cannot change since (see {@link isImmutableRecord}:
 * the object and every value in it; no binary values, whose bytes could): their byte size. Scenarios
 * send the same frozen attributes in every run.
 */
const checkedAttributes = new WeakMap<object, number>();

function rememberChecked(
  attributes: Readonly<Record<string, MessageAttributeValue>>,
): Readonly<Record<string, MessageAttributeValue>> {
  if (!isImmutableRecord(attributes)) return attributes;
  for (const name of Object.keys(attributes)) {
    const value = attributes[name];
    if (!isImmutableRecord(value) || value.BinaryValue !== undefined) return attributes;
  }
  checkedAttributes.set(attributes, attributesSize(attributes));
  const keys = Object.keys(attributes);
  if (keys.length > 0 && keys.length === Reflect.ownKeys(attributes).length && !keys.includes('__proto__'))
    spreadable.add(attributes);
  return attributes;
}

/**
 * Checked attributes (above) with at least one key, every key an enumerable string: what a receive
 * asking for all attributes gets is exactly a spread copy of them.
 */
const spreadable = new WeakSet<object>();

/** Attribute names already found valid: a few names recur on every message, the regex runs once per name. */
const validNames = new Set<string>();

function validAttributeName(name: string): boolean {
  if (validNames.has(name)) return true;
  const lower = name.toLowerCase();
  if (!ATTRIBUTE_NAME.test(name) || lower.startsWith('aws.') || lower.startsWith('amazon.')) return false;
  if (validNames.size >= 1024) validNames.clear();
  validNames.add(name);
  return true;
}

/** `String`, `Number` or `Binary` from a DataType with an optional `.custom` suffix. */
function baseType(type: string): string {
  const dot = type.indexOf('.');
  return dot === -1 ? type : type.slice(0, dot);
}

function checkAttributes(
  attributes: Readonly<Record<string, MessageAttributeValue>>,
  action: string,
): Readonly<Record<string, MessageAttributeValue>> {
  const names = Object.keys(attributes);
  if (names.length > SQS_LIMITS.maxMessageAttributes) {
    throw configError(
      'InvalidParameterValue',
      action,
      `a message has at most 10 message attributes, this one has ${names.length}`,
      'Move the rest into the body',
    );
  }
  for (const name of names) {
    const attribute = attributes[name];
    if (!validAttributeName(name)) {
      throw configError(
        'InvalidParameterValue',
        action,
        `message attribute name '${name}' is invalid: up to 256 letters, digits, '_', '-', '.', not starting with AWS. or Amazon.`,
        'Rename the attribute',
      );
    }
    const type = attribute?.DataType;
    const base = typeof type === 'string' ? baseType(type) : undefined;
    if (base !== 'String' && base !== 'Number' && base !== 'Binary') {
      throw configError(
        'InvalidParameterValue',
        action,
        `message attribute '${name}' has DataType '${String(type)}'; it must be String, Number or Binary (optionally with a .custom suffix)`,
        "Pass { DataType: 'String', StringValue: '…' }",
      );
    }
    if (
      base === 'Binary'
        ? attribute!.BinaryValue === undefined
        : typeof attribute!.StringValue !== 'string' || attribute!.StringValue.length === 0
    ) {
      throw configError(
        'InvalidParameterValue',
        action,
        `message attribute '${name}' of type ${type} has no ${base === 'Binary' ? 'BinaryValue' : 'StringValue'}`,
        'Every message attribute needs a non-empty value',
      );
    }
    if (base === 'Number' && !Number.isFinite(Number(attribute!.StringValue))) {
      throw configError(
        'InvalidParameterValue',
        action,
        `message attribute '${name}' is a Number but '${attribute!.StringValue}' is not a number`,
        'Pass the number as a string, e.g. StringValue: "42"',
      );
    }
  }
  return attributes;
}

const byteLength = (text: string | undefined): number =>
  typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : 0;

function attributesSize(attributes: Readonly<Record<string, MessageAttributeValue>> | undefined): number {
  if (attributes === undefined) return 0;
  let size = 0;
  for (const name of Object.keys(attributes)) {
    const value = attributes[name];
    size +=
      byteLength(name) +
      byteLength(value?.DataType) +
      (value?.BinaryValue ? value.BinaryValue.length : byteLength(value?.StringValue));
  }
  return size;
}

/** Whether the simulation keeps a trace (read without allocating a trace event). @internal */
export function traceEnabled(sim: Simulation): boolean {
  return sim.trace.enabled;
}

/**
 * Creates the SQS model in a simulation.
 *
 * @example
 * ```ts
 * const sim = createSimulation({ seed: 7 });
 * const sqs = simSqs(sim, { region: 'eu-west-1' });
 * const { QueueUrl } = await sqs.createQueue({ QueueName: 'orders.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } });
 * ```
 */
export function simSqs(sim: Simulation, options?: SimSqsOptions): SimSqs {
  return new SimSqs(sim, options);
}
