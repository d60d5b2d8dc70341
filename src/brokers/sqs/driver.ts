import type { SQSClient } from '@aws-sdk/client-sqs';
import { InvalidArgumentError, failure } from '../../errors.js';
import type { BatchOutcome, ReceivedSqsMessage, SqsDriver } from '../../sim/sqs/behaviour.js';
import { BrokerOperationError } from '../errors.js';
import { isolatedName, isolatedPrefix } from '../names.js';
import { resolveEndpoint, type ResolvedEndpoint } from '../provision.js';
import { loadSqsClient, type SqsClientModule } from './client.js';
import type { SqsProbeOptions } from './options.js';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const isLocal = (url: string) => /^https?:\/\/(localhost|127\.|\[::1\]|0\.0\.0\.0)/.test(url);

/** How often and how long `settle()` reads queue counts before it calls them settled. */
const SETTLE = { pollMs: 50, stableReads: 2, timeoutMs: 10_000 } as const;

/**
 * The SQS behavioural suite's driver over a real broker: `sqsBehaviour` runs against it exactly as it
 * runs against `sqsSimDriver()`. Broker errors reach the rules unchanged, so they can check the AWS
 * error code (`error.name`); queues it created are deleted on dispose.
 *
 * @example
 * ```ts
 * for (const { rule, run, simOnly } of sqsBehaviour) {
 *   if (simOnly) continue;
 *   it(rule, async () => {
 *     await using driver = await sqsDriver({ url: 'http://127.0.0.1:9324' });
 *     await run(driver);
 *   });
 * }
 * ```
 */
export interface SqsBrokerDriver extends SqsDriver, AsyncDisposable {
  /** The SDK client the driver uses, configured for the endpoint. */
  readonly client: SQSClient;
  /** Starts every queue name this driver creates, so parallel rules never share a queue. */
  readonly prefix: string;
  /** Waits for pending `sendLater` sends and deletes the driver's queues. */
  dispose(): Promise<void>;
}

/**
 * Connects a behavioural-suite driver to SQS (explicit URL, `EVENTPROOF_SQS_URL`, ElasticMQ on
 * 127.0.0.1:9324, or Testcontainers) with `@aws-sdk/client-sqs`. Make one per rule: each gets its own
 * queue-name prefix. Pass `url` (a probe's `endpoint` will do) when making many: without one, a driver
 * that finds no broker may start its own container. SNS is not part of it (the rules that need SNS
 * are marked `simOnly`).
 *
 * @example
 * ```ts
 * import { sqsBehaviour } from 'eventproof/sim';
 * import { sqsDriver } from 'eventproof/sqs';
 *
 * await using driver = await sqsDriver({ label: 'rules' });
 * await sqsBehaviour[0]!.run(driver);
 * ```
 */
export async function sqsDriver(options: SqsProbeOptions = {}): Promise<SqsBrokerDriver> {
  const sdk = await loadSqsClient();
  const resolved = await resolveEndpoint('sqs', options);
  const region = options.region ?? process.env['AWS_REGION'] ?? 'us-east-1';
  const credentials =
    options.credentials ??
    (isLocal(resolved.url) ? { accessKeyId: 'eventproof', secretAccessKey: 'eventproof' } : undefined);
  const client = new sdk.SQSClient({
    endpoint: resolved.url,
    region,
    ...(credentials ? { credentials } : {}),
    maxAttempts: 2,
    // Queue URLs carry the server's own address; requests go where the driver was pointed.
    useQueueUrlAsEndpoint: false,
  });
  try {
    await client.send(new sdk.ListQueuesCommand({ MaxResults: 1 }), {
      abortSignal: AbortSignal.timeout(options.connectTimeoutMs ?? 2000),
    });
  } catch (cause) {
    client.destroy();
    await resolved.stop?.();
    throw new BrokerOperationError(
      'sqs',
      'list queues',
      resolved.redacted,
      cause,
      'Check the endpoint speaks the SQS API and the credentials and region are right',
    );
  }
  return brokerDriver(sdk, client, resolved, isolatedPrefix(options.label ?? 'rules'));
}

function brokerDriver(
  sdk: SqsClientModule,
  client: SQSClient,
  resolved: ResolvedEndpoint,
  prefix: string,
): SqsBrokerDriver {
  const queues: string[] = [];
  const pending = new Set<Promise<void>>();
  const laterFailures: Error[] = [];
  let disposing: Promise<void> | undefined;

  const toAttributes = (attributes: Record<string, string> | undefined) =>
    attributes === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
        );
  const outcome = (result: {
    Successful?: { Id?: string | undefined }[] | undefined;
    Failed?: { Id?: string | undefined; Code?: string | undefined }[] | undefined;
  }): BatchOutcome => ({
    successful: (result.Successful ?? []).map((s) => s.Id ?? ''),
    failed: (result.Failed ?? []).map((f) => ({ id: f.Id ?? '', code: f.Code ?? '' })),
  });
  const sendMessage = async (
    url: string,
    body: string,
    o: {
      groupId?: string;
      deduplicationId?: string;
      delaySeconds?: number;
      attributes?: Record<string, string>;
    },
  ) => {
    const { MessageId } = await client.send(
      new sdk.SendMessageCommand({
        QueueUrl: url,
        MessageBody: body,
        MessageGroupId: o.groupId,
        MessageDeduplicationId: o.deduplicationId,
        DelaySeconds: o.delaySeconds,
        MessageAttributes: toAttributes(o.attributes),
      }),
    );
    return MessageId ?? '';
  };
  const counts = async (url: string) => {
    const { Attributes = {} } = await client.send(
      new sdk.GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
    };
  };
  /** A failed `sendLater` has no caller to throw to; the next `settle()` or `dispose()` reports it. */
  const throwLaterFailure = () => {
    const [first] = laterFailures.splice(0);
    if (first !== undefined) throw first;
  };
  const noSns = (action: string): never => {
    throw new InvalidArgumentError(
      failure(
        action,
        'the SQS broker driver speaks SQS only (ElasticMQ, the local SQS, has no SNS)',
        'Run the rules marked `simOnly` on the simulator with sqsSimDriver()',
      ),
    );
  };

  const driver: SqsBrokerDriver = {
    client,
    prefix,
    createQueue: async (name, attributes) => {
      const { QueueUrl } = await client.send(
        new sdk.CreateQueueCommand({ QueueName: isolatedName(prefix, name, 80), Attributes: attributes }),
      );
      if (QueueUrl === undefined) throw new Error(`CreateQueue for ${name} returned no QueueUrl`);
      queues.push(QueueUrl);
      return QueueUrl;
    },
    queueArn: async (url) => {
      const { Attributes = {} } = await client.send(
        new sdk.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
      );
      return Attributes.QueueArn ?? '';
    },
    send: (url, body, o = {}) => sendMessage(url, body, o),
    sendLater: (url, body, seconds) => {
      const sent: Promise<void> = pause(seconds * 1000)
        .then(() => sendMessage(url, body, {}))
        .then(
          () => undefined,
          (error: unknown) =>
            void laterFailures.push(error instanceof Error ? error : new Error(String(error))),
        )
        .finally(() => pending.delete(sent));
      pending.add(sent);
    },
    sendBatch: async (url, entries) =>
      outcome(
        await client.send(
          new sdk.SendMessageBatchCommand({
            QueueUrl: url,
            Entries: entries.map((e) => ({
              Id: e.id,
              MessageBody: e.body,
              MessageGroupId: e.groupId,
              MessageDeduplicationId: e.deduplicationId,
            })),
          }),
        ),
      ),
    receive: async (url, o = {}): Promise<ReceivedSqsMessage[]> => {
      const { Messages = [] } = await client.send(
        new sdk.ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: o.max,
          WaitTimeSeconds: o.waitSeconds ?? 0,
          VisibilityTimeout: o.visibilityTimeout,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'MessageGroupId'],
        }),
      );
      return Messages.map((m) => ({
        body: m.Body ?? '',
        messageId: m.MessageId ?? '',
        receiptHandle: m.ReceiptHandle ?? '',
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
        groupId: m.Attributes?.MessageGroupId,
      }));
    },
    delete: async (url, handle) =>
      void (await client.send(new sdk.DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: handle }))),
    deleteBatch: async (url, entries) =>
      outcome(
        await client.send(
          new sdk.DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: entries.map((e) => ({ Id: e.id, ReceiptHandle: e.receiptHandle })),
          }),
        ),
      ),
    changeVisibility: async (url, handle, seconds) =>
      void (await client.send(
        new sdk.ChangeMessageVisibilityCommand({
          QueueUrl: url,
          ReceiptHandle: handle,
          VisibilityTimeout: seconds,
        }),
      )),
    counts,
    createTopic: () => Promise.resolve().then(() => noSns('create an SNS topic')),
    subscribe: () => Promise.resolve().then(() => noSns('subscribe to an SNS topic')),
    publish: () => Promise.resolve().then(() => noSns('publish to an SNS topic')),
    // Real time is the only time a real broker has; the rules ask for a few seconds at most.
    wait: (seconds) => pause(seconds * 1000),
    now: () => Date.now(),
    /**
     * Settled means: every `sendLater` has reached the broker, and every queue's counts read the
     * same twice in a row (SQS counts are approximate and catch up shortly after a change).
     */
    settle: async () => {
      await Promise.all([...pending]);
      throwLaterFailure();
      const deadline = Date.now() + SETTLE.timeoutMs;
      let last = '';
      let stable = 0;
      while (stable < SETTLE.stableReads) {
        const now = JSON.stringify(await Promise.all(queues.map(counts)));
        stable = now === last ? stable + 1 : 1;
        last = now;
        if (stable >= SETTLE.stableReads) break;
        if (Date.now() > deadline)
          throw new BrokerOperationError(
            'sqs',
            'settle the queues',
            resolved.redacted,
            new Error(`their counts were still changing after ${SETTLE.timeoutMs} ms: ${now}`),
            'Check nothing else is sending to or receiving from these queues',
          );
        await pause(SETTLE.pollMs);
      }
    },
    dispose: () => {
      disposing ??= (async () => {
        await Promise.all([...pending]);
        await Promise.allSettled(
          queues.map((url) => client.send(new sdk.DeleteQueueCommand({ QueueUrl: url }))),
        );
        client.destroy();
        await resolved.stop?.();
        throwLaterFailure();
      })();
      return disposing;
    },
    [Symbol.asyncDispose]: () => driver.dispose(),
  };
  return driver;
}
