import { md5OfBody, md5OfMessageAttributes } from './digests.js';
import type { SimQueue, StoredMessage } from './queue.js';
import type {
  Message,
  MessageAttributeValue,
  ResponseMetadata,
  SendMessageBatchResultEntry,
  SendMessageOutput,
} from './types.js';

/**
 * A received message as the SDK's `Message`. `MD5OfBody` is computed when first read: an MD5 costs
 * more than the whole rest of a delivery, and most handlers never look at it.
 * @internal
 */
export class ReceivedMessage implements Message {
  readonly #stored: StoredMessage;
  readonly #queue: SimQueue;
  readonly #receipt: number;
  #handle: string | undefined;
  readonly MessageId: string;
  readonly Body: string;
  // `declare`: absent, not undefined, when the receive did not ask for them (as in SDK outputs).
  declare readonly Attributes?: Record<string, string>;
  declare readonly MessageAttributes?: Record<string, MessageAttributeValue>;

  constructor(
    stored: StoredMessage,
    queue: SimQueue,
    attributes: Record<string, string> | undefined,
    messageAttributes: Record<string, MessageAttributeValue> | undefined,
  ) {
    this.#stored = stored;
    this.#queue = queue;
    this.#receipt = stored.receipt;
    this.MessageId = stored.messageId;
    this.Body = stored.body;
    if (attributes !== undefined) this.Attributes = attributes;
    if (messageAttributes !== undefined) this.MessageAttributes = messageAttributes;
  }

  /** Built when first read, like the digests: most handlers never look at it. */
  get ReceiptHandle(): string {
    if (this.#handle === undefined) {
      this.#queue.index(this.#stored);
      this.#handle = receiptHandle(this.#queue.serial, this.#stored.serial, this.#receipt);
    }
    return this.#handle;
  }

  get MD5OfBody(): string {
    return (this.#stored.md5 ??= md5OfBody(this.#stored.body));
  }

  get MD5OfMessageAttributes(): string | undefined {
    return this.MessageAttributes === undefined ? undefined : md5OfMessageAttributes(this.MessageAttributes);
  }

  toJSON(): Message {
    return {
      ...this,
      ReceiptHandle: this.ReceiptHandle,
      MD5OfBody: this.MD5OfBody,
      MD5OfMessageAttributes: this.MD5OfMessageAttributes,
    };
  }
}

/** What a send's digests are computed from: the stored message, or the request of a deduplicated send. @internal */
export interface Digestible {
  readonly body: string;
  readonly attributes: Readonly<Record<string, MessageAttributeValue>> | undefined;
  md5: string | undefined;
}

/** The output of SendMessage with the same lazily computed digests. @internal */
export class SendResult implements SendMessageOutput {
  readonly #stored: Digestible;
  readonly MessageId: string;
  declare readonly SequenceNumber?: string;
  readonly $metadata: ResponseMetadata;

  constructor(
    stored: Digestible,
    messageId: string,
    sequenceNumber: string | undefined,
    metadata: ResponseMetadata,
  ) {
    this.#stored = stored;
    this.MessageId = messageId;
    if (sequenceNumber !== undefined) this.SequenceNumber = sequenceNumber;
    this.$metadata = metadata;
  }

  get MD5OfMessageBody(): string {
    return (this.#stored.md5 ??= md5OfBody(this.#stored.body));
  }

  get MD5OfMessageAttributes(): string | undefined {
    return this.#stored.attributes === undefined
      ? undefined
      : md5OfMessageAttributes(this.#stored.attributes);
  }

  toJSON(): SendMessageOutput {
    return {
      ...this,
      MD5OfMessageBody: this.MD5OfMessageBody,
      MD5OfMessageAttributes: this.MD5OfMessageAttributes,
    };
  }
}

/** One successful entry of SendMessageBatch, digests computed when read. @internal */
export class SentEntry implements SendMessageBatchResultEntry {
  readonly #stored: Digestible;
  readonly Id: string;
  readonly MessageId: string;
  declare readonly SequenceNumber?: string;

  constructor(id: string, messageId: string, sequenceNumber: string | undefined, stored: Digestible) {
    this.#stored = stored;
    this.Id = id;
    this.MessageId = messageId;
    if (sequenceNumber !== undefined) this.SequenceNumber = sequenceNumber;
  }

  get MD5OfMessageBody(): string {
    return (this.#stored.md5 ??= md5OfBody(this.#stored.body));
  }

  get MD5OfMessageAttributes(): string | undefined {
    return this.#stored.attributes === undefined
      ? undefined
      : md5OfMessageAttributes(this.#stored.attributes);
  }

  toJSON(): SendMessageBatchResultEntry {
    return {
      ...this,
      MD5OfMessageBody: this.MD5OfMessageBody,
      MD5OfMessageAttributes: this.MD5OfMessageAttributes,
    };
  }
}

/** The receipt handle of one receive: queue, message and receive nonce. @internal */
export const receiptHandle = (queueSerial: number, messageSerial: number, receipt: number): string =>
  `AQEB${queueSerial}.${messageSerial}.${receipt}`;
