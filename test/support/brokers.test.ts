import { describe, expect, it } from 'vitest';
import { brokersRequired, brokerUnderTest } from './brokers.js';

describe('brokerUnderTest', () => {
  it('reports the local default as available when it answers', async () => {
    const seen: string[] = [];
    const broker = await brokerUnderTest('kafka', {}, (url) => (seen.push(url), Promise.resolve(true)));
    expect(broker).toMatchObject({ available: true, url: '127.0.0.1:9092', reason: undefined });
    expect(seen).toEqual(['127.0.0.1:9092']);
  });

  it('prefers EVENTPROOF_<BROKER>_URL over the local default', async () => {
    const broker = await brokerUnderTest('sqs', { EVENTPROOF_SQS_URL: 'http://queue.test:4566' }, () =>
      Promise.resolve(true),
    );
    expect(broker.url).toBe('http://queue.test:4566');
  });

  it('gives one line saying how to start a missing broker', async () => {
    const broker = await brokerUnderTest('kafka', {}, () => Promise.resolve(false));
    expect(broker.available).toBe(false);
    expect(broker.reason).toBe(
      'kafka: nothing answers on 127.0.0.1:9092 — start it with `bash scripts/brokers.sh start kafka` or set EVENTPROOF_KAFKA_URL',
    );
  });

  it('never puts a password in the skip line', async () => {
    const broker = await brokerUnderTest(
      'rabbitmq',
      { EVENTPROOF_RABBITMQ_URL: 'amqp://admin:s3cret@mq.test:5672' },
      () => Promise.resolve(false),
    );
    expect(broker.reason).toContain('mq.test:5672');
    expect(broker.reason).not.toContain('s3cret');
  });

  it('really fails fast on a closed local port', async () => {
    const started = performance.now();
    const broker = await brokerUnderTest('kafka', { EVENTPROOF_KAFKA_URL: '127.0.0.1:1' });
    expect(broker.available).toBe(false);
    expect(performance.now() - started).toBeLessThan(400);
  });
});

describe('brokersRequired', () => {
  it('is on only when EVENTPROOF_REQUIRE_BROKERS is 1 or true', () => {
    expect(brokersRequired({ EVENTPROOF_REQUIRE_BROKERS: '1' })).toBe(true);
    expect(brokersRequired({ EVENTPROOF_REQUIRE_BROKERS: 'true' })).toBe(true);
    expect(brokersRequired({ EVENTPROOF_REQUIRE_BROKERS: '0' })).toBe(false);
    expect(brokersRequired({})).toBe(false);
  });
});
