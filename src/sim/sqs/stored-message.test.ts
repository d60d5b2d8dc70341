import { describe, expect, it } from 'vitest';
import { createSimulation, simSqs } from '../../public/sim.js';

// A stored message keeps its rare fields (FIFO ids, attributes, digests, a copy's original, a dead
// letter's source, the first receive's time) out of line; these pin what a receive reports of them.

const quiet = { standard: { duplicateRate: 0, reorderRate: 0, shortPollPartialRate: 0 } };

describe('SQS stored messages: what a receive reports', () => {
  it('keeps the first receive time across redeliveries, with the sent time and the receive count', async () => {
    const sim = createSimulation({ seed: 3 });
    const sqs = simSqs(sim, quiet);
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'q', Attributes: { VisibilityTimeout: '5' } });
    await sim.advance(1_000);
    await sqs.sendMessage({ QueueUrl, MessageBody: 'a' });
    const seen: Record<string, string>[] = [];
    for (let i = 0; i < 3; i++) {
      await sim.advance(2_000);
      const { Messages } = await sqs.receiveMessage({ QueueUrl, MessageSystemAttributeNames: ['All'] });
      seen.push(Messages![0]!.Attributes!);
      await sim.advance(6_000); // past the visibility timeout: it comes back
    }
    expect(
      seen.map((a) => [
        a['SentTimestamp'],
        a['ApproximateReceiveCount'],
        a['ApproximateFirstReceiveTimestamp'],
      ]),
    ).toEqual([
      ['1000', '1', '3000'],
      ['1000', '2', '3000'],
      ['1000', '3', '3000'],
    ]);
  });

  it('a dead letter keeps its receive count, first receive and sent time, and names its source', async () => {
    const sim = createSimulation({ seed: 3 });
    const sqs = simSqs(sim, quiet);
    const dlq = await sqs.createQueue({ QueueName: 'dlq' });
    const deadLetterTargetArn = sqs.queueArn(dlq.QueueUrl);
    const { QueueUrl } = await sqs.createQueue({
      QueueName: 'q',
      Attributes: {
        VisibilityTimeout: '1',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn, maxReceiveCount: 2 }),
      },
    });
    await sqs.sendMessage({
      QueueUrl,
      MessageBody: 'poison',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'x' } },
    });
    for (let i = 0; i < 3; i++) {
      await sim.advance(500);
      await sqs.receiveMessage({ QueueUrl }); // the third receive moves it
      await sim.advance(1_000);
    }
    const { Messages } = await sqs.receiveMessage({
      QueueUrl: dlq.QueueUrl,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    });
    const m = Messages![0]!;
    expect(m.Body).toBe('poison');
    expect(m.MD5OfBody).toBe('35393c24384b8862798716628f7bc6f4');
    expect(m.MessageAttributes).toEqual({ kind: { DataType: 'String', StringValue: 'x' } });
    expect(m.Attributes).toMatchObject({
      SentTimestamp: '0',
      ApproximateReceiveCount: '3',
      ApproximateFirstReceiveTimestamp: '500',
      DeadLetterQueueSourceArn: sqs.queueArn(QueueUrl),
    });
    expect(sim.ledger.all().map((e) => [e.fate, e.deliveries])).toEqual([['in-flight', 3]]);
  });

  it('a duplicate copy reports the original first receive and counts on the original ledger entry', async () => {
    const sim = createSimulation({ seed: 3 });
    const sqs = simSqs(sim, { standard: { duplicateRate: 1, reorderRate: 0, shortPollPartialRate: 0 } });
    const { QueueUrl } = await sqs.createQueue({ QueueName: 'q' });
    const sent = await sqs.sendMessage({ QueueUrl, MessageBody: 'twice' });
    expect(sent.MD5OfMessageBody).toBe('acab8a08d87398bb78bcb3aa85d07336');
    await sim.advance(700);
    const first = (await sqs.receiveMessage({ QueueUrl, MessageSystemAttributeNames: ['All'] })).Messages!;
    await sim.advance(300);
    const second = (await sqs.receiveMessage({ QueueUrl, MessageSystemAttributeNames: ['All'] })).Messages!;
    expect(first[0]!.MessageId).toBe(sent.MessageId);
    expect(second[0]!.MessageId).toBe(sent.MessageId);
    expect(second[0]!.MD5OfBody).toBe(first[0]!.MD5OfBody);
    expect(second[0]!.Attributes).toMatchObject({
      ApproximateReceiveCount: '2',
      ApproximateFirstReceiveTimestamp: '700',
    });
    expect(sim.ledger.all().map((e) => [e.fate, e.deliveries])).toEqual([['in-flight', 2]]);
  });

  it('reports FIFO ids and a standard message group id', async () => {
    const sim = createSimulation({ seed: 3 });
    const sqs = simSqs(sim, quiet);
    const fifo = await sqs.createQueue({ QueueName: 'q.fifo', Attributes: { FifoQueue: 'true' } });
    const standard = await sqs.createQueue({ QueueName: 'q' });
    const sent = await sqs.sendMessage({
      QueueUrl: fifo.QueueUrl,
      MessageBody: 'f',
      MessageGroupId: 'g1',
      MessageDeduplicationId: 'd1',
    });
    await sqs.sendMessage({ QueueUrl: standard.QueueUrl, MessageBody: 's', MessageGroupId: 'g2' });
    const [f] = (await sqs.receiveMessage({ QueueUrl: fifo.QueueUrl, MessageSystemAttributeNames: ['All'] }))
      .Messages!;
    const [s] = (
      await sqs.receiveMessage({ QueueUrl: standard.QueueUrl, MessageSystemAttributeNames: ['All'] })
    ).Messages!;
    expect(f!.Attributes).toMatchObject({
      SequenceNumber: sent.SequenceNumber,
      MessageGroupId: 'g1',
      MessageDeduplicationId: 'd1',
    });
    expect(s!.Attributes).toMatchObject({ MessageGroupId: 'g2' });
    expect(s!.Attributes).not.toHaveProperty('SequenceNumber');
    expect(sqs.inspect(fifo.QueueUrl).messages.map((m) => m.MessageGroupId)).toEqual(['g1']);
  });
});
