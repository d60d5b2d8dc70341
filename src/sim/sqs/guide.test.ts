// The examples of docs/sim-sqs.md, executed. Each `#region` is copied verbatim into the guide; the
// drift test at the end fails when the two differ.
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createSimulation, simSns, simSqs, sqsBehaviour, sqsSimDriver } from '../../public/sim.js';
import { expectGuideShowsRegions } from '../../../test/support/guide-regions.js';

/** Code written against the AWS SDK, as it would be in an application. */
async function processOne(
  client: SQSClient,
  queueUrl: string,
  work: (body: string) => Promise<void>,
): Promise<boolean> {
  const { Messages } = await client.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 20 }),
  );
  const message = Messages?.[0];
  if (!message) return false;
  try {
    await work(message.Body!);
    await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
  } catch {
    // Let it come back at once instead of after the visibility timeout.
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: message.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
  }
  return true;
}

describe('docs/sim-sqs.md', () => {
  it('quick start', async () => {
    // #region quick-start
    const sim = createSimulation({ seed: 42 });
    const sqs = simSqs(sim);
    const { QueueUrl } = await sqs.createQueue({
      QueueName: 'orders',
      Attributes: { VisibilityTimeout: '30' },
    });
    await sqs.sendMessage({ QueueUrl, MessageBody: JSON.stringify({ orderId: '1' }) });

    const seen: string[] = [];
    sqs.consume(QueueUrl, (message) => {
      seen.push(JSON.parse(message.Body).orderId);
    });
    await sim.runUntilIdle();

    expect(seen).toEqual(['1']);
    expect(sim.ledger.count('acked')).toBe(1);
    // #endregion quick-start
  });

  it('sdk commands', async () => {
    // #region sdk-commands
    const sim = createSimulation({ seed: 1 });
    const sqs = simSqs(sim);
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'jobs' });
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'resize image 7' }));

    // Hand the model to code that expects an SQSClient; it receives the SDK's own command objects.
    const client = sqs as unknown as SQSClient;
    const worked: string[] = [];
    const run = processOne(client, QueueUrl, (body) => Promise.resolve(void worked.push(body)));
    await sim.runUntilIdle();

    expect(await run).toBe(true);
    expect(worked).toEqual(['resize image 7']);
    expect(sqs.inspect(QueueUrl).messages).toEqual([]);
    // #endregion sdk-commands
  });

  it('visibility timeout', async () => {
    // #region visibility
    const sim = createSimulation({ seed: 1 });
    const sqs = simSqs(sim);
    const { QueueUrl } = await sqs.createQueue({
      QueueName: 'emails',
      Attributes: { VisibilityTimeout: '30' },
    });
    await sqs.sendMessage({ QueueUrl, MessageBody: 'welcome mail' });

    const first = await sqs.receiveMessage({ QueueUrl });
    expect(first.Messages).toHaveLength(1);
    expect((await sqs.receiveMessage({ QueueUrl })).Messages).toBeUndefined(); // in flight: invisible

    await sim.advance(30_000); // the consumer "crashed": no delete within 30 s
    const again = await sqs.receiveMessage({
      QueueUrl,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    });
    expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
    // #endregion visibility
  });

  it('fifo', async () => {
    // #region fifo
    const sim = createSimulation({ seed: 1 });
    const sqs = simSqs(sim);
    const { QueueUrl } = await sqs.createQueue({
      QueueName: 'payments.fifo',
      Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
    });
    const first = await sqs.sendMessage({ QueueUrl, MessageBody: 'charge 10', MessageGroupId: 'order-1' });
    const retry = await sqs.sendMessage({ QueueUrl, MessageBody: 'charge 10', MessageGroupId: 'order-1' });
    expect(retry.MessageId).toBe(first.MessageId); // same body within 5 minutes: deduplicated
    await sqs.sendMessage({ QueueUrl, MessageBody: 'refund 10', MessageGroupId: 'order-1' });

    const { Messages } = await sqs.receiveMessage({ QueueUrl, MaxNumberOfMessages: 1 });
    expect(Messages?.[0]?.Body).toBe('charge 10');
    // order-1 is blocked while 'charge 10' is in flight
    expect((await sqs.receiveMessage({ QueueUrl, MaxNumberOfMessages: 10 })).Messages).toBeUndefined();
    await sqs.deleteMessage({ QueueUrl, ReceiptHandle: Messages![0]!.ReceiptHandle });
    expect((await sqs.receiveMessage({ QueueUrl })).Messages?.[0]?.Body).toBe('refund 10');
    // #endregion fifo
  });

  it('redrive', async () => {
    // #region redrive
    const sim = createSimulation({ seed: 1 });
    const sqs = simSqs(sim);
    const dlq = (await sqs.createQueue({ QueueName: 'orders-dlq' })).QueueUrl;
    const { QueueUrl } = await sqs.createQueue({
      QueueName: 'orders',
      Attributes: {
        VisibilityTimeout: '5',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: sqs.queueArn(dlq), maxReceiveCount: 3 }),
      },
    });
    await sqs.sendMessage({ QueueUrl, MessageBody: 'not json' });

    const consumer = sqs.consume(QueueUrl, (message) => JSON.parse(message.Body) as unknown);
    await sim.runUntilIdle();

    expect(consumer.errors).toHaveLength(3); // received 3 times, then moved on the 4th receive
    expect(sqs.inspect(dlq).messages.map((m) => m.Body)).toEqual(['not json']);
    expect(sim.ledger.count('dead-lettered')).toBe(1);
    // #endregion redrive
  });

  it('batch', async () => {
    // #region batch
    const sim = createSimulation({ seed: 1 });
    const sqs = simSqs(sim);
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'events' });
    const result = await sqs.sendMessageBatch({
      QueueUrl,
      Entries: [
        { Id: 'a', MessageBody: 'fine' },
        { Id: 'b', MessageBody: '' }, // SQS rejects an empty body
        { Id: 'c', MessageBody: 'also fine' },
      ],
    });
    expect(result.Successful.map((entry) => entry.Id)).toEqual(['a', 'c']);
    expect(result.Failed).toEqual([
      expect.objectContaining({ Id: 'b', Code: 'MissingParameter', SenderFault: true }),
    ]);
    // #endregion batch
  });

  it('long polling', async () => {
    // #region long-polling
    const sim = createSimulation({ seed: 1 });
    const sqs = simSqs(sim);
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'slow' });
    sim.schedule(3_000, 'producer', () => sqs.sendMessage({ QueueUrl, MessageBody: 'late' }));

    const received = sqs
      .receiveMessage({ QueueUrl, WaitTimeSeconds: 20 })
      .then((output) => ({ body: output.Messages?.[0]?.Body, at: sim.now() }));
    await sim.runUntilIdle();

    // It returned when the message arrived, not after 20 s.
    expect(await received).toEqual({ body: 'late', at: 3_000 });
    // #endregion long-polling
  });

  it('faults', async () => {
    // #region faults
    const sim = createSimulation({
      seed: 7,
      faults: [
        { kind: 'duplicate', broker: 'sqs', probability: 0.2 },
        { kind: 'crash-before-ack', broker: 'sqs', probability: 0.2 },
        { kind: 'unavailable', broker: 'sqs', fromMs: 0, untilMs: 1_000 },
      ],
    });
    const sqs = simSqs(sim);
    const { QueueUrl } = await sqs.createQueue({
      QueueName: 'orders',
      Attributes: { VisibilityTimeout: '10' },
    });
    sim.schedule(1_000, 'producer', async () => {
      for (let i = 0; i < 10; i++) await sqs.sendMessage({ QueueUrl, MessageBody: `order-${i}` });
    });

    const handled = new Map<string, number>();
    sqs.consume(QueueUrl, (message) => void handled.set(message.Body, (handled.get(message.Body) ?? 0) + 1));
    await sim.runUntilIdle();

    expect(handled.size).toBe(10); // none lost…
    expect([...handled.values()].some((times) => times > 1)).toBe(true); // …but some handled twice
    // #endregion faults
  });

  it('sns', async () => {
    // #region sns
    const sim = createSimulation({ seed: 1 });
    const sqs = simSqs(sim);
    const sns = simSns(sim, sqs);
    const { TopicArn } = await sns.createTopic({ Name: 'orders' });
    const billing = (await sqs.createQueue({ QueueName: 'billing' })).QueueUrl;
    const audit = (await sqs.createQueue({ QueueName: 'audit' })).QueueUrl;
    await sns.subscribe({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: sqs.queueArn(billing),
      Attributes: {
        FilterPolicy: JSON.stringify({ type: ['OrderPaid'], amount: [{ numeric: ['>', 0] }] }),
        RawMessageDelivery: 'true',
      },
    });
    await sns.subscribe({ TopicArn, Protocol: 'sqs', Endpoint: sqs.queueArn(audit) });

    const attributes = (type: string, amount: number) => ({
      type: { DataType: 'String', StringValue: type },
      amount: { DataType: 'Number', StringValue: String(amount) },
    });
    await sns.publish({
      TopicArn,
      Message: '{"orderId":"1"}',
      MessageAttributes: attributes('OrderPaid', 30),
    });
    await sns.publish({
      TopicArn,
      Message: '{"orderId":"2"}',
      MessageAttributes: attributes('OrderCreated', 30),
    });

    expect(sqs.inspect(billing).messages.map((m) => m.Body)).toEqual(['{"orderId":"1"}']);
    const envelope = JSON.parse(sqs.inspect(audit).messages[1]!.Body) as { Type: string; Message: string };
    expect(envelope).toMatchObject({ Type: 'Notification', Message: '{"orderId":"2"}' });
    // #endregion sns
  });

  it('standard queue anomalies', async () => {
    // #region anomalies
    const run = async (options: Parameters<typeof createSimulation>[0]) => {
      const sim = createSimulation(options);
      const sqs = simSqs(sim, { standard: { duplicateRate: 0.2, reorderRate: 0.5 } });
      const { QueueUrl } = await sqs.createQueue({ QueueName: 'loose' });
      for (let i = 0; i < 5; i++) await sqs.sendMessage({ QueueUrl, MessageBody: `m${i}` });
      const order: string[] = [];
      sqs.consume(QueueUrl, (message) => void order.push(message.Body));
      await sim.runUntilIdle();
      return { sim, order };
    };
    const first = await run({ seed: 3 });
    expect(first.order).toMatchInlineSnapshot(`
      [
        "m3",
        "m2",
        "m1",
        "m4",
        "m4",
        "m0",
      ]
    `);
    // Every anomaly was a recorded decision: replaying them gives the same run.
    const replayed = await run({ replay: first.sim.decisions.decisions });
    expect(replayed.order).toEqual(first.order);
    // #endregion anomalies
  });

  it('behavioural suite', async () => {
    // #region behaviour
    for (const { rule, run } of sqsBehaviour) {
      await run(sqsSimDriver({ seed: 1 })).catch((error: unknown) => {
        throw new Error(`SQS rule failed: ${rule}`, { cause: error });
      });
    }
    // #endregion behaviour
  });
});

describe('docs/sim-sqs.md drift', () => {
  it('every marked block equals its executed region here', () => {
    expectGuideShowsRegions('docs/sim-sqs.md', 'src/sim/sqs/guide.test.ts');
  });
});
