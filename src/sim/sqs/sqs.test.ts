import { describe, expect, it } from 'vitest';
import { createSimulation, simSns, simSqs, SqsSimError, sqsCapabilities } from '../../public/sim.js';

const quiet = { standard: { duplicateRate: 0, reorderRate: 0, shortPollPartialRate: 0 } };

function setup(
  options: Parameters<typeof simSqs>[1] = quiet,
  faults: NonNullable<Parameters<typeof createSimulation>[0]>['faults'] = [],
) {
  const sim = createSimulation({ seed: 11, faults });
  const sqs = simSqs(sim, options);
  return { sim, sqs };
}

class SendMessageCommand {
  constructor(readonly input: unknown) {}
}
class ListTopicsCommand {
  constructor(readonly input: unknown) {}
}

describe('SQS model: API shape', () => {
  it('runs SDK command objects by their class name and returns SDK-shaped outputs', async () => {
    const { sqs } = setup();
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'orders' });
    expect(QueueUrl).toBe('https://sqs.us-east-1.amazonaws.com/000000000000/orders');
    const sent = (await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }))) as {
      MessageId: string;
      MD5OfMessageBody: string;
    };
    expect(sent.MD5OfMessageBody).toBe('5d41402abc4b2a76b9719d911017c592');
    const { Messages } = await sqs.receiveMessage({ QueueUrl, MessageSystemAttributeNames: ['All'] });
    expect(Messages?.[0]).toMatchObject({
      MessageId: sent.MessageId,
      Body: 'hello',
      MD5OfBody: '5d41402abc4b2a76b9719d911017c592',
      Attributes: { ApproximateReceiveCount: '1' },
    });
    expect(JSON.parse(JSON.stringify(Messages?.[0]))).toHaveProperty('ReceiptHandle');
  });

  it('rejects unknown commands and plain objects with an actionable error', async () => {
    const { sqs } = setup();
    await expect(sqs.send(new ListTopicsCommand({}))).rejects.toThrow(
      /ListTopicsCommand is not a command the model knows/,
    );
    await expect(sqs.send({ input: {} })).rejects.toThrow(/not an SDK command object/);
  });

  it('names the AWS error code for an unknown queue and lists the known ones', async () => {
    const { sqs } = setup();
    await sqs.createQueue({ QueueName: 'orders' });
    const error = await sqs
      .sendMessage({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/ordres', MessageBody: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqsSimError);
    expect(error).toMatchObject({ name: 'QueueDoesNotExist', code: 'SIM_UNKNOWN_TARGET' });
    expect((error as Error).message).toMatchInlineSnapshot(
      `"[eventproof] Failed to send a message: QueueDoesNotExist: the specified queue does not exist: 'https://sqs.us-east-1.amazonaws.com/000000000000/ordres'. Use the QueueUrl that createQueue returned; known queues: orders."`,
    );
  });

  it('rejects impossible configuration with SIM_CONFIG errors', async () => {
    const { sqs } = setup();
    await expect(
      sqs.createQueue({ QueueName: 'orders', Attributes: { FifoQueue: 'true' } }),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue', code: 'SIM_CONFIG' });
    await expect(sqs.createQueue({ QueueName: 'orders.fifo' })).rejects.toThrow(/FifoQueue: 'true'/);
    await expect(
      sqs.createQueue({ QueueName: 'orders', Attributes: { ContentBasedDeduplication: 'true' } }),
    ).rejects.toThrow(/FIFO queues only/);
    await expect(
      sqs.createQueue({ QueueName: 'orders', Attributes: { VisibilityTimeout: '43201' } }),
    ).rejects.toMatchObject({ name: 'InvalidAttributeValue' });
    await expect(
      sqs.createQueue({
        QueueName: 'orders',
        Attributes: {
          RedrivePolicy:
            '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:nope","maxReceiveCount":3}',
        },
      }),
    ).rejects.toThrow(/does not exist/);
    await expect(sqs.createQueue({ QueueName: 'bad name!' })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    expect(() => simSqs(createSimulation({ seed: 1 }), { standard: { duplicateRate: 2 } })).toThrow(
      /probability/,
    );
  });

  it('declares per-key order and deduplication only for FIFO queues', () => {
    expect(sqsCapabilities('fifo')).toMatchObject({
      perKeyOrder: true,
      deduplication: true,
      nativeDeadLetter: true,
    });
    expect(sqsCapabilities('standard')).toMatchObject({ perKeyOrder: false, deduplication: false });
  });
});

describe('SQS model: semantics beyond the behavioural rules', () => {
  it('forgets a deduplication id after 5 virtual minutes', async () => {
    const { sim, sqs } = setup();
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'd.fifo', Attributes: { FifoQueue: 'true' } });
    const a = await sqs.sendMessage({
      QueueUrl,
      MessageBody: 'a',
      MessageGroupId: 'g',
      MessageDeduplicationId: 'x',
    });
    await sim.advance(4 * 60_000);
    expect(
      (
        await sqs.sendMessage({
          QueueUrl,
          MessageBody: 'b',
          MessageGroupId: 'g',
          MessageDeduplicationId: 'x',
        })
      ).MessageId,
    ).toBe(a.MessageId);
    await sim.advance(61_000);
    expect(
      (
        await sqs.sendMessage({
          QueueUrl,
          MessageBody: 'c',
          MessageGroupId: 'g',
          MessageDeduplicationId: 'x',
        })
      ).MessageId,
    ).not.toBe(a.MessageId);
    expect(sqs.inspect(QueueUrl).messages.map((m) => m.Body)).toEqual(['a', 'c']);
  });

  it('expires a message after its retention period, recorded in the ledger', async () => {
    const { sim, sqs } = setup();
    const { QueueUrl } = await sqs.createQueue({
      QueueName: 'short',
      Attributes: { MessageRetentionPeriod: '60' },
    });
    await sqs.sendMessage({ QueueUrl, MessageBody: 'old' });
    await sim.advance(61_000);
    expect((await sqs.receiveMessage({ QueueUrl })).Messages).toBeUndefined();
    expect(sim.ledger.count('expired')).toBe(1);
  });

  it('ignores a stale receipt handle on a standard queue but rejects an expired one on a FIFO queue', async () => {
    const { sim, sqs } = setup();
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'std', Attributes: { VisibilityTimeout: '1' } });
    await sqs.sendMessage({ QueueUrl, MessageBody: 'a' });
    const first = (await sqs.receiveMessage({ QueueUrl })).Messages![0]!;
    await sim.advance(1_000);
    const second = (await sqs.receiveMessage({ QueueUrl })).Messages![0]!;
    await sqs.deleteMessage({ QueueUrl, ReceiptHandle: first.ReceiptHandle });
    expect(sqs.inspect(QueueUrl).inFlight).toBe(1);
    await sqs.deleteMessage({ QueueUrl, ReceiptHandle: second.ReceiptHandle });
    expect(sqs.inspect(QueueUrl).messages).toEqual([]);

    const fifo = (
      await sqs.createQueue({
        QueueName: 'f.fifo',
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true', VisibilityTimeout: '1' },
      })
    ).QueueUrl;
    await sqs.sendMessage({ QueueUrl: fifo, MessageBody: 'a', MessageGroupId: 'g' });
    const received = (await sqs.receiveMessage({ QueueUrl: fifo })).Messages![0]!;
    await sim.advance(1_000);
    await expect(
      sqs.deleteMessage({ QueueUrl: fifo, ReceiptHandle: received.ReceiptHandle }),
    ).rejects.toThrow(/receipt handle has expired/);
    await expect(sqs.deleteMessage({ QueueUrl: fifo, ReceiptHandle: 'garbage' })).rejects.toMatchObject({
      name: 'ReceiptHandleIsInvalid',
    });
  });

  it('records every standard-queue anomaly as a decision that a replay reproduces', async () => {
    const run = async (replay?: NonNullable<Parameters<typeof createSimulation>[0]>['replay']) => {
      const sim = createSimulation({ seed: 5, replay });
      const sqs = simSqs(sim, {
        standard: { duplicateRate: 0.3, reorderRate: 0.5, shortPollPartialRate: 0.5 },
      });
      const { QueueUrl } = await sqs.createQueue({ QueueName: 'loose' });
      for (let i = 0; i < 20; i++) await sqs.sendMessage({ QueueUrl, MessageBody: `m${i}` });
      const seen: string[] = [];
      sqs.consume(QueueUrl, (m) => void seen.push(m.Body), { batchSize: 10 });
      await sim.runUntilIdle();
      return { sim, seen };
    };
    const first = await run();
    const kinds = new Set(first.sim.decisions.decisions.map((d) => d.kind));
    expect([...kinds].filter((kind) => kind === 'sqs:duplicate' || kind === 'sqs:reorder').sort()).toEqual([
      'sqs:duplicate',
      'sqs:reorder',
    ]);
    expect(first.seen.length).toBeGreaterThan(20);
    expect(first.seen).not.toEqual(
      first.seen.slice().sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))),
    );
    const again = await run(first.sim.decisions.decisions);
    expect(again.seen).toEqual(first.seen);
    expect(again.sim.trace.render()).toBe(first.sim.trace.render());
    expect(again.sim.decisions.unreplayed).toBe(0);
  });

  it('one seed with faults gives a byte-identical trace, and so does replaying its decisions', async () => {
    const run = async (replay?: NonNullable<Parameters<typeof createSimulation>[0]>['replay']) => {
      const sim = createSimulation({
        seed: replay ? 12345 : 99,
        replay,
        faults: [
          { kind: 'duplicate', broker: 'sqs', probability: 0.2 },
          { kind: 'crash-before-ack', probability: 0.2 },
          { kind: 'reorder', probability: 0.3 },
          { kind: 'delay', probability: 0.2, delayMs: 500 },
        ],
      });
      const sqs = simSqs(sim);
      const { QueueUrl } = await sqs.createQueue({ QueueName: 'q', Attributes: { VisibilityTimeout: '2' } });
      for (let i = 0; i < 15; i++) await sqs.sendMessage({ QueueUrl, MessageBody: `m${i}` });
      sqs.consume(QueueUrl, async () => {}, { batchSize: 3 });
      await sim.runUntilIdle();
      return { trace: sim.trace.render(), decisions: sim.decisions.decisions };
    };
    const a = await run();
    expect(a.trace).toMatch(/fault/);
    expect((await run()).trace).toBe(a.trace);
    expect((await run(a.decisions)).trace).toBe(a.trace);
  });
});

describe('SQS model: queue management and batches', () => {
  it('lists, re-creates idempotently, changes attributes, purges at most once a minute and deletes queues', async () => {
    const { sim, sqs } = setup();
    expect((await sqs.listQueues()).QueueUrls).toBeUndefined();
    const { QueueUrl } = await sqs.createQueue({
      QueueName: 'orders',
      Attributes: { VisibilityTimeout: '30' },
    });
    expect(
      (await sqs.createQueue({ QueueName: 'orders', Attributes: { VisibilityTimeout: '30' } })).QueueUrl,
    ).toBe(QueueUrl);
    await expect(
      sqs.createQueue({ QueueName: 'orders', Attributes: { VisibilityTimeout: '60' } }),
    ).rejects.toMatchObject({ name: 'QueueNameExists' });
    await sqs.setQueueAttributes({ QueueUrl, Attributes: { VisibilityTimeout: '60' } });
    expect(
      (await sqs.getQueueAttributes({ QueueUrl, AttributeNames: ['VisibilityTimeout'] })).Attributes,
    ).toEqual({ VisibilityTimeout: '60' });
    await expect(
      sqs.getQueueAttributes({ QueueUrl, AttributeNames: ['Colour' as never] }),
    ).rejects.toMatchObject({ name: 'InvalidAttributeName' });
    expect((await sqs.listQueues({ QueueNamePrefix: 'ord' })).QueueUrls).toEqual([QueueUrl]);

    await sqs.sendMessage({ QueueUrl, MessageBody: 'a' });
    await sqs.purgeQueue({ QueueUrl });
    expect(sqs.inspect(QueueUrl).messages).toEqual([]);
    // Purged, not acked: the broker dropped it.
    expect(sim.ledger.all().map((e) => e.fate)).toEqual(['rejected-by-broker']);
    await expect(sqs.purgeQueue({ QueueUrl })).rejects.toMatchObject({ name: 'PurgeQueueInProgress' });
    await sim.advance(60_000);
    await sqs.purgeQueue({ QueueUrl });

    const waiting = sqs.receiveMessage({ QueueUrl, WaitTimeSeconds: 20 });
    sim.schedule(1_000, 'delete queue', () => sqs.deleteQueue({ QueueUrl }));
    await sim.runUntilIdle();
    expect((await waiting).Messages).toBeUndefined();
    await expect(sqs.getQueueUrl({ QueueName: 'orders' })).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
    });
  });

  it('changes visibility in a batch with per-entry results', async () => {
    const { sqs } = setup();
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'q', Attributes: { VisibilityTimeout: '30' } });
    await sqs.sendMessageBatch({
      QueueUrl,
      Entries: [
        { Id: 'a', MessageBody: 'a' },
        { Id: 'b', MessageBody: 'b' },
      ],
    });
    const { Messages } = await sqs.receiveMessage({ QueueUrl, MaxNumberOfMessages: 10 });
    const [a, b] = Messages!;
    await sqs.deleteMessage({ QueueUrl, ReceiptHandle: b!.ReceiptHandle });
    const result = await sqs.changeMessageVisibilityBatch({
      QueueUrl,
      Entries: [
        { Id: 'a', ReceiptHandle: a!.ReceiptHandle, VisibilityTimeout: 0 },
        { Id: 'b', ReceiptHandle: b!.ReceiptHandle, VisibilityTimeout: 0 },
        { Id: 'c', ReceiptHandle: a!.ReceiptHandle, VisibilityTimeout: 43_201 },
      ],
    });
    expect(result.Successful).toEqual([{ Id: 'a' }]);
    expect(result.Failed.map((f) => [f.Id, f.Code])).toEqual([
      ['b', 'MessageNotInflight'],
      ['c', 'InvalidParameterValue'],
    ]);
    expect(sqs.inspect(QueueUrl)).toMatchObject({ visible: 1, inFlight: 0 });
  });

  it('queues created from the same frozen attributes in many worlds get the same checks and settings', async () => {
    const attributes = Object.freeze({ VisibilityTimeout: '7', DelaySeconds: '1' });
    const invalid = Object.freeze({ VisibilityTimeout: '99999' });
    for (let world = 0; world < 2; world++) {
      const { sqs } = setup();
      const { QueueUrl } = await sqs.createQueue({ QueueName: 'q', Attributes: attributes });
      const { Attributes } = await sqs.getQueueAttributes({ QueueUrl, AttributeNames: ['All'] });
      expect(Attributes).toMatchObject({ VisibilityTimeout: '7', DelaySeconds: '1' });
      Attributes['VisibilityTimeout'] = 'changed by the caller';
      await sqs.setQueueAttributes({ QueueUrl, Attributes: { VisibilityTimeout: '9' } });
      expect((await sqs.getQueueAttributes({ QueueUrl, AttributeNames: ['All'] })).Attributes).toMatchObject({
        VisibilityTimeout: '9',
        DelaySeconds: '1',
      });
      await expect(sqs.createQueue({ QueueName: 'other', Attributes: invalid })).rejects.toMatchObject({
        name: 'InvalidAttributeValue',
      });
      await expect(sqs.createQueue({ QueueName: 'q.fifo', Attributes: attributes })).rejects.toThrow(
        /FifoQueue/,
      );
    }
  });

  it('checks frozen attributes sent again as strictly as the first time: size and validity', async () => {
    const { sqs } = setup();
    const { QueueUrl } = await sqs.createQueue({
      QueueName: 'q',
      Attributes: { MaximumMessageSize: '1024' },
    });
    const attributes = Object.freeze({
      type: Object.freeze({ DataType: 'String', StringValue: 'a'.repeat(900) }),
    });
    // 100 body bytes + 4 + 6 + 900 attribute bytes fit in 1024; 200 body bytes do not, with the same
    // (remembered) attributes, though the body alone is far below the limit.
    await sqs.sendMessage({ QueueUrl, MessageBody: 'x'.repeat(100), MessageAttributes: attributes });
    await sqs.sendMessage({ QueueUrl, MessageBody: 'x'.repeat(100), MessageAttributes: attributes });
    await expect(
      sqs.sendMessage({ QueueUrl, MessageBody: 'x'.repeat(200), MessageAttributes: attributes }),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    const invalid = Object.freeze({ 'AWS.x': Object.freeze({ DataType: 'String', StringValue: 'v' }) });
    for (let i = 0; i < 2; i++)
      await expect(
        sqs.sendMessage({ QueueUrl, MessageBody: 'x', MessageAttributes: invalid }),
      ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    const { Messages } = await sqs.receiveMessage({
      QueueUrl,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ['All'],
    });
    expect(Messages?.map((m) => m.MessageAttributes?.['type']?.StringValue?.length)).toEqual([900, 900]);
  });

  it('remembers only attributes that cannot change: getters, prototypes and mutable values are checked every time', async () => {
    const { sqs } = setup();
    const { QueueUrl } = await sqs.createQueue({
      QueueName: 'q',
      Attributes: { MaximumMessageSize: '1024' },
    });
    const send = (MessageAttributes: Record<string, never>) =>
      sqs.sendMessage({ QueueUrl, MessageBody: 'x', MessageAttributes });
    const proto: { StringValue?: string } = { StringValue: 'ok' };
    const inherited = Object.freeze({
      a: Object.freeze(Object.assign(Object.create(proto) as object, { DataType: 'String' })),
    });
    let text = 'ok';
    const getter = Object.freeze({
      a: Object.freeze({
        DataType: 'String',
        get StringValue() {
          return text;
        },
      }),
    });
    const value = { DataType: 'String', StringValue: 'ok' };
    const mutable = Object.freeze({ a: value });
    for (const attributes of [inherited, getter, mutable]) await send(attributes as never);
    proto.StringValue = 'y'.repeat(5000);
    text = '';
    value.StringValue = '';
    for (const attributes of [inherited, getter, mutable])
      await expect(send(attributes as never)).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('reports the first invalid queue attribute in a fixed order, whatever order they are given in', async () => {
    const { sqs } = setup();
    await expect(
      sqs.createQueue({ QueueName: 'q', Attributes: { VisibilityTimeout: '99999', DelaySeconds: '9999' } }),
    ).rejects.toThrow(/DelaySeconds/);
    // A frozen object whose getter answers differently later is not remembered: checked every time.
    let reads = 0;
    const frozenGetter = Object.freeze({
      get VisibilityTimeout() {
        return reads++ === 0 ? '5' : '99999';
      },
    });
    await sqs.createQueue({ QueueName: 'g1', Attributes: frozenGetter });
    await expect(sqs.createQueue({ QueueName: 'g2', Attributes: frozenGetter })).rejects.toMatchObject({
      name: 'InvalidAttributeValue',
    });
  });

  it('rejects invalid messages with the AWS code', async () => {
    const { sqs } = setup();
    const { QueueUrl } = await sqs.createQueue({
      QueueName: 'q',
      Attributes: { MaximumMessageSize: '1024' },
    });
    await expect(sqs.sendMessage({ QueueUrl, MessageBody: 'x'.repeat(1025) })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    await expect(sqs.sendMessage({ QueueUrl, MessageBody: '' })).rejects.toMatchObject({
      name: 'MissingParameter',
    });
    await expect(sqs.sendMessage({ QueueUrl, MessageBody: 'x', DelaySeconds: 901 })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    await expect(
      sqs.sendMessage({ QueueUrl, MessageBody: 'x', MessageDeduplicationId: 'd' }),
    ).rejects.toThrow(/only valid on FIFO queues/);
    await expect(
      sqs.sendMessage({
        QueueUrl,
        MessageBody: 'x',
        MessageAttributes: { n: { DataType: 'Number', StringValue: 'many' } },
      }),
    ).rejects.toThrow(/not a number/);
    await expect(sqs.receiveMessage({ QueueUrl, WaitTimeSeconds: 21 })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    expect(() => sqs.consume(QueueUrl, () => {}, { batchSize: 11 })).toThrow(/batchSize/);
  });
});

describe('SQS consumer', () => {
  it('deletes on success, leaves a failed message to reappear after the visibility timeout, even for non-Error throws', async () => {
    const { sim, sqs } = setup();
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'c', Attributes: { VisibilityTimeout: '10' } });
    await sqs.sendMessage({ QueueUrl, MessageBody: 'flaky' });
    const attempts: number[] = [];
    const consumer = sqs.consume(QueueUrl, async () => {
      attempts.push(Date.now());
      await Promise.resolve();
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- handlers in the wild throw strings too
      if (attempts.length < 3) throw 'not yet';
    });
    await sim.runUntilIdle();
    expect(attempts).toEqual([0, 10_000, 20_000]);
    expect(consumer.errors.map((e) => e.error)).toEqual(['not yet', 'not yet']);
    expect(sim.ledger.count('acked')).toBe(1);
    expect(sim.trace.render()).toMatch(/handler failed \(threw 'not yet'\)/);
  });

  it.each(['sync', 'async'] as const)(
    'keeps polling after a %s handler throws a value that cannot be printed',
    async (mode) => {
      const { sim, sqs } = setup();
      const { QueueUrl } = await sqs.createQueue({
        QueueName: 'odd',
        Attributes: { VisibilityTimeout: '10' },
      });
      await sqs.sendMessage({ QueueUrl, MessageBody: 'odd' });
      await sqs.sendMessage({ QueueUrl, MessageBody: 'fine' });
      const unprintable = {
        toString: () => {
          throw new Error('no toString');
        },
        toJSON: () => {
          throw new Error('no toJSON');
        },
      };
      const handled: string[] = [];
      const consumer = sqs.consume(QueueUrl, (message) => {
        handled.push(message.Body);
        if (message.Body !== 'odd') return undefined;
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the point: a hostile rejection value
        if (mode === 'async') return Promise.reject(unprintable);
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the point: a hostile thrown value
        throw unprintable;
      });
      await sim.advance(15_000);
      consumer.stop();
      expect(handled).toEqual(['odd', 'fine', 'odd']);
      expect(consumer.errors.map((e) => e.error)).toEqual([unprintable, unprintable]);
      expect(sim.trace.render()).toMatch(/handler failed \(threw a value that cannot be printed\)/);
    },
  );

  it('crash-before-ack makes a processed message come back', async () => {
    const { sim, sqs } = setup(quiet, [{ kind: 'crash-before-ack', broker: 'sqs', probability: 1 }]);
    const { QueueUrl } = await sqs.createQueue({
      QueueName: 'crash',
      Attributes: { VisibilityTimeout: '5' },
    });
    await sqs.sendMessage({ QueueUrl, MessageBody: 'x' });
    let runs = 0;
    const consumer = sqs.consume(QueueUrl, () => void runs++);
    await sim.advance(12_000);
    consumer.stop();
    expect(runs).toBe(3);
    expect(sqs.inspect(QueueUrl).messages).toHaveLength(1);
  });

  it('reports a handler that never settles as stuck', async () => {
    const { sim, sqs } = setup();
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'hang', Attributes: { VisibilityTimeout: '5' } });
    await sqs.sendMessage({ QueueUrl, MessageBody: 'x' });
    const consumer = sqs.consume(QueueUrl, () => new Promise(() => {}), { name: 'hanger' });
    const result = await sim.runUntilIdle();
    expect(result.stuck).toEqual([{ label: 'hanger handler for m1', since: 0 }]);
    expect(sqs.inspect(QueueUrl).visible).toBe(1);
    consumer.crash();
  });

  it('a batch handler deletes only the messages it returns', async () => {
    const { sim, sqs } = setup();
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'b', Attributes: { VisibilityTimeout: '5' } });
    await sqs.sendMessageBatch({
      QueueUrl,
      Entries: ['a', 'b', 'c'].map((b) => ({ Id: b, MessageBody: b })),
    });
    const consumer = sqs.consume(QueueUrl, (messages) => messages.filter((m) => m.Body !== 'b'), {
      batchSize: 10,
      handleMessageBatch: true,
    });
    await sim.advance(1_000);
    consumer.stop();
    expect(sqs.inspect(QueueUrl).messages.map((m) => m.Body)).toEqual(['b']);
  });

  it('sends fail or end unknown and receives stall while SQS is unavailable', async () => {
    const { sim, sqs } = setup(quiet, [{ kind: 'unavailable', broker: 'sqs', fromMs: 0, untilMs: 1_000 }]);
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'down' });
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++)
      outcomes.push(
        await sqs.sendMessage({ QueueUrl, MessageBody: `m${i}` }).then(
          () => 'ok',
          (e: SqsSimError) => `${e.name}/${e.retryable}`,
        ),
      );
    expect(new Set(outcomes)).toEqual(new Set(['ServiceUnavailable/true', 'RequestTimeout/true']));
    const stored = sqs.inspect(QueueUrl).messages.length;
    expect(stored).toBe(outcomes.filter((o) => o.startsWith('RequestTimeout')).length);
    const received: number[] = [];
    sqs.consume(QueueUrl, () => void received.push(Date.now()));
    await sim.runUntilIdle();
    expect(received.every((t) => t >= 1_000)).toBe(true);
    expect(received).toHaveLength(stored);
  });
});

describe('SQS long polling and outages', () => {
  it('a long poll that meets an outage waits it out, then keeps waiting for its message', async () => {
    const { sim, sqs } = setup(quiet, [
      { kind: 'unavailable', broker: 'sqs', fromMs: 1_000, untilMs: 4_000 },
    ]);
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'q' });
    sim.schedule(6_000, 'producer', () => sqs.sendMessage({ QueueUrl, MessageBody: 'late' }));
    sim.schedule(1_000, 'consumer', () => {
      received = sqs
        .receiveMessage({ QueueUrl, WaitTimeSeconds: 10 })
        .then((o) => ({ body: o.Messages?.[0]?.Body, at: sim.now() }));
    });
    let received: Promise<{ body: string | undefined; at: number }> | undefined;
    await sim.runUntilIdle();
    expect(await received).toEqual({ body: 'late', at: 6_000 });
  });

  it('a long poll that ends empty takes nothing afterwards', async () => {
    const { sim, sqs } = setup();
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'q' });
    const output = sqs.receiveMessage({ QueueUrl, WaitTimeSeconds: 2 });
    sim.schedule(3_000, 'producer', () => sqs.sendMessage({ QueueUrl, MessageBody: 'after' }));
    await sim.runUntilIdle();
    expect((await output).Messages).toBeUndefined();
    expect(sqs.inspect(QueueUrl)).toMatchObject({ visible: 1, inFlight: 0 });
  });

  it('omits Attributes and MessageAttributes a receive did not ask for', async () => {
    const { sqs } = setup();
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'q' });
    await sqs.sendMessage({
      QueueUrl,
      MessageBody: 'x',
      MessageAttributes: { type: { DataType: 'String', StringValue: 'T' } },
    });
    const [plain] = (await sqs.receiveMessage({ QueueUrl, VisibilityTimeout: 0 })).Messages!;
    expect('Attributes' in plain! || 'MessageAttributes' in plain!).toBe(false);
    const [full] = (await sqs.receiveMessage({ QueueUrl, MessageAttributeNames: ['All'] })).Messages!;
    expect(full?.MessageAttributes).toEqual({ type: { DataType: 'String', StringValue: 'T' } });
    expect(full?.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('SNS filter policies', () => {
  const cases: [string, Record<string, string | number>, boolean][] = [
    ['{"store":["example_corp"]}', { store: 'example_corp' }, true],
    ['{"store":["example_corp"]}', { store: 'other' }, false],
    ['{"store":[{"prefix":"ex"}]}', { store: 'example' }, true],
    ['{"store":[{"anything-but":["a","b"]}]}', { store: 'c' }, true],
    ['{"store":[{"anything-but":["a","b"]}]}', { store: 'a' }, false],
    ['{"store":[{"anything-but":["a"]}]}', {}, false],
    ['{"price":[{"numeric":[">",0,"<=",100]}]}', { price: 50 }, true],
    ['{"price":[{"numeric":[">",0,"<=",100]}]}', { price: 150 }, false],
    ['{"price":[{"numeric":["=",5]}]}', { price: '5' }, false],
    ['{"coupon":[{"exists":false}]}', { store: 'x' }, true],
    ['{"coupon":[{"exists":false}]}', {}, false],
    ['{"coupon":[{"exists":true}]}', {}, false],
    ['{"a":["x"],"b":["y"]}', { a: 'x' }, false],
  ];
  for (const [policy, attributes, delivered] of cases) {
    it(`${policy} ${delivered ? 'delivers' : 'filters out'} ${JSON.stringify(attributes)}`, async () => {
      const { sqs } = setup();
      const sns = simSns(sqs.sim, sqs);
      const { TopicArn } = await sns.createTopic({ Name: 't' });
      const { QueueUrl } = await sqs.createQueue({ QueueName: 'q' });
      await sns.subscribe({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: sqs.queueArn(QueueUrl),
        Attributes: { FilterPolicy: policy, RawMessageDelivery: 'true' },
      });
      const MessageAttributes = Object.fromEntries(
        Object.entries(attributes).map(([k, v]) => [
          k,
          typeof v === 'number'
            ? { DataType: 'Number', StringValue: String(v) }
            : { DataType: 'String', StringValue: v },
        ]),
      );
      await sns.publish({ TopicArn, Message: 'm', MessageAttributes });
      expect(sqs.inspect(QueueUrl).messages.length).toBe(delivered ? 1 : 0);
    });
  }

  it('matches the JSON body with FilterPolicyScope MessageBody', async () => {
    const { sqs } = setup();
    const sns = simSns(sqs.sim, sqs);
    const { TopicArn } = await sns.createTopic({ Name: 't' });
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'q' });
    await sns.subscribe({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: sqs.queueArn(QueueUrl),
      Attributes: {
        FilterPolicy: '{"order":{"status":["paid"]}}',
        FilterPolicyScope: 'MessageBody',
        RawMessageDelivery: 'true',
      },
    });
    await sns.publish({ TopicArn, Message: '{"order":{"status":"paid"}}' });
    await sns.publish({ TopicArn, Message: '{"order":{"status":"created"}}' });
    await sns.publish({ TopicArn, Message: 'not json' });
    expect(sqs.inspect(QueueUrl).messages.map((m) => m.Body)).toEqual(['{"order":{"status":"paid"}}']);
  });

  it('rejects an invalid filter policy and unknown topics', async () => {
    const { sqs } = setup();
    const sns = simSns(sqs.sim, sqs);
    const { TopicArn } = await sns.createTopic({ Name: 't' });
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'q' });
    await expect(
      sns.subscribe({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: sqs.queueArn(QueueUrl),
        Attributes: { FilterPolicy: '{"a":"x"}' },
      }),
    ).rejects.toMatchObject({ name: 'InvalidParameter' });
    await expect(
      sns.publish({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:nope', Message: 'x' }),
    ).rejects.toMatchObject({ code: 'SIM_UNKNOWN_TARGET' });
  });
});
