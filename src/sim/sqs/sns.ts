/* eslint-disable @typescript-eslint/require-await -- the SDK-shaped methods are async so that their errors reject, as the SDK's do */
import type { Simulation } from '../world.js';
import { sha256OfBody } from './digests.js';
import { configError, unknownTarget } from './errors.js';
import { attributeReader, bodyReader, compileFilterPolicy, type CompiledFilter } from './filter-policy.js';
import type { SimSqs } from './sqs.js';
import type { MessageAttributeValue, ResponseMetadata } from './types.js';

/**
 * SNS inputs and outputs, cased as `@aws-sdk/client-sns` cases them.
 *
 * @example
 * ```ts
 * await sns.createTopic({ Name: 'orders.fifo', Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' } });
 * ```
 */
export interface CreateTopicInput {
  readonly Name: string;
  readonly Attributes?:
    Partial<Record<'FifoTopic' | 'ContentBasedDeduplication' | 'DisplayName', string>> | undefined;
}
/**
 * A queue subscription with its attributes (strings, as SNS takes them).
 *
 * @example
 * ```ts
 * await sns.subscribe({ TopicArn, Protocol: 'sqs', Endpoint: sqs.queueArn(QueueUrl), Attributes: { RawMessageDelivery: 'true' } });
 * ```
 */
export interface SubscribeInput {
  readonly TopicArn: string;
  readonly Protocol: string;
  /** The queue's ARN. */
  readonly Endpoint: string;
  readonly Attributes?:
    Partial<Record<'FilterPolicy' | 'FilterPolicyScope' | 'RawMessageDelivery', string>> | undefined;
  readonly ReturnSubscriptionArn?: boolean | undefined;
}
/**
 * A publish; `MessageGroupId` and `MessageDeduplicationId` only on FIFO topics.
 *
 * @example
 * ```ts
 * await sns.publish({ TopicArn, Message: '{"orderId":"1"}', MessageAttributes: { type: { DataType: 'String', StringValue: 'OrderPaid' } } });
 * ```
 */
export interface PublishInput {
  readonly TopicArn: string;
  readonly Message: string;
  readonly Subject?: string | undefined;
  readonly MessageAttributes?: Record<string, MessageAttributeValue> | undefined;
  /** FIFO topics only. */
  readonly MessageGroupId?: string | undefined;
  readonly MessageDeduplicationId?: string | undefined;
}
/**
 * What a publish returns.
 *
 * @example
 * ```ts
 * const { MessageId } = await sns.publish({ TopicArn, Message: 'hello' });
 * ```
 */
export interface PublishOutput {
  readonly MessageId: string;
  readonly SequenceNumber?: string | undefined;
  readonly $metadata: ResponseMetadata;
}

interface Subscription {
  readonly arn: string;
  readonly queueArn: string;
  readonly raw: boolean;
  readonly scope: 'MessageAttributes' | 'MessageBody';
  readonly filter: CompiledFilter | undefined;
}

interface Topic {
  readonly name: string;
  readonly arn: string;
  readonly fifo: boolean;
  readonly contentBasedDeduplication: boolean;
  readonly subscriptions: Subscription[];
  sequence: number;
}

const METADATA: ResponseMetadata = Object.freeze({
  httpStatusCode: 200,
  requestId: 'eventproof-sim',
  attempts: 1,
  totalRetryDelay: 0,
});
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * SNS → SQS fan-out over the SQS model: topics, queue subscriptions with filter policies
 * (`MessageAttributes` or `MessageBody` scope) and raw or enveloped delivery. A publish delivers to
 * every matching queue at once, as a SendMessage would (SNS delivery retries are not modelled).
 *
 * @example
 * ```ts
 * const sns = simSns(sim, sqs);
 * const { TopicArn } = await sns.createTopic({ Name: 'orders' });
 * await sns.subscribe({ TopicArn, Protocol: 'sqs', Endpoint: sqs.queueArn(QueueUrl), Attributes: { FilterPolicy: '{"type":["OrderCreated"]}', RawMessageDelivery: 'true' } });
 * await sns.publish({ TopicArn, Message: '{}', MessageAttributes: { type: { DataType: 'String', StringValue: 'OrderCreated' } } });
 * ```
 */
export class SimSns {
  readonly #topics = new Map<string, Topic>();
  #ids = 0;

  constructor(
    readonly sim: Simulation,
    private readonly sqs: SimSqs,
  ) {}

  /** Runs an `@aws-sdk/client-sns` command object (CreateTopic, Subscribe, Unsubscribe, Publish). */
  send(command: {
    readonly input: unknown;
    readonly constructor: { readonly name: string };
  }): Promise<unknown> {
    const name = command?.constructor?.name;
    const method = (
      {
        CreateTopicCommand: 'createTopic',
        SubscribeCommand: 'subscribe',
        UnsubscribeCommand: 'unsubscribe',
        PublishCommand: 'publish',
      } as const
    )[name as 'PublishCommand'];
    if (!method) {
      return Promise.reject(
        configError(
          'UnsupportedOperation',
          'send the command to the SNS model',
          `${String(name)} is not a command the model knows`,
          'Use CreateTopicCommand, SubscribeCommand, UnsubscribeCommand or PublishCommand',
        ),
      );
    }
    return (this[method] as (input: unknown) => Promise<unknown>)(command.input);
  }

  async createTopic(input: CreateTopicInput): Promise<{ TopicArn: string; $metadata: ResponseMetadata }> {
    const name = input?.Name;
    const fifo = input?.Attributes?.FifoTopic === 'true';
    const base = typeof name === 'string' && name.endsWith('.fifo') ? name.slice(0, -5) : name;
    if (typeof base !== 'string' || !TOPIC_NAME.test(base) || fifo !== name.endsWith('.fifo')) {
      throw configError(
        'InvalidParameter',
        `create topic '${String(name)}'`,
        'a topic name has 1 to 256 letters, digits, hyphens and underscores; a FIFO topic (FifoTopic: "true") ends in .fifo and only it does',
        'Rename the topic or set FifoTopic',
      );
    }
    const arn = `arn:aws:sns:${this.sqs.region}:${this.sqs.accountId}:${name}`;
    if (!this.#topics.has(arn)) {
      this.#topics.set(arn, {
        name,
        arn,
        fifo,
        contentBasedDeduplication: input.Attributes?.ContentBasedDeduplication === 'true',
        subscriptions: [],
        sequence: 0,
      });
    }
    return { TopicArn: arn, $metadata: METADATA };
  }

  async subscribe(input: SubscribeInput): Promise<{ SubscriptionArn: string; $metadata: ResponseMetadata }> {
    const topic = this.#topic(input?.TopicArn, 'subscribe');
    const action = `subscribe to topic '${topic.name}'`;
    if (input.Protocol !== 'sqs')
      throw configError(
        'InvalidParameter',
        action,
        `protocol '${String(input.Protocol)}' is not modelled; only 'sqs' subscriptions are`,
        "Subscribe an SQS queue: { Protocol: 'sqs', Endpoint: queueArn }",
      );
    const queue = this.sqs.queueForArn(input.Endpoint);
    if (!queue)
      throw unknownTarget(
        'NotFound',
        action,
        `no queue has the ARN '${String(input.Endpoint)}'`,
        'Pass the QueueArn of a queue created on this model (sqs.queueArn(QueueUrl))',
      );
    if (queue.fifo && !topic.fifo)
      throw configError(
        'InvalidParameter',
        action,
        `a standard topic cannot deliver to FIFO queue '${queue.name}'`,
        'Use a FIFO topic (name ending .fifo, FifoTopic: "true") for FIFO queues',
      );
    const attributes = input.Attributes ?? {};
    const scope = attributes.FilterPolicyScope ?? 'MessageAttributes';
    if (scope !== 'MessageAttributes' && scope !== 'MessageBody')
      throw configError(
        'InvalidParameter',
        action,
        `FilterPolicyScope must be MessageAttributes or MessageBody, got '${scope}'`,
        'Pick one of the two scopes',
      );
    const raw = attributes.RawMessageDelivery;
    if (raw !== undefined && raw !== 'true' && raw !== 'false')
      throw configError(
        'InvalidParameter',
        action,
        `RawMessageDelivery must be 'true' or 'false', got '${raw}'`,
        "Pass RawMessageDelivery: 'true'",
      );
    const subscription: Subscription = {
      arn: `${topic.arn}:${this.#nextId()}`,
      queueArn: queue.arn,
      raw: raw === 'true',
      scope,
      filter:
        attributes.FilterPolicy === undefined ? undefined : compileFilterPolicy(attributes.FilterPolicy),
    };
    topic.subscriptions.push(subscription);
    return { SubscriptionArn: subscription.arn, $metadata: METADATA };
  }

  async unsubscribe(input: { readonly SubscriptionArn: string }): Promise<{ $metadata: ResponseMetadata }> {
    for (const topic of this.#topics.values()) {
      const index = topic.subscriptions.findIndex((s) => s.arn === input?.SubscriptionArn);
      if (index >= 0) {
        topic.subscriptions.splice(index, 1);
        return { $metadata: METADATA };
      }
    }
    throw unknownTarget(
      'NotFound',
      'unsubscribe',
      `no subscription '${String(input?.SubscriptionArn)}'`,
      'Pass the SubscriptionArn that subscribe returned',
    );
  }

  /** Publishes to every subscribed queue whose filter policy matches. */
  async publish(input: PublishInput): Promise<PublishOutput> {
    const topic = this.#topic(input?.TopicArn, 'publish');
    const action = `publish to topic '${topic.name}'`;
    if (typeof input.Message !== 'string' || input.Message.length === 0)
      throw configError(
        'InvalidParameter',
        action,
        'Message is required and must be a non-empty string',
        'JSON.stringify the event into Message',
      );
    if (topic.fifo && input.MessageGroupId === undefined)
      throw configError(
        'InvalidParameter',
        action,
        'a FIFO topic needs a MessageGroupId',
        'Pass MessageGroupId',
      );
    if (topic.fifo && input.MessageDeduplicationId === undefined && !topic.contentBasedDeduplication) {
      throw configError(
        'InvalidParameter',
        action,
        'the topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
        'Pass MessageDeduplicationId',
      );
    }
    if (!topic.fifo && (input.MessageGroupId !== undefined || input.MessageDeduplicationId !== undefined)) {
      throw configError(
        'InvalidParameter',
        action,
        'MessageGroupId and MessageDeduplicationId are only for FIFO topics',
        'Remove them, or publish to a FIFO topic',
      );
    }
    const messageId = this.#nextId();
    // A FIFO topic's deduplication id travels on to its FIFO queues (content-based: SHA-256 of the message).
    const deduplicationId = topic.fifo
      ? (input.MessageDeduplicationId ?? sha256OfBody(input.Message))
      : undefined;
    const sequenceNumber = topic.fifo ? `1${String(++topic.sequence).padStart(19, '0')}` : undefined;
    for (const subscription of topic.subscriptions) {
      const queue = this.sqs.queueForArn(subscription.queueArn);
      if (!queue || queue.deleted) continue;
      if (
        subscription.filter &&
        !subscription.filter(
          subscription.scope === 'MessageBody'
            ? bodyReader(input.Message)
            : attributeReader(input.MessageAttributes),
        )
      ) {
        if (this.sqs.tracing)
          this.sim.trace.add({
            time: this.sim.now(),
            kind: 'drop',
            broker: 'sns',
            where: topic.name,
            detail: `filtered out for ${queue.name}`,
          });
        continue;
      }
      const body = subscription.raw
        ? input.Message
        : this.#envelope(topic, messageId, sequenceNumber, input, subscription);
      this.sqs.deliverFromSns(queue, {
        MessageBody: body,
        MessageAttributes: subscription.raw ? input.MessageAttributes : undefined,
        MessageGroupId: queue.fifo ? input.MessageGroupId : undefined,
        MessageDeduplicationId: queue.fifo ? deduplicationId : undefined,
      });
    }
    return sequenceNumber === undefined
      ? { MessageId: messageId, $metadata: METADATA }
      : { MessageId: messageId, SequenceNumber: sequenceNumber, $metadata: METADATA };
  }

  /** The JSON SNS puts in the SQS body when raw delivery is off. */
  #envelope(
    topic: Topic,
    messageId: string,
    sequenceNumber: string | undefined,
    input: PublishInput,
    subscription: Subscription,
  ): string {
    const attributes: Record<string, { Type: string; Value: string }> = {};
    for (const [name, value] of Object.entries(input.MessageAttributes ?? {})) {
      attributes[name] = {
        Type: value.DataType,
        Value: value.StringValue ?? Buffer.from(value.BinaryValue ?? new Uint8Array()).toString('base64'),
      };
    }
    const base = `https://sns.${this.sqs.region}.amazonaws.com`;
    return JSON.stringify({
      Type: 'Notification',
      MessageId: messageId,
      ...(sequenceNumber === undefined ? {} : { SequenceNumber: sequenceNumber }),
      TopicArn: topic.arn,
      ...(input.Subject === undefined ? {} : { Subject: input.Subject }),
      Message: input.Message,
      Timestamp: new Date(this.sim.now()).toISOString(),
      SignatureVersion: '1',
      Signature: 'eventproof-sim',
      SigningCertURL: `${base}/SimpleNotificationService-sim.pem`,
      UnsubscribeURL: `${base}/?Action=Unsubscribe&SubscriptionArn=${subscription.arn}`,
      ...(Object.keys(attributes).length === 0 ? {} : { MessageAttributes: attributes }),
    });
  }

  #topic(arn: unknown, action: string): Topic {
    const topic = typeof arn === 'string' ? this.#topics.get(arn) : undefined;
    if (!topic) {
      const known = [...this.#topics.values()].map((t) => t.name);
      throw unknownTarget(
        'NotFound',
        action,
        `topic does not exist: '${String(arn)}'`,
        known.length === 0
          ? 'Create it with createTopic({ Name }) and use the TopicArn it returns'
          : `Use the TopicArn createTopic returned; known topics: ${known.join(', ')}`,
      );
    }
    return topic;
  }

  #nextId(): string {
    return `00000000-0000-4000-9000-${(++this.#ids).toString(16).padStart(12, '0')}`;
  }
}

/**
 * Creates the SNS model, delivering into the given SQS model.
 *
 * @example
 * ```ts
 * const sns = simSns(sim, simSqs(sim));
 * ```
 */
export function simSns(sim: Simulation, sqs: SimSqs): SimSns {
  return new SimSns(sim, sqs);
}
