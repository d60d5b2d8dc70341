import { describe, expect, it } from 'vitest';
import { sqsBehaviour, sqsSimDriver, type SqsDriver } from '../../public/sim.js';

describe('SQS behavioural suite on the simulator', () => {
  for (const { rule, run } of sqsBehaviour) {
    it(rule, async () => {
      await run(sqsSimDriver());
    });
  }

  it('covers the four SQS rows of the seed strategy', () => {
    expect(new Set(sqsBehaviour.map((r) => r.seedRow).filter(Boolean))).toEqual(
      new Set(['visibility timeout', 'FIFO ordering', 'deduplication', 'batch processing']),
    );
  });
});

/** A driver with one deliberate defect, to prove the rules can fail. */
const broken = (change: (d: SqsDriver) => Partial<SqsDriver>): SqsDriver => {
  const d = sqsSimDriver();
  return { ...d, ...change(d) };
};
const ruleNamed = (name: string) => {
  const found = sqsBehaviour.find((r) => r.rule === name);
  if (!found) throw new Error(`no rule '${name}'`);
  return found.run;
};

describe('the rules catch a wrong model', () => {
  it('visibility timeout: a broker that deletes on receive fails it', async () => {
    const run = ruleNamed('a received message is invisible until the visibility timeout, then reappears');
    await expect(
      run(
        broken((d) => ({
          receive: async (url, o) => {
            const got = await d.receive(url, o);
            for (const m of got) await d.delete(url, m.receiptHandle);
            return got;
          },
        })),
      ),
    ).rejects.toThrow(/reappears/);
  });

  it('FIFO blocking: a FIFO queue that does not block the group fails it', async () => {
    const run = ruleNamed('a FIFO group is blocked while its message is in flight');
    await expect(
      run(
        broken((d) => ({
          receive: async (url, o) => {
            const got = await d.receive(url, o);
            for (const m of got) await d.changeVisibility(url, m.receiptHandle, 0);
            return got;
          },
        })),
      ),
    ).rejects.toThrow(/in flight/);
  });

  it('FIFO ordering: a broker that reverses batches fails it', async () => {
    const run = ruleNamed('FIFO keeps order within a message group');
    await expect(
      run(broken((d) => ({ receive: async (url, o) => (await d.receive(url, o)).reverse() }))),
    ).rejects.toThrow();
  });

  it('deduplication: a broker that ignores the deduplication id fails it', async () => {
    const run = ruleNamed('a duplicate MessageDeduplicationId within 5 minutes is dropped');
    let n = 0;
    await expect(
      run(
        broken((d) => ({
          send: (url, body, o) =>
            d.send(url, body, { ...o, deduplicationId: `${o?.deduplicationId}-${n++}` }),
        })),
      ),
    ).rejects.toThrow(/original MessageId/);
  });

  it('batch: a broker that reports every entry successful fails it', async () => {
    const run = ruleNamed('batch send reports per-entry success and failure');
    await expect(
      run(
        broken(() => ({
          sendBatch: (_url, entries) => Promise.resolve({ successful: entries.map((e) => e.id), failed: [] }),
        })),
      ),
    ).rejects.toThrow();
  });

  it('dead letter: a queue without its redrive policy fails it', async () => {
    const run = ruleNamed('after maxReceiveCount receives the message moves to the dead-letter queue');
    await expect(
      run(
        broken((d) => ({
          createQueue: (name, attributes) => d.createQueue(name, { ...attributes, RedrivePolicy: '' }),
        })),
      ),
    ).rejects.toThrow();
  });

  it('SNS filter: a subscription that ignores its filter policy fails it', async () => {
    const run = ruleNamed('an SNS filter policy delivers only matching messages');
    await expect(
      run(
        broken((d) => ({
          subscribe: (topic, queue, attributes) =>
            d.subscribe(topic, queue, { ...attributes, FilterPolicy: undefined as unknown as string }),
        })),
      ),
    ).rejects.toThrow();
  });
});
