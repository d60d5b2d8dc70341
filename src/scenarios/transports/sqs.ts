import type { Headers, WireMessage } from '../../contracts/types.js';
import { DecodeError } from '../../errors.js';
import type { Message, MessageAttributeValue } from '../../sim/sqs/types.js';
import { simSqs, sqsCapabilities } from '../../sim/sqs/sqs.js';
import type { Simulation } from '../../sim/world.js';
import type { ScenarioTransport, TransportFactory } from '../transport.js';

const toAttributes = (headers: Headers): Record<string, MessageAttributeValue> =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  );

const fromMessage = (message: Message, fifo: boolean): WireMessage => {
  const headers: Headers = {};
  for (const [name, attribute] of Object.entries(message.MessageAttributes ?? {})) {
    if (attribute.StringValue !== undefined) headers[name] = attribute.StringValue;
  }
  return {
    value: Buffer.from(message.Body),
    headers,
    key: fifo ? message.Attributes?.MessageGroupId : undefined,
  };
};

/**
 * SQS as scenarios meet it: a queue with a redrive policy to a dead-letter queue after
 * `maxAttempts` receives, an sqs-consumer-style consumer that deletes on success and lets failures
 * reappear after the visibility timeout, and poison sent to the DLQ at once. `fifo` uses a FIFO queue
 * with the message key as MessageGroupId (per-key order); otherwise a standard queue (duplicates,
 * best-effort order).
 */
export function sqsTransport(fifo: boolean): TransportFactory {
  return async (sim: Simulation): Promise<ScenarioTransport> => {
    const sqs = simSqs(sim);
    const suffix = fifo ? '.fifo' : '';
    const fifoAttributes: Record<string, string> = fifo ? { FifoQueue: 'true' } : {};
    const dlq = await sqs.createQueue({ QueueName: `events-dlq${suffix}`, Attributes: fifoAttributes });
    const dlqArn = (await sqs.getQueueAttributes({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
      .Attributes?.QueueArn;
    let maxReceiveCount = 5;
    let sent = 0;
    let queueUrl: string | undefined;
    const send = async (url: string, m: WireMessage) =>
      sqs.sendMessage({
        QueueUrl: url,
        MessageBody: Buffer.from(m.value).toString('utf8'),
        MessageAttributes: toAttributes(m.headers),
        ...(fifo ? { MessageGroupId: m.key ?? 'default', MessageDeduplicationId: `m${++sent}` } : {}),
      });
    return {
      broker: fifo ? 'sqs-fifo' : 'sqs',
      capabilities: sqsCapabilities(fifo ? 'fifo' : 'standard'),
      async publish(messages) {
        for (const m of messages) await send(queueUrl!, m);
      },
      async consume(handle, { maxAttempts, onDeadLetter, concurrency }) {
        maxReceiveCount = maxAttempts;
        const queue = await sqs.createQueue({
          QueueName: `events${suffix}`,
          Attributes: {
            ...fifoAttributes,
            VisibilityTimeout: '30',
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
          },
        });
        queueUrl = queue.QueueUrl!;
        sqs.consume(
          queueUrl,
          async (message) => {
            const wire = fromMessage(message, fifo);
            try {
              await handle(wire);
            } catch (error) {
              if (!(error instanceof DecodeError)) throw error; // reappears after the visibility timeout
              await send(dlq.QueueUrl, wire);
            }
          },
          { messageAttributeNames: ['All'], attributeNames: ['All'], batchSize: Math.min(10, concurrency) },
        );
        // Whatever reaches the DLQ — poison sent there, or redriven after maxReceiveCount — is accounted.
        sqs.consume(
          dlq.QueueUrl,
          (message) => {
            onDeadLetter(fromMessage(message, fifo), 'dead-letter queue');
          },
          { messageAttributeNames: ['All'], attributeNames: ['All'] },
        );
      },
    };
  };
}
