import assert from 'node:assert/strict';
import type { FaultSpec } from '../faults.js';
import { createSimulation, type Simulation } from '../world.js';
import type { SimSqsOptions } from './options.js';
import { simSns, type SimSns } from './sns.js';
import { simSqs, type SimSqs } from './sqs.js';

/**
 * A received message as the behavioural rules see it.
 *
 * @example
 * ```ts
 * const [message] = await driver.receive(url, { waitSeconds: 1 });
 * await driver.delete(url, message!.receiptHandle);
 * ```
 */
export interface ReceivedSqsMessage {
  readonly body: string;
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly receiveCount: number;
  readonly groupId?: string | undefined;
}

/**
 * The outcome of a batch call: ids of the entries that succeeded and of those that failed, with the AWS code.
 *
 * @example
 * ```ts
 * const { successful, failed } = await driver.sendBatch(url, [{ id: 'a', body: 'x' }]);
 * ```
 */
export interface BatchOutcome {
  readonly successful: readonly string[];
  readonly failed: readonly { readonly id: string; readonly code: string }[];
}

/**
 * What the SQS behavioural rules need from a broker. The simulator implements it (`sqsSimDriver`); the
 * real-broker issue implements it over `@aws-sdk/client-sqs` against SQS or ElasticMQ and runs the
 * very same rules. Times are in seconds, as SQS takes them; `wait` lets real or virtual time pass.
 *
 * @example
 * ```ts
 * for (const { rule, run } of sqsBehaviour) test(rule, () => run(sqsSimDriver()));
 * ```
 */
export interface SqsDriver {
  /** Creates a queue isolated for this rule (a real driver may add a unique suffix); returns its URL. */
  createQueue(name: string, attributes?: Record<string, string>): Promise<string>;
  queueArn(queueUrl: string): Promise<string>;
  send(
    queueUrl: string,
    body: string,
    options?: {
      groupId?: string;
      deduplicationId?: string;
      delaySeconds?: number;
      attributes?: Record<string, string>;
    },
  ): Promise<string>;
  /** Sends after `seconds`, without waiting for it. */
  sendLater(queueUrl: string, body: string, seconds: number): void;
  sendBatch(
    queueUrl: string,
    entries: readonly { id: string; body: string; groupId?: string; deduplicationId?: string }[],
  ): Promise<BatchOutcome>;
  receive(
    queueUrl: string,
    options?: { max?: number; waitSeconds?: number; visibilityTimeout?: number },
  ): Promise<ReceivedSqsMessage[]>;
  delete(queueUrl: string, receiptHandle: string): Promise<void>;
  deleteBatch(
    queueUrl: string,
    entries: readonly { id: string; receiptHandle: string }[],
  ): Promise<BatchOutcome>;
  changeVisibility(queueUrl: string, receiptHandle: string, seconds: number): Promise<void>;
  counts(queueUrl: string): Promise<{ visible: number; inFlight: number; delayed: number }>;
  createTopic(name: string): Promise<string>;
  subscribe(topicArn: string, queueArn: string, attributes?: Record<string, string>): Promise<void>;
  publish(topicArn: string, message: string, attributes?: Record<string, string>): Promise<void>;
  /** Lets `seconds` pass (virtual time in the simulator, real time against a broker). */
  wait(seconds: number): Promise<void>;
  /** Milliseconds on the driver's clock. */
  now(): number;
  /** Waits until the broker is quiet (simulator: run until idle; a real broker: its facts settle). */
  settle(): Promise<void>;
}

/**
 * One rule of SQS's behaviour, runnable against any driver.
 *
 * @example
 * ```ts
 * const rule: SqsBehaviourRule = { rule: 'a deleted message does not reappear', run: async (driver) => {} };
 * ```
 */
export interface SqsBehaviourRule {
  readonly rule: string;
  /** The seed strategy's queue-type row this rule covers, when it is one. */
  readonly seedRow?: 'visibility timeout' | 'FIFO ordering' | 'deduplication' | 'batch processing';
  /** Why the rule runs on the simulator only; a real-broker run leaves it out. */
  readonly simOnly?: string;
  readonly run: (driver: SqsDriver) => Promise<void>;
}

/** Receives until `count` messages arrived or `attempts` receives came back short (SQS may return fewer). */
async function receiveAll(
  d: SqsDriver,
  url: string,
  count: number,
  options: { deleteEach?: boolean; attempts?: number } = {},
): Promise<ReceivedSqsMessage[]> {
  const got: ReceivedSqsMessage[] = [];
  for (let attempt = 0; got.length < count && attempt < (options.attempts ?? 20); attempt++) {
    const batch = await d.receive(url, { max: Math.min(10, count - got.length), waitSeconds: 1 });
    for (const message of batch) {
      got.push(message);
      if (options.deleteEach) await d.delete(url, message.receiptHandle);
    }
  }
  return got;
}

const bodies = (messages: readonly ReceivedSqsMessage[]) => messages.map((m) => m.body);

/**
 * Where ElasticMQ (the project's local SQS) names an error differently from AWS, both names are
 * accepted: the rule is about the rejection, and the simulator follows AWS.
 */
const ELASTICMQ_NAMES: Record<string, string> = {
  InvalidParameterValue: 'InvalidAttributeValue',
  InvalidMessageContents: 'InvalidAttributeValue',
};
const isCode = (actual: string | undefined, code: string) =>
  actual === code || (actual !== undefined && actual === ELASTICMQ_NAMES[code]);

async function rejects(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    const e = error as { name?: string; awsCode?: string; Code?: string };
    assert.ok(
      [e.name, e.awsCode, e.Code].some((name) => isCode(name, code)),
      `expected AWS error ${code}, got ${String(e.name)}: ${String((error as Error).message)}`,
    );
    return true;
  });
}

const fifo = (extra: Record<string, string> = {}) => ({ FifoQueue: 'true', ...extra });

/**
 * SQS's rules, stated as runnable checks (issue 3 item 7) including the seed's four SQS rows
 * (visibility timeout, FIFO ordering, deduplication, batch processing). Times are short so the same
 * rules can run against a real broker.
 *
 * @example
 * ```ts
 * import { sqsBehaviour, sqsSimDriver } from 'eventproof/sim';
 * for (const { rule, run } of sqsBehaviour) it(rule, () => run(sqsSimDriver()));
 * ```
 */
export const sqsBehaviour: readonly SqsBehaviourRule[] = [
  {
    rule: 'a received message is invisible until the visibility timeout, then reappears',
    seedRow: 'visibility timeout',
    run: async (d) => {
      const url = await d.createQueue('visibility', { VisibilityTimeout: '2' });
      await d.send(url, 'a');
      const [first] = await receiveAll(d, url, 1);
      assert.equal(first?.body, 'a');
      assert.deepEqual(
        bodies(await d.receive(url, { waitSeconds: 1 })),
        [],
        'a message in flight is not received again',
      );
      await d.wait(2);
      const [again] = await receiveAll(d, url, 1);
      assert.equal(again?.body, 'a', 'the message reappears after the visibility timeout');
      assert.equal(again?.receiveCount, 2);
      assert.notEqual(again?.receiptHandle, first?.receiptHandle, 'each receive gets a new receipt handle');
    },
  },
  {
    rule: 'ChangeMessageVisibility(0) makes a message visible at once',
    run: async (d) => {
      const url = await d.createQueue('visibility-zero', { VisibilityTimeout: '60' });
      await d.send(url, 'a');
      const [first] = await receiveAll(d, url, 1);
      await d.changeVisibility(url, first!.receiptHandle, 0);
      const [again] = await receiveAll(d, url, 1);
      assert.equal(again?.body, 'a');
    },
  },
  {
    rule: 'a deleted message does not reappear',
    run: async (d) => {
      const url = await d.createQueue('deleted', { VisibilityTimeout: '1' });
      await d.send(url, 'a');
      const [first] = await receiveAll(d, url, 1);
      await d.delete(url, first!.receiptHandle);
      await d.wait(2);
      assert.deepEqual(bodies(await d.receive(url, { waitSeconds: 1 })), []);
      assert.deepEqual(await d.counts(url), { visible: 0, inFlight: 0, delayed: 0 });
    },
  },
  {
    rule: 'FIFO keeps order within a message group',
    seedRow: 'FIFO ordering',
    run: async (d) => {
      const url = await d.createQueue('ordering.fifo', fifo({ ContentBasedDeduplication: 'true' }));
      for (let i = 1; i <= 5; i++) {
        await d.send(url, `a${i}`, { groupId: 'a' });
        await d.send(url, `b${i}`, { groupId: 'b' });
      }
      const got = await receiveAll(d, url, 10, { deleteEach: true });
      assert.deepEqual(bodies(got.filter((m) => m.groupId === 'a')), ['a1', 'a2', 'a3', 'a4', 'a5']);
      assert.deepEqual(bodies(got.filter((m) => m.groupId === 'b')), ['b1', 'b2', 'b3', 'b4', 'b5']);
    },
  },
  {
    rule: 'a FIFO group is blocked while its message is in flight',
    run: async (d) => {
      const url = await d.createQueue(
        'blocked.fifo',
        fifo({ ContentBasedDeduplication: 'true', VisibilityTimeout: '30' }),
      );
      await d.send(url, 'first', { groupId: 'g' });
      await d.send(url, 'second', { groupId: 'g' });
      const [first] = await d.receive(url, { max: 1, waitSeconds: 1 });
      assert.equal(first?.body, 'first');
      assert.deepEqual(
        bodies(await d.receive(url, { max: 10, waitSeconds: 1 })),
        [],
        'nothing of the group while its first message is in flight',
      );
      await d.delete(url, first.receiptHandle);
      const [second] = await receiveAll(d, url, 1);
      assert.equal(second?.body, 'second');
    },
  },
  {
    rule: 'an in-flight FIFO group does not block other groups',
    run: async (d) => {
      const url = await d.createQueue('groups.fifo', fifo({ ContentBasedDeduplication: 'true' }));
      await d.send(url, 'g1-first', { groupId: 'g1' });
      await d.send(url, 'g1-second', { groupId: 'g1' });
      await d.send(url, 'g2-first', { groupId: 'g2' });
      const [first] = await d.receive(url, { max: 1, waitSeconds: 1 });
      assert.equal(first?.body, 'g1-first');
      const rest = await receiveAll(d, url, 1);
      assert.deepEqual(bodies(rest), ['g2-first']);
    },
  },
  {
    rule: 'a duplicate MessageDeduplicationId within 5 minutes is dropped',
    seedRow: 'deduplication',
    run: async (d) => {
      const url = await d.createQueue('dedup.fifo', fifo());
      const id1 = await d.send(url, 'original', { groupId: 'g', deduplicationId: 'order-1' });
      const id2 = await d.send(url, 'retry', { groupId: 'g', deduplicationId: 'order-1' });
      assert.equal(id2, id1, 'the deduplicated send returns the original MessageId');
      const got = await receiveAll(d, url, 2, { deleteEach: true, attempts: 3 });
      assert.deepEqual(bodies(got), ['original']);
    },
  },
  {
    rule: 'content-based deduplication drops a message whose body was sent within 5 minutes',
    run: async (d) => {
      const url = await d.createQueue('content.fifo', fifo({ ContentBasedDeduplication: 'true' }));
      await d.send(url, '{"orderId":"1"}', { groupId: 'g' });
      await d.send(url, '{"orderId":"1"}', { groupId: 'g' });
      await d.send(url, '{"orderId":"2"}', { groupId: 'g' });
      const got = await receiveAll(d, url, 3, { deleteEach: true, attempts: 3 });
      assert.deepEqual(bodies(got), ['{"orderId":"1"}', '{"orderId":"2"}']);
    },
  },
  {
    rule: 'after maxReceiveCount receives the message moves to the dead-letter queue',
    run: async (d) => {
      const dlq = await d.createQueue('poison-dlq');
      const url = await d.createQueue('poison', {
        VisibilityTimeout: '1',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await d.queueArn(dlq), maxReceiveCount: 2 }),
      });
      await d.send(url, 'poison');
      for (let receive = 1; receive <= 2; receive++) {
        const [message] = await receiveAll(d, url, 1);
        assert.equal(message?.receiveCount, receive);
        await d.wait(2);
      }
      assert.deepEqual(
        bodies(await d.receive(url, { waitSeconds: 1 })),
        [],
        'the third receive finds it moved',
      );
      const [dead] = await receiveAll(d, dlq, 1);
      assert.equal(dead?.body, 'poison');
    },
  },
  {
    rule: 'a delayed message is invisible until its delay has passed',
    run: async (d) => {
      const url = await d.createQueue('delayed');
      await d.send(url, 'later', { delaySeconds: 2 });
      assert.deepEqual(bodies(await d.receive(url)), []);
      assert.equal((await d.counts(url)).delayed, 1);
      await d.wait(2);
      assert.deepEqual(bodies(await receiveAll(d, url, 1)), ['later']);
    },
  },
  {
    rule: "a queue's DelaySeconds delays every message",
    run: async (d) => {
      const url = await d.createQueue('delay-queue', { DelaySeconds: '2' });
      await d.send(url, 'a');
      assert.deepEqual(bodies(await d.receive(url)), []);
      await d.wait(2);
      assert.deepEqual(bodies(await receiveAll(d, url, 1)), ['a']);
    },
  },
  {
    rule: 'per-message DelaySeconds is rejected on a FIFO queue',
    run: async (d) => {
      const url = await d.createQueue('nodelay.fifo', fifo({ ContentBasedDeduplication: 'true' }));
      await rejects(d.send(url, 'a', { groupId: 'g', delaySeconds: 5 }), 'InvalidParameterValue');
    },
  },
  {
    rule: 'a FIFO queue rejects a message without MessageGroupId',
    run: async (d) => {
      const url = await d.createQueue('nogroup.fifo', fifo({ ContentBasedDeduplication: 'true' }));
      await rejects(d.send(url, 'a'), 'MissingParameter');
    },
  },
  {
    rule: 'batch send reports per-entry success and failure',
    seedRow: 'batch processing',
    run: async (d) => {
      const url = await d.createQueue('batch-send');
      const outcome = await d.sendBatch(url, [
        { id: 'ok-1', body: 'one' },
        { id: 'bad', body: 'nul \u0000 is not allowed' },
        { id: 'ok-2', body: 'two' },
      ]);
      assert.deepEqual([...outcome.successful].sort(), ['ok-1', 'ok-2']);
      assert.deepEqual(
        outcome.failed.map((f) => f.id),
        ['bad'],
      );
      assert.ok(
        isCode(outcome.failed[0]?.code, 'InvalidMessageContents'),
        `failed with ${String(outcome.failed[0]?.code)}`,
      );
      assert.deepEqual(bodies(await receiveAll(d, url, 2)).sort(), ['one', 'two']);
    },
  },
  {
    rule: "batch delete reports per-entry results and a failed entry's message reappears",
    seedRow: 'batch processing',
    run: async (d) => {
      const url = await d.createQueue('batch-delete', { VisibilityTimeout: '2' });
      for (const body of ['a', 'b', 'c']) await d.send(url, body);
      const got = await receiveAll(d, url, 3);
      assert.equal(got.length, 3);
      const processed = got.filter((m) => m.body !== 'c');
      const outcome = await d.deleteBatch(url, [
        ...processed.map((m, i) => ({ id: `e${i}`, receiptHandle: m.receiptHandle })),
        { id: 'broken', receiptHandle: 'not-a-handle' },
      ]);
      assert.deepEqual([...outcome.successful].sort(), ['e0', 'e1']);
      assert.deepEqual(outcome.failed, [{ id: 'broken', code: 'ReceiptHandleIsInvalid' }]);
      await d.wait(2);
      assert.deepEqual(
        bodies(await receiveAll(d, url, 1)),
        ['c'],
        'the message that was not deleted comes back',
      );
    },
  },
  {
    rule: 'a batch of more than 10 entries or with repeated ids is rejected as a whole',
    run: async (d) => {
      const url = await d.createQueue('batch-limits');
      await rejects(
        d.sendBatch(
          url,
          Array.from({ length: 11 }, (_, i) => ({ id: `m${i}`, body: 'x' })),
        ),
        'TooManyEntriesInBatchRequest',
      );
      await rejects(
        d.sendBatch(url, [
          { id: 'same', body: 'a' },
          { id: 'same', body: 'b' },
        ]),
        'BatchEntryIdsNotDistinct',
      );
      assert.deepEqual(await d.counts(url), { visible: 0, inFlight: 0, delayed: 0 });
    },
  },
  {
    rule: 'long polling waits for a message to arrive',
    run: async (d) => {
      const url = await d.createQueue('long-poll');
      const started = d.now();
      d.sendLater(url, 'arrives', 2);
      const got = await d.receive(url, { waitSeconds: 10 });
      assert.deepEqual(bodies(got), ['arrives']);
      assert.ok(
        d.now() - started >= 1_900,
        `the receive returned when the message arrived, after ${d.now() - started}ms`,
      );
      assert.ok(d.now() - started < 9_000, 'and not at the end of the wait');
    },
  },
  {
    rule: 'long polling on an empty queue returns nothing when the wait ends',
    run: async (d) => {
      const url = await d.createQueue('long-poll-empty');
      const started = d.now();
      assert.deepEqual(await d.receive(url, { waitSeconds: 2 }), []);
      assert.ok(d.now() - started >= 1_900, `it waited ${d.now() - started}ms`);
    },
  },
  {
    rule: 'a receive returns at most MaxNumberOfMessages',
    run: async (d) => {
      const url = await d.createQueue('max-messages');
      for (let i = 0; i < 5; i++) await d.send(url, `m${i}`);
      assert.ok((await d.receive(url, { max: 2, waitSeconds: 1 })).length <= 2);
      await rejects(d.receive(url, { max: 11 }), 'InvalidParameterValue');
    },
  },
  {
    rule: 'queue attributes count visible, in-flight and delayed messages',
    run: async (d) => {
      const url = await d.createQueue('counts', { VisibilityTimeout: '30' });
      await d.send(url, 'visible');
      await d.send(url, 'in-flight');
      await d.send(url, 'delayed', { delaySeconds: 60 });
      const [received] = await receiveAll(d, url, 1);
      assert.ok(received);
      assert.deepEqual(await d.counts(url), { visible: 1, inFlight: 1, delayed: 1 });
    },
  },
  {
    rule: 'an SNS filter policy delivers only matching messages',
    simOnly:
      'needs SNS, which ElasticMQ (the local SQS) does not provide and the SQS broker driver does not speak',
    run: async (d) => {
      const topic = await d.createTopic('orders');
      const created = await d.createQueue('only-created');
      const all = await d.createQueue('all-orders');
      await d.subscribe(topic, await d.queueArn(created), {
        FilterPolicy: JSON.stringify({ type: ['OrderCreated'] }),
        RawMessageDelivery: 'true',
      });
      await d.subscribe(topic, await d.queueArn(all), { RawMessageDelivery: 'true' });
      await d.publish(topic, 'created', { type: 'OrderCreated' });
      await d.publish(topic, 'shipped', { type: 'OrderShipped' });
      await d.settle();
      assert.deepEqual(bodies(await receiveAll(d, all, 2)).sort(), ['created', 'shipped']);
      assert.deepEqual(bodies(await receiveAll(d, created, 2, { attempts: 3 })), ['created']);
    },
  },
  {
    rule: 'SNS without raw delivery wraps the message in its JSON envelope',
    simOnly:
      'needs SNS, which ElasticMQ (the local SQS) does not provide and the SQS broker driver does not speak',
    run: async (d) => {
      const topic = await d.createTopic('envelope');
      const url = await d.createQueue('enveloped');
      await d.subscribe(topic, await d.queueArn(url));
      await d.publish(topic, 'hello', { type: 'Greeting' });
      await d.settle();
      const [message] = await receiveAll(d, url, 1);
      const envelope = JSON.parse(message!.body) as {
        Type: string;
        Message: string;
        TopicArn: string;
        MessageAttributes: Record<string, { Type: string; Value: string }>;
      };
      assert.equal(envelope.Type, 'Notification');
      assert.equal(envelope.Message, 'hello');
      assert.equal(envelope.TopicArn, topic);
      assert.deepEqual(envelope.MessageAttributes.type, { Type: 'String', Value: 'Greeting' });
    },
  },
];

/**
 * The simulator's driver, with the model objects for assertions beside the rules.
 *
 * @example
 * ```ts
 * const driver = sqsSimDriver();
 * await driver.createQueue('orders');
 * expect(driver.sim.ledger.count()).toBe(0);
 * ```
 */
export interface SqsSimDriver extends SqsDriver {
  readonly sim: Simulation;
  readonly sqs: SimSqs;
  readonly sns: SimSns;
}

/**
 * The behavioural suite's driver over the simulator. Standard-queue anomalies default to off here
 * (the rules state what SQS guarantees, not what it may do); faults and rates can be passed in.
 *
 * @example
 * ```ts
 * const driver = sqsSimDriver({ seed: 3 });
 * await sqsBehaviour[0]!.run(driver);
 * ```
 */
export function sqsSimDriver(
  options: { seed?: number; sqs?: SimSqsOptions; faults?: readonly FaultSpec[] } = {},
): SqsSimDriver {
  const sim = createSimulation({ seed: options.seed ?? 1, faults: options.faults });
  const sqs = simSqs(sim, {
    ...options.sqs,
    standard: { duplicateRate: 0, reorderRate: 0, shortPollPartialRate: 0, ...options.sqs?.standard },
  });
  const sns = simSns(sim, sqs);
  /** Runs the world until `promise` settles (or it can do nothing more), then returns it. */
  const drive = async <T>(promise: Promise<T>): Promise<T> => {
    let settled = false;
    void promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    await Promise.resolve();
    while (!settled) {
      const result = await sim.run({ maxSteps: 1 });
      if (result.steps === 0) break;
    }
    if (!settled)
      throw new Error(
        '[eventproof] Failed to drive the simulation: the call never completed and nothing is left to run. A receive without WaitTimeSeconds should return at once; report this as a bug.',
      );
    return promise;
  };
  const toAttributes = (attributes: Record<string, string> | undefined) =>
    attributes === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
        );
  const outcome = (result: {
    Successful: { Id: string }[];
    Failed: { Id: string; Code: string }[];
  }): BatchOutcome => ({
    successful: result.Successful.map((s) => s.Id),
    failed: result.Failed.map((f) => ({ id: f.Id, code: f.Code })),
  });
  return {
    sim,
    sqs,
    sns,
    createQueue: async (name, attributes) =>
      (await sqs.createQueue({ QueueName: name, Attributes: attributes })).QueueUrl,
    queueArn: (url) => Promise.resolve(sqs.queueArn(url)),
    send: async (url, body, o = {}) =>
      (
        await sqs.sendMessage({
          QueueUrl: url,
          MessageBody: body,
          MessageGroupId: o.groupId,
          MessageDeduplicationId: o.deduplicationId,
          DelaySeconds: o.delaySeconds,
          MessageAttributes: toAttributes(o.attributes),
        })
      ).MessageId,
    sendLater: (url, body, seconds) => {
      sim.schedule(seconds * 1000, 'driver sendLater', () =>
        sqs.sendMessage({ QueueUrl: url, MessageBody: body }),
      );
    },
    sendBatch: async (url, entries) =>
      outcome(
        await sqs.sendMessageBatch({
          QueueUrl: url,
          Entries: entries.map((e) => ({
            Id: e.id,
            MessageBody: e.body,
            MessageGroupId: e.groupId,
            MessageDeduplicationId: e.deduplicationId,
          })),
        }),
      ),
    receive: async (url, o = {}) => {
      const output = await drive(
        sqs.receiveMessage({
          QueueUrl: url,
          MaxNumberOfMessages: o.max,
          WaitTimeSeconds: o.waitSeconds ?? 0,
          VisibilityTimeout: o.visibilityTimeout,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'MessageGroupId'],
        }),
      );
      return (output.Messages ?? []).map((m) => ({
        body: m.Body,
        messageId: m.MessageId,
        receiptHandle: m.ReceiptHandle,
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
        groupId: m.Attributes?.MessageGroupId,
      }));
    },
    delete: async (url, handle) => void (await sqs.deleteMessage({ QueueUrl: url, ReceiptHandle: handle })),
    deleteBatch: async (url, entries) =>
      outcome(
        await sqs.deleteMessageBatch({
          QueueUrl: url,
          Entries: entries.map((e) => ({ Id: e.id, ReceiptHandle: e.receiptHandle })),
        }),
      ),
    changeVisibility: async (url, handle, seconds) =>
      void (await sqs.changeMessageVisibility({
        QueueUrl: url,
        ReceiptHandle: handle,
        VisibilityTimeout: seconds,
      })),
    counts: async (url) => {
      const { Attributes } = await sqs.getQueueAttributes({
        QueueUrl: url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      });
      return {
        visible: Number(Attributes.ApproximateNumberOfMessages),
        inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
        delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed),
      };
    },
    createTopic: async (name) => (await sns.createTopic({ Name: name })).TopicArn,
    subscribe: async (topicArn, queueArn, attributes) =>
      void (await sns.subscribe({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queueArn,
        Attributes: attributes,
      })),
    publish: async (topicArn, message, attributes) =>
      void (await sns.publish({
        TopicArn: topicArn,
        Message: message,
        MessageAttributes: toAttributes(attributes),
      })),
    wait: async (seconds) => void (await sim.advance(seconds * 1000)),
    now: () => sim.now(),
    settle: async () => void (await sim.runUntilIdle({ maxSteps: 100_000 })),
  };
}
