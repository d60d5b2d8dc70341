import { createHash } from 'node:crypto';
import { failure, InvalidArgumentError } from '../../errors.js';
import type { RecorderSink, RecordingView } from '../recording-publisher.js';

/** An SQS message attribute as the AWS SDK v3 takes it. */
export interface SqsMessageAttributeLike {
  readonly DataType?: string;
  readonly StringValue?: string;
  readonly BinaryValue?: Uint8Array;
}

interface SqsEntryLike {
  readonly Id?: string;
  readonly MessageBody?: string;
  readonly MessageAttributes?: Record<string, SqsMessageAttributeLike>;
  readonly MessageGroupId?: string;
  readonly MessageDeduplicationId?: string;
  readonly DelaySeconds?: number;
}

/** The shape of `SendMessageCommand` / `SendMessageBatchCommand` the recorder understands. */
export interface SqsCommandLike {
  readonly input: SqsEntryLike & { readonly QueueUrl?: string; readonly Entries?: readonly SqsEntryLike[] };
}

/** The output of `SendMessageCommand`. */
export interface SqsSendMessageOutput {
  readonly MessageId: string;
  readonly MD5OfMessageBody: string;
  readonly SequenceNumber?: string;
  readonly $metadata: { readonly httpStatusCode: number };
}

/** The output of `SendMessageBatchCommand`: entries without a body fail, as SQS reports them. */
export interface SqsSendMessageBatchOutput {
  readonly Successful: {
    readonly Id: string;
    readonly MessageId: string;
    readonly MD5OfMessageBody: string;
    readonly SequenceNumber?: string;
  }[];
  readonly Failed: {
    readonly Id: string;
    readonly SenderFault: boolean;
    readonly Code: string;
    readonly Message: string;
  }[];
  readonly $metadata: { readonly httpStatusCode: number };
}

/**
 * An AWS SDK v3 `SQSClient`-shaped object that records instead of sending. It recognises the commands
 * by shape, so it needs no AWS package: pass it where code expects an `SQSClient`.
 *
 * @example
 * ```ts
 * const sqs = recordingPublisher({ events: [OrderCreated] }).sqs();
 * await new SqsOrderService(sqs).createOrder(input);
 * expect(sqs).toHavePublished(OrderCreated);
 * ```
 */
export interface SqsClientRecorder extends RecordingView {
  send(command: SqsCommandLike): Promise<SqsSendMessageOutput | SqsSendMessageBatchOutput>;
  destroy(): void;
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** @internal */
export function sqsRecorder(sink: RecorderSink): SqsClientRecorder {
  let sent = 0;
  const messageId = () => `00000000-0000-4000-8000-${(++sent).toString(16).padStart(12, '0')}`;
  const metadata = { httpStatusCode: 200 };

  const capture = (queueUrl: string, entry: SqsEntryLike) => {
    const headers: Record<string, string> = {};
    for (const [name, attribute] of Object.entries(entry.MessageAttributes ?? {})) {
      const value =
        attribute.StringValue ??
        (attribute.BinaryValue ? Buffer.from(attribute.BinaryValue).toString('utf8') : undefined);
      if (value !== undefined) headers[name] = value;
    }
    const body = entry.MessageBody ?? '';
    const id = messageId();
    const fifo = queueUrl.endsWith('.fifo');
    sink.capture({
      topic: queueUrl,
      value: body,
      headers,
      key: entry.MessageGroupId,
      properties: {
        messageId: id,
        ...(entry.MessageDeduplicationId === undefined
          ? {}
          : { messageDeduplicationId: entry.MessageDeduplicationId }),
        ...(entry.DelaySeconds === undefined ? {} : { delaySeconds: entry.DelaySeconds }),
      },
    });
    return {
      MessageId: id,
      MD5OfMessageBody: md5(body),
      ...(fifo ? { SequenceNumber: String(sent).padStart(20, '0') } : {}),
    };
  };

  const kindOf = (command: SqsCommandLike): 'single' | 'batch' | undefined => {
    const name = (command as { constructor?: { name?: string } })?.constructor?.name;
    if (name === 'SendMessageCommand') return 'single';
    if (name === 'SendMessageBatchCommand') return 'batch';
    const input = command?.input;
    if (typeof input !== 'object' || input === null || typeof input.QueueUrl !== 'string') return undefined;
    if (Array.isArray(input.Entries)) return 'batch';
    if (typeof input.MessageBody === 'string') return 'single';
    return undefined;
  };

  const view = sink.view;
  return {
    ...view,
    get published() {
      return view.published;
    },
    send(command) {
      const kind = kindOf(command);
      const input = command?.input;
      if (!kind || !input || typeof input.QueueUrl !== 'string') {
        const name = (command as { constructor?: { name?: string } })?.constructor?.name ?? typeof command;
        return Promise.reject(
          new InvalidArgumentError(
            failure(
              `record the SQS command ${name}`,
              'the SQS recorder understands SendMessageCommand and SendMessageBatchCommand (with input.QueueUrl)',
              'Send those, or give this call its own test double',
            ),
          ),
        );
      }
      if (kind === 'single') {
        if (typeof input.MessageBody !== 'string') {
          return Promise.reject(
            new InvalidArgumentError(
              failure(
                'record an SQS SendMessageCommand',
                'input.MessageBody is missing',
                'SQS requires a string body',
              ),
            ),
          );
        }
        return Promise.resolve({ ...capture(input.QueueUrl, input), $metadata: metadata });
      }
      const output: SqsSendMessageBatchOutput = { Successful: [], Failed: [], $metadata: metadata };
      for (const entry of input.Entries ?? []) {
        const id = entry.Id ?? '';
        if (typeof entry.MessageBody !== 'string') {
          output.Failed.push({
            Id: id,
            SenderFault: true,
            Code: 'MissingParameter',
            Message: 'The request must contain the parameter MessageBody.',
          });
          continue;
        }
        output.Successful.push({ Id: id, ...capture(input.QueueUrl, entry) });
      }
      return Promise.resolve(output);
    },
    destroy: () => undefined,
  };
}
