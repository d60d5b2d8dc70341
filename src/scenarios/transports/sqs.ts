import type { Headers, WireMessage } from '../../contracts/types.js';
import { DecodeError } from '../../errors.js';
import type { Message, MessageAttributeValue } from '../../sim/sqs/types.js';
import { simSqs, sqsCapabilities } from '../../sim/sqs/sqs.js';
import type { Simulation } from '../../sim/world.js';
import { copyOf } from './copy.js';
import type { ScenarioTransport, TransportFactory } from '../transport.js';

/** A published wire message as SQS is sent it: its body and attributes are made once, not per run. */
interface Outgoing {
  readonly body: string;
  /** The body's bytes, never handed out: each delivery gets a copy. */
  readonly bytes: Buffer;
  readonly attributes: Readonly<Record<string, MessageAttributeValue>>;
  /** What reading back these very attributes gives. */
  readonly headers: Readonly<Headers>;
  /** How many attributes there are. */
  readonly count: number;
}

const outgoing = new WeakMap<WireMessage, Outgoing>();
// The model hands back the attribute values it was sent: one of them finds the message it came with.
const byAttribute = new WeakMap<MessageAttributeValue, Outgoing>();

function prepare(m: WireMessage): Outgoing {
  let out = outgoing.get(m);
  if (out) return out;
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const name of Object.keys(m.headers))
    attributes[name] = Object.freeze({ DataType: 'String', StringValue: m.headers[name] });
  const body = Buffer.from(m.value).toString('utf8');
  out = {
    body,
    bytes: Buffer.from(body),
    attributes: Object.freeze(attributes),
    headers: Object.freeze({ ...m.headers }),
    count: Object.keys(attributes).length,
  };
  outgoing.set(m, out);
  for (const value of Object.values(attributes)) byAttribute.set(value, out);
  return out;
}

/** The message as it was sent, when its body and attributes are exactly those of a prepared one. */
function asSent(message: Message): Outgoing | undefined {
  const got = message.MessageAttributes;
  if (got === undefined) return undefined;
  let sent: Outgoing | undefined;
  let n = 0;
  for (const name in got) {
    sent ??= byAttribute.get(got[name]!);
    if (sent === undefined || got[name] !== sent.attributes[name]) return undefined;
    n++;
  }
  if (sent === undefined || message.Body !== sent.body) return undefined;
  return n === sent.count ? sent : undefined;
}

// Every delivery gets its own Buffer: a codec that decodes in place must not change what later
// deliveries, or later runs, read.
const fromMessage = (message: Message, fifo: boolean): WireMessage => {
  const key = fifo ? message.Attributes?.MessageGroupId : undefined;
  const sent = asSent(message);
  if (sent !== undefined) return { value: copyOf(sent.bytes), headers: sent.headers, key };
  const headers: Headers = {};
  const attributes = message.MessageAttributes;
  if (attributes !== undefined)
    for (const name in attributes) {
      const value = attributes[name]!.StringValue;
      if (value !== undefined) headers[name] = value;
    }
  return { value: Buffer.from(message.Body), headers, key };
};

// Queue attributes are frozen and the same in every run, so the model resolves them once.
const FIFO_ATTRIBUTES = Object.freeze({ FifoQueue: 'true' });
const STANDARD_ATTRIBUTES = Object.freeze({});
let lastQueue: { fifo: boolean; dlqArn: string; maxReceiveCount: number; attributes: object } | undefined;

/** The main queue's attributes: every run of a scenario asks for the same, so the last answer is kept. */
function queueAttributes(
  fifo: boolean,
  dlqArn: string,
  maxReceiveCount: number,
): Readonly<Record<string, string>> {
  const last = lastQueue;
  if (last && last.fifo === fifo && last.dlqArn === dlqArn && last.maxReceiveCount === maxReceiveCount)
    return last.attributes as Readonly<Record<string, string>>;
  const attributes = Object.freeze({
    ...(fifo ? FIFO_ATTRIBUTES : STANDARD_ATTRIBUTES),
    VisibilityTimeout: '30',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
  });
  lastQueue = { fifo, dlqArn, maxReceiveCount, attributes };
  return attributes;
}

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
    const fifoAttributes = fifo ? FIFO_ATTRIBUTES : STANDARD_ATTRIBUTES;
    const dlq = await sqs.createQueue({ QueueName: `events-dlq${suffix}`, Attributes: fifoAttributes });
    const dlqArn = (await sqs.getQueueAttributes({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
      .Attributes?.QueueArn;
    // The one system attribute a delivery is read for: a FIFO message's group is its key.
    const systemAttributes = fifo ? ['MessageGroupId'] : [];
    let maxReceiveCount = 5;
    let sent = 0;
    let queueUrl: string | undefined;
    const send = (url: string, m: WireMessage) => {
      const out = prepare(m);
      return sqs.sendMessage(
        fifo
          ? {
              QueueUrl: url,
              MessageBody: out.body,
              MessageAttributes: out.attributes,
              MessageGroupId: m.key ?? 'default',
              MessageDeduplicationId: `m${++sent}`,
            }
          : { QueueUrl: url, MessageBody: out.body, MessageAttributes: out.attributes },
      );
    };
    // A failure reappears after the visibility timeout; poison is sent to the DLQ, then deleted.
    const failed = async (wire: WireMessage, error: unknown) => {
      if (!(error instanceof DecodeError)) throw error;
      await send(dlq.QueueUrl, wire);
    };
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
          Attributes: queueAttributes(fifo, dlqArn!, maxReceiveCount),
        });
        queueUrl = queue.QueueUrl!;
        sqs.consume(
          queueUrl,
          // Synchronous when the handler is (see HandlerRun.handle): the model then settles it at once.
          (message) => {
            const wire = fromMessage(message, fifo);
            let result: Promise<void> | undefined;
            try {
              result = handle(wire);
            } catch (error) {
              return failed(wire, error);
            }
            // A closure only for an asynchronous handler: a synchronous one allocates none.
            return result === undefined
              ? undefined
              : result.then(undefined, (error: unknown) => failed(wire, error));
          },
          {
            messageAttributeNames: ['All'],
            attributeNames: systemAttributes,
            batchSize: Math.min(10, concurrency),
          },
        );
        // Whatever reaches the DLQ — poison sent there, or redriven after maxReceiveCount — is accounted.
        sqs.consume(
          dlq.QueueUrl,
          (message) => {
            onDeadLetter(fromMessage(message, fifo), 'dead-letter queue');
          },
          { messageAttributeNames: ['All'], attributeNames: systemAttributes },
        );
      },
    };
  };
}
