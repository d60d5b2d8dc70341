import { describe, expect, it } from 'vitest';
import { sqsBehaviour } from 'eventproof/sim';
import { sqsDriver } from 'eventproof/sqs';
import { brokerUnderTest, describeWithBroker } from '../support/brokers.js';

const broker = await brokerUnderTest('sqs');

// Rules marked `simOnly` (the SNS rules: ElasticMQ has no SNS) are left out here; the suite states
// each one's reason, and the simulator's run of the suite covers them.
const rules = sqsBehaviour.filter((r) => r.simOnly === undefined);

describeWithBroker(broker, 'SQS behavioural suite against a real broker (ElasticMQ)', () => {
  // Each rule has its own driver and so its own queue prefix: the rules wait in real time (visibility
  // timeouts, delays, long polls), and running them side by side keeps the file to a few seconds.
  describe.concurrent('every rule the simulator passes', () => {
    for (const { rule, run } of rules) {
      it(rule, async () => {
        await using driver = await sqsDriver({ url: broker.url, label: 'rules' });
        await run(driver);
      });
    }
  });

  it('a driver deletes the queues it created when disposed', async () => {
    const driver = await sqsDriver({ url: broker.url, label: 'rules' });
    const url = await driver.createQueue('disposed');
    expect(url).toContain(driver.prefix);
    await driver.dispose();
    await using other = await sqsDriver({ url: broker.url, label: 'rules' });
    await expect(other.counts(url)).rejects.toMatchObject({
      name: expect.stringMatching(/NonExistent|DoesNotExist/),
    });
  });

  it('settle() returns once a sendLater message is on the queue, not before', async () => {
    await using driver = await sqsDriver({ url: broker.url, label: 'rules' });
    const url = await driver.createQueue('settle');
    const started = driver.now();
    driver.sendLater(url, 'late', 1);
    await driver.settle();
    expect(driver.now() - started).toBeGreaterThanOrEqual(950);
    expect(await driver.counts(url)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
  });

  it('settle() reports a sendLater the broker refused', async () => {
    await using driver = await sqsDriver({ url: broker.url, label: 'rules' });
    const url = await driver.createQueue('settle-refused.fifo', { FifoQueue: 'true' });
    // A FIFO queue refuses a message without a group id; sendLater has no caller to tell.
    driver.sendLater(url, 'no group', 0);
    await expect(driver.settle()).rejects.toMatchObject({ name: 'MissingParameter' });
  });

  it('the SQS-only driver refuses SNS with an eventproof error that names the simulator', async () => {
    await using driver = await sqsDriver({ url: broker.url, label: 'rules' });
    await expect(driver.createTopic('orders')).rejects.toThrow(/SQS only.*sqsSimDriver/);
  });
});
