import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { ShopEvent } from '../../src/events.js';
import type { Publisher } from '../../src/publisher.js';
import { decodeShopEvent, encodeShopEvent } from './wire.js';

/**
 * The shop's Publisher over the AWS SDK v3. Contract headers travel as string message attributes
 * (SQS allows 10). The SDK retries throttling and network errors itself (3 attempts by default).
 */
export class SqsPublisher implements Publisher {
  constructor(
    private readonly options: {
      readonly client: SQSClient;
      /** The queue URL a shop topic goes to. */
      readonly route: (topic: string) => string;
    },
  ) {}

  async publish(
    topic: string,
    event: object,
    options?: { key?: string; headers?: Record<string, string> },
  ): Promise<void> {
    const wire = encodeShopEvent(event, options);
    await this.options.client.send(
      new SendMessageCommand({
        QueueUrl: this.options.route(topic),
        MessageBody: Buffer.from(wire.value).toString('utf8'),
        MessageAttributes: Object.fromEntries(
          Object.entries(wire.headers).map(([name, value]) => [
            name,
            { DataType: 'String', StringValue: value },
          ]),
        ),
      }),
    );
  }
}

/**
 * Polls a queue into a handler: receive (long poll), handle, delete. A message whose handler threw
 * is not deleted, so it comes back after the visibility timeout (and to the dead-letter queue after
 * the redrive policy's maxReceiveCount). A standard queue may deliver a message twice and out of
 * order: handlers must be idempotent and order-tolerant (OrderHandler is both).
 */
export function consumeSqs(options: {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly handle: (event: ShopEvent) => Promise<void>;
  readonly onError?: (error: unknown) => void;
}): { close(): Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        // 1 s long polls: stopping never waits on an open request for long, and an aborted
        // receive would hide its messages for the visibility timeout.
        const { Messages = [] } = await options.client.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            MessageAttributeNames: ['All'],
          }),
        );
        for (const message of Messages) {
          const headers: Record<string, string> = {};
          for (const [name, attribute] of Object.entries(message.MessageAttributes ?? {}))
            if (attribute.StringValue !== undefined) headers[name.toLowerCase()] = attribute.StringValue;
          try {
            await options.handle(decodeShopEvent(message.Body ?? '', headers));
          } catch (error) {
            options.onError?.(error);
            continue;
          }
          await options.client.send(
            new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle }),
          );
        }
      } catch (error) {
        options.onError?.(error);
      }
    }
  })();
  return {
    async close() {
      stopped = true;
      await loop;
    },
  };
}
