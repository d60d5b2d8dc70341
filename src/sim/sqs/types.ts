// Input and output shapes of the SQS model, named and cased as @aws-sdk/client-sqs names them, so code
// written against the SDK type-checks and runs against the model without importing the SDK.

/** The response metadata every SDK output carries. */
export interface ResponseMetadata {
  readonly httpStatusCode: number;
  readonly requestId: string;
  readonly attempts: number;
  readonly totalRetryDelay: number;
}

/**
 * A message attribute as the SDK sends and receives it.
 *
 * @example
 * ```ts
 * const type: SqsMessageAttributeValue = { DataType: 'String', StringValue: 'OrderCreated' };
 * ```
 */
export interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string | undefined;
  readonly BinaryValue?: Uint8Array | undefined;
}

/** Queue attributes: always strings on the wire (`'30'`, `'true'`, JSON for `RedrivePolicy`). */
export type QueueAttributes = Partial<Record<QueueAttributeName, string>>;

export type QueueAttributeName =
  | 'All'
  | 'DelaySeconds'
  | 'MaximumMessageSize'
  | 'MessageRetentionPeriod'
  | 'ReceiveMessageWaitTimeSeconds'
  | 'VisibilityTimeout'
  | 'RedrivePolicy'
  | 'RedriveAllowPolicy'
  | 'FifoQueue'
  | 'ContentBasedDeduplication'
  | 'DeduplicationScope'
  | 'FifoThroughputLimit'
  | 'Policy'
  | 'KmsMasterKeyId'
  | 'KmsDataKeyReusePeriodSeconds'
  | 'SqsManagedSseEnabled'
  | 'QueueArn'
  | 'ApproximateNumberOfMessages'
  | 'ApproximateNumberOfMessagesNotVisible'
  | 'ApproximateNumberOfMessagesDelayed'
  | 'CreatedTimestamp'
  | 'LastModifiedTimestamp';

/** System attributes a receive can ask for (`MessageSystemAttributeNames` / the older `AttributeNames`). */
export type MessageSystemAttributeName =
  | 'All'
  | 'SenderId'
  | 'SentTimestamp'
  | 'ApproximateReceiveCount'
  | 'ApproximateFirstReceiveTimestamp'
  | 'SequenceNumber'
  | 'MessageDeduplicationId'
  | 'MessageGroupId'
  | 'DeadLetterQueueSourceArn';

export interface CreateQueueInput {
  readonly QueueName: string;
  readonly Attributes?: QueueAttributes | undefined;
  readonly tags?: Record<string, string> | undefined;
}
export interface CreateQueueOutput {
  readonly QueueUrl: string;
  readonly $metadata: ResponseMetadata;
}

export interface GetQueueUrlInput {
  readonly QueueName: string;
  readonly QueueOwnerAWSAccountId?: string | undefined;
}
export interface GetQueueUrlOutput {
  readonly QueueUrl: string;
  readonly $metadata: ResponseMetadata;
}

export interface ListQueuesInput {
  readonly QueueNamePrefix?: string | undefined;
}
export interface ListQueuesOutput {
  readonly QueueUrls?: string[] | undefined;
  readonly $metadata: ResponseMetadata;
}

export interface GetQueueAttributesInput {
  readonly QueueUrl: string;
  readonly AttributeNames?: readonly QueueAttributeName[] | undefined;
}
export interface GetQueueAttributesOutput {
  readonly Attributes: Record<string, string>;
  readonly $metadata: ResponseMetadata;
}

export interface SetQueueAttributesInput {
  readonly QueueUrl: string;
  readonly Attributes: QueueAttributes;
}

export interface QueueUrlInput {
  readonly QueueUrl: string;
}

export interface EmptyOutput {
  readonly $metadata: ResponseMetadata;
}

/**
 * SendMessage's input, as the SDK's.
 *
 * @example
 * ```ts
 * await sqs.sendMessage({ QueueUrl, MessageBody: '{}', MessageGroupId: 'order-1', MessageDeduplicationId: 'evt-1' });
 * ```
 */
export interface SendMessageInput {
  readonly QueueUrl: string;
  readonly MessageBody: string;
  readonly DelaySeconds?: number | undefined;
  readonly MessageAttributes?: Record<string, MessageAttributeValue> | undefined;
  readonly MessageSystemAttributes?: Record<string, MessageAttributeValue> | undefined;
  readonly MessageDeduplicationId?: string | undefined;
  readonly MessageGroupId?: string | undefined;
}
/**
 * SendMessage's output; the digests are computed when read.
 *
 * @example
 * ```ts
 * const { MessageId, MD5OfMessageBody } = await sqs.sendMessage({ QueueUrl, MessageBody: 'x' });
 * ```
 */
export interface SendMessageOutput {
  readonly MessageId: string;
  readonly MD5OfMessageBody: string;
  readonly MD5OfMessageAttributes?: string | undefined;
  /** FIFO queues only. */
  readonly SequenceNumber?: string | undefined;
  readonly $metadata: ResponseMetadata;
}

export interface SendMessageBatchRequestEntry extends Omit<SendMessageInput, 'QueueUrl'> {
  readonly Id: string;
}
/**
 * SendMessageBatch's input: up to 10 entries with distinct ids.
 *
 * @example
 * ```ts
 * await sqs.sendMessageBatch({ QueueUrl, Entries: [{ Id: 'a', MessageBody: 'x' }] });
 * ```
 */
export interface SendMessageBatchInput {
  readonly QueueUrl: string;
  readonly Entries: readonly SendMessageBatchRequestEntry[];
}
export interface SendMessageBatchResultEntry {
  readonly Id: string;
  readonly MessageId: string;
  readonly MD5OfMessageBody: string;
  readonly MD5OfMessageAttributes?: string | undefined;
  readonly SequenceNumber?: string | undefined;
}
/** One entry of a batch that failed while the others may have succeeded. */
export interface BatchResultErrorEntry {
  readonly Id: string;
  /** True when the request was wrong (retrying it unchanged fails again). */
  readonly SenderFault: boolean;
  readonly Code: string;
  readonly Message: string;
}
/**
 * SendMessageBatch's output: each entry in Successful or Failed.
 *
 * @example
 * ```ts
 * const { Successful, Failed } = await sqs.sendMessageBatch({ QueueUrl, Entries });
 * ```
 */
export interface SendMessageBatchOutput {
  readonly Successful: SendMessageBatchResultEntry[];
  readonly Failed: BatchResultErrorEntry[];
  readonly $metadata: ResponseMetadata;
}

/**
 * ReceiveMessage's input.
 *
 * @example
 * ```ts
 * await sqs.receiveMessage({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20, MessageSystemAttributeNames: ['All'] });
 * ```
 */
export interface ReceiveMessageInput {
  readonly QueueUrl: string;
  /** 1..10, default 1. */
  readonly MaxNumberOfMessages?: number | undefined;
  /** 0..20 s; default the queue's ReceiveMessageWaitTimeSeconds. */
  readonly WaitTimeSeconds?: number | undefined;
  /** Overrides the queue's visibility timeout for the messages this call returns. */
  readonly VisibilityTimeout?: number | undefined;
  /** @deprecated in the SDK in favour of MessageSystemAttributeNames; both work. */
  readonly AttributeNames?: readonly string[] | undefined;
  readonly MessageSystemAttributeNames?: readonly string[] | undefined;
  /** Names, `All`, `.*`, or prefixes like `order.*`. */
  readonly MessageAttributeNames?: readonly string[] | undefined;
  readonly ReceiveRequestAttemptId?: string | undefined;
}
/**
 * A received message, shaped as the SDK's `Message`.
 *
 * @example
 * ```ts
 * const { Messages } = await sqs.receiveMessage({ QueueUrl });
 * const body = Messages?.[0]?.Body;
 * ```
 */
export interface Message {
  readonly MessageId: string;
  readonly ReceiptHandle: string;
  readonly MD5OfBody: string;
  readonly Body: string;
  readonly Attributes?: Record<string, string> | undefined;
  readonly MD5OfMessageAttributes?: string | undefined;
  readonly MessageAttributes?: Record<string, MessageAttributeValue> | undefined;
}
/**
 * ReceiveMessage's output: `Messages` is absent when nothing was received, as with the SDK.
 *
 * @example
 * ```ts
 * const { Messages = [] } = await sqs.receiveMessage({ QueueUrl });
 * ```
 */
export interface ReceiveMessageOutput {
  readonly Messages?: Message[] | undefined;
  readonly $metadata: ResponseMetadata;
}

export interface DeleteMessageInput {
  readonly QueueUrl: string;
  readonly ReceiptHandle: string;
}
export interface DeleteMessageBatchInput {
  readonly QueueUrl: string;
  readonly Entries: readonly { readonly Id: string; readonly ReceiptHandle: string }[];
}
export interface BatchOutput {
  readonly Successful: { readonly Id: string }[];
  readonly Failed: BatchResultErrorEntry[];
  readonly $metadata: ResponseMetadata;
}

export interface ChangeMessageVisibilityInput {
  readonly QueueUrl: string;
  readonly ReceiptHandle: string;
  /** 0..43,200 s, counted from now. */
  readonly VisibilityTimeout: number;
}
export interface ChangeMessageVisibilityBatchInput {
  readonly QueueUrl: string;
  readonly Entries: readonly {
    readonly Id: string;
    readonly ReceiptHandle: string;
    readonly VisibilityTimeout: number;
  }[];
}

/** An SDK command object as `client.send` takes it: recognised by its class name and `input`. */
export interface SqsCommandLike {
  readonly input: unknown;
  readonly constructor: { readonly name: string };
}
