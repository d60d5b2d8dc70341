import { describe, expect, it } from 'vitest';
import { DecodeError, recordingPublisher } from 'eventproof';
import { OrderCreated, OrderShipped, allEvents, created } from '../__fixtures__/events.js';

const shipped = OrderShipped.create({ orderId: '1', carrier: 'ups' });

describe('kafka recorder', () => {
  it('decodes what producer.send carries through the contracts, with key and headers', async () => {
    const publisher = recordingPublisher({ events: allEvents });
    const producer = publisher.kafka();
    await producer.connect();
    const wire = OrderCreated.encode(created('1'));
    const metadata = await producer.send({
      topic: 'orders',
      messages: [
        {
          key: Buffer.from('1'),
          value: Buffer.from(wire.value),
          headers: { ...wire.headers, 'X-Trace': Buffer.from('t1') },
        },
      ],
    });
    await producer.disconnect();

    expect(metadata).toEqual([
      {
        topicName: 'orders',
        partition: 0,
        errorCode: 0,
        baseOffset: '0',
        logAppendTime: '-1',
        logStartOffset: '0',
      },
    ]);
    expect(producer.published).toMatchObject([
      {
        kind: 'event',
        via: 'kafka',
        topic: 'orders',
        event: 'OrderCreated',
        key: '1',
        headers: { 'x-trace': 't1' },
        payload: { orderId: '1' },
      },
    ]);
    expect(publisher.of(OrderCreated)).toHaveLength(1);
  });

  it('sendBatch records every topic and returns offsets per topic-partition', async () => {
    const producer = recordingPublisher({ events: allEvents }).kafka();
    const a = OrderCreated.encode(created('1'));
    const b = OrderShipped.encode(shipped);
    const metadata = await producer.sendBatch({
      topicMessages: [
        {
          topic: 'orders',
          messages: [
            { value: Buffer.from(a.value), headers: a.headers },
            { value: Buffer.from(a.value), headers: a.headers },
          ],
        },
        { topic: 'shipping', messages: [{ value: Buffer.from(b.value), headers: b.headers, partition: 3 }] },
      ],
    });
    expect(metadata.map((m) => [m.topicName, m.partition, m.baseOffset])).toEqual([
      ['orders', 0, '0'],
      ['shipping', 3, '0'],
    ]);
    expect(producer.published.map((r) => [r.event, r.properties.offset])).toEqual([
      ['OrderCreated', '0'],
      ['OrderCreated', '1'],
      ['OrderShipped', '0'],
    ]);
  });

  it('records undecodable bytes as poison with the DecodeError, never drops them', async () => {
    const producer = recordingPublisher({ events: allEvents }).kafka();
    await producer.send({ topic: 'orders', messages: [{ value: 'not valid json' }, { value: null }] });
    expect(producer.published).toHaveLength(2);
    const [bad, tombstone] = producer.published;
    expect(bad).toMatchObject({ kind: 'poison', topic: 'orders' });
    expect(bad?.kind === 'poison' && bad.error).toBeInstanceOf(DecodeError);
    expect(bad?.kind === 'poison' && Buffer.from(bad.raw).toString()).toBe('not valid json');
    expect(tombstone?.kind === 'poison' && tombstone.error.reason).toBe('not-bytes');
  });

  it('rejects a send without topic and messages', async () => {
    const producer = recordingPublisher({ events: allEvents }).kafka();
    await expect(producer.send({ topic: 'orders' } as never)).rejects.toThrow(/needs \{ topic, messages/);
  });
});

describe('amqp recorder', () => {
  it('decodes publish and sendToQueue content, returning true like a channel with room', () => {
    const publisher = recordingPublisher({ events: allEvents });
    const channel = publisher.amqp();
    const wire = OrderCreated.encode(created('1'));
    expect(
      channel.publish('orders', 'order.created', Buffer.from(wire.value), {
        headers: wire.headers,
        messageId: 'm-1',
      }),
    ).toBe(true);
    expect(
      channel.sendToQueue('shipping', Buffer.from(JSON.stringify(shipped)), { type: 'OrderShipped' }),
    ).toBe(true);

    expect(channel.published).toMatchObject([
      {
        via: 'amqp',
        topic: 'orders',
        key: 'order.created',
        event: 'OrderCreated',
        properties: { exchange: 'orders', messageId: 'm-1' },
      },
      { via: 'amqp', topic: 'shipping', key: undefined, event: 'OrderShipped', payload: { carrier: 'ups' } },
    ]);
  });

  it('uses the routing key as the destination on the default exchange', () => {
    const channel = recordingPublisher({ events: allEvents }).amqp();
    channel.publish('', 'orders-queue', Buffer.from(OrderCreated.encode(created('1')).value), {
      type: 'OrderCreated',
    });
    expect(channel.published[0]).toMatchObject({
      topic: 'orders-queue',
      key: 'orders-queue',
      event: 'OrderCreated',
    });
  });

  it('records poison content and acknowledges a confirm callback', async () => {
    const channel = recordingPublisher({ events: allEvents }).amqp();
    const confirmed = new Promise((resolve) =>
      channel.publish('orders', 'x', Buffer.from([0xff, 0xfe]), {}, resolve),
    );
    await expect(confirmed).resolves.toBeNull();
    expect(channel.published[0]).toMatchObject({ kind: 'poison', error: { reason: 'invalid-utf8' } });
  });
});

describe('sqs recorder', () => {
  class SendMessageCommand {
    constructor(readonly input: object) {}
  }
  class SendMessageBatchCommand {
    constructor(readonly input: object) {}
  }
  const url = 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo';

  it('decodes SendMessageCommand bodies, with attributes as headers and MessageGroupId as key', async () => {
    const sqs = recordingPublisher({ events: allEvents }).sqs();
    const output = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: JSON.stringify(created('1')),
        MessageGroupId: '1',
        MessageDeduplicationId: 'd-1',
        MessageAttributes: {
          'event-type': { DataType: 'String', StringValue: 'OrderCreated' },
          Trace: { DataType: 'Binary', BinaryValue: Buffer.from('t1') },
        },
      }),
    );
    expect(output).toMatchObject({
      MessageId: expect.any(String),
      MD5OfMessageBody: expect.stringMatching(/^[0-9a-f]{32}$/),
      $metadata: { httpStatusCode: 200 },
    });
    expect(sqs.published[0]).toMatchObject({
      via: 'sqs',
      topic: url,
      key: '1',
      event: 'OrderCreated',
      headers: { 'event-type': 'OrderCreated', trace: 't1' },
      properties: { messageDeduplicationId: 'd-1' },
    });
  });

  it('understands batches by shape, reporting entries without a body as Failed', async () => {
    const sqs = recordingPublisher({ events: allEvents }).sqs();
    const output = await sqs.send({
      input: {
        QueueUrl: url,
        Entries: [
          {
            Id: 'a',
            MessageBody: JSON.stringify(shipped),
            MessageAttributes: { 'event-type': { DataType: 'String', StringValue: 'OrderShipped' } },
          },
          { Id: 'b', MessageBody: 'not valid json' },
          { Id: 'c' },
        ],
      },
    });
    expect('Successful' in output && output.Successful.map((s) => s.Id)).toEqual(['a', 'b']);
    expect('Failed' in output && output.Failed).toEqual([
      expect.objectContaining({ Id: 'c', SenderFault: true, Code: 'MissingParameter' }),
    ]);
    expect(sqs.published.map((r) => r.kind)).toEqual(['event', 'poison']);
  });

  it('recognises a batch command by its class name too', async () => {
    const sqs = recordingPublisher({ events: allEvents }).sqs();
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [{ Id: 'a', MessageBody: JSON.stringify(shipped) }],
      }),
    );
    expect(sqs.published[0]).toMatchObject({ event: 'OrderShipped' });
  });

  it('rejects commands it does not understand, naming them', async () => {
    class ReceiveMessageCommand {
      constructor(readonly input: object) {}
    }
    const sqs = recordingPublisher({ events: allEvents }).sqs();
    await expect(sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).rejects.toThrow(
      /ReceiveMessageCommand/,
    );
  });
});

describe('recorder views', () => {
  it('each recorder sees its own records; the publisher sees all of them', async () => {
    const publisher = recordingPublisher({ events: allEvents });
    const producer = publisher.kafka();
    const channel = publisher.amqp();
    await publisher.publish('orders', created('1'));
    await producer.send({
      topic: 'orders',
      messages: [{ value: JSON.stringify(created('2')), headers: { 'event-type': 'OrderCreated' } }],
    });
    channel.sendToQueue('shipping', Buffer.from(JSON.stringify(shipped)), { type: 'OrderShipped' });

    expect(publisher.published.map((r) => r.via)).toEqual(['publish', 'kafka', 'amqp']);
    expect(producer.of(OrderCreated).map((o) => o.orderId)).toEqual(['2']);
    expect(channel.published).toHaveLength(1);
    await expect(producer.waitFor(OrderCreated, { where: { orderId: '2' } })).resolves.toMatchObject({
      via: 'kafka',
    });
  });
});
