import { ReceiveMessageCommand, SendMessageBatchCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sqs, type SqsProbe, type SqsQueue } from 'eventproof/sqs';
import { brokerUnderTest, describeWithBroker } from '../support/brokers.js';
import { OrderCreated } from './events.js';

const broker = await brokerUnderTest('sqs');

describeWithBroker(broker, 'SQS probe against a real broker (ElasticMQ)', () => {
  let probe: SqsProbe;
  beforeAll(async () => {
    probe = await sqs.probe({ url: broker.url, label: 'sqs-test' });
  });
  afterAll(() => probe.dispose());

  /** One receive as the code under test would do it: no delete, the given visibility timeout. */
  const receiveOnce = async (queue: SqsQueue, visibilityTimeout = 30) => {
    const { Messages = [] } = await probe.client.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: visibilityTimeout,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    return Messages;
  };

  it('Layer 4: OrderCreated published through the probe arrives exactly once with its order id', async () => {
    const orders = await probe.queue('orders');
    await probe.publish(orders, OrderCreated, { orderId: '123', amount: 100 });
    const messages = await probe.expect(orders).toReceive(OrderCreated, { timeoutMs: 5000, count: 1 });
    expect(messages.map((m) => m.payload)).toEqual([{ orderId: '123', amount: 100 }]);
    expect(messages[0]?.headers['event-type']).toBe('OrderCreated');
  });

  it('visibility timeout: a message received and not deleted reappears with receive count 2', async () => {
    const orders = await probe.queue('visibility');
    await probe.publish(orders, OrderCreated, { orderId: '1', amount: 1 });
    const [first] = await receiveOnce(orders, 1);
    expect(first?.Attributes?.['ApproximateReceiveCount']).toBe('1');
    // Invisible now; the probe sees it only once the 1 s timeout has passed.
    const [again] = await probe.expect(orders).toReceive(OrderCreated, { timeoutMs: 4000 });
    expect(again?.properties['receiveCount']).toBe(2);
  });

  it('FIFO: messages of one group arrive in send order, whatever the other groups do', async () => {
    const orders = await probe.queue('orders.fifo', { contentBasedDeduplication: true });
    for (let i = 0; i < 5; i++) {
      await probe.publish(orders, { value: `a-${i}`, key: 'A' });
      await probe.publish(orders, { value: `b-${i}`, key: 'B' });
    }
    const all = await probe.expect(orders).toReceive(() => true, { count: 10, timeoutMs: 5000 });
    const byGroup = (group: string) => all.filter((m) => m.key === group).map((m) => m.payload);
    expect(byGroup('A')).toEqual(['a-0', 'a-1', 'a-2', 'a-3', 'a-4']);
    expect(byGroup('B')).toEqual(['b-0', 'b-1', 'b-2', 'b-3', 'b-4']);
  });

  it('deduplication: a second send with the same deduplication id is dropped', async () => {
    const payments = await probe.queue('payments.fifo');
    await probe.publish(payments, { value: 'pay 10', key: 'c1', deduplicationId: 'pay-1' });
    await probe.publish(payments, { value: 'pay 10', key: 'c1', deduplicationId: 'pay-1' });
    await probe.publish(payments, { value: 'pay 20', key: 'c1', deduplicationId: 'pay-2' });
    const got = await probe.expect(payments).toReceive(() => true, { count: 2 });
    expect(got.map((m) => m.payload)).toEqual(['pay 10', 'pay 20']);
  });

  it('batch: one bad entry fails alone, the others are delivered', async () => {
    const batch = await probe.queue('batch');
    const result = await probe.client.send(
      new SendMessageBatchCommand({
        QueueUrl: batch.url,
        Entries: [
          { Id: 'ok1', MessageBody: 'first' },
          { Id: 'bad', MessageBody: 'x', DelaySeconds: 901 },
          { Id: 'ok2', MessageBody: 'second' },
        ],
      }),
    );
    expect(result.Successful?.map((s) => s.Id).sort()).toEqual(['ok1', 'ok2']);
    expect(result.Failed?.map((f) => f.Id)).toEqual(['bad']);
    const got = await probe.expect(batch).toReceive(() => true, { count: 2 });
    expect(got.map((m) => m.payload).sort()).toEqual(['first', 'second']);
  });

  it('redrive: after maxReceiveCount failed receives the message moves to the DLQ', async () => {
    const orders = await probe.queue('redrive', {
      deadLetter: { maxReceiveCount: 1 },
      visibilityTimeoutSeconds: 1,
    });
    await probe.publish(orders, { value: 'not valid json' });
    expect(await receiveOnce(orders, 0)).toHaveLength(1); // received once, "processing failed"
    await receiveOnce(orders, 0); // the next receive moves it past maxReceiveCount
    const [dead] = await probe
      .expect(orders.deadLetter!)
      .toReceive((m) => m.payload === 'not valid json', { timeoutMs: 4000 });
    expect(dead).toBeDefined();
  });

  it('settled() waits for in-flight messages to be deleted and says what is left', async () => {
    const work = await probe.queue('settle');
    await probe.publish(work, OrderCreated, { orderId: '1', amount: 1 });
    const [message] = await receiveOnce(work, 30);
    await expect(probe.settled({ timeoutMs: 200 })).rejects.toThrow(/settle has 0 visible, 1 in flight/);
    await probe.client.send(
      new DeleteMessageCommand({ QueueUrl: work.url, ReceiptHandle: message?.ReceiptHandle }),
    );
    await probe.settled({ timeoutMs: 3000 });
  });
});
