import { describe, expect, it } from 'vitest';
import { BrokerUnavailableError } from './errors.js';
import { resolveEndpoint, type ProvisionChecks } from './provision.js';

/** Checks that answer as told and record what was asked, in order. */
function checks(answers: { reachable?: string[]; docker?: boolean }) {
  const asked: string[] = [];
  const fake: ProvisionChecks = {
    reachable: (url) => (
      asked.push(`reach ${url}`),
      Promise.resolve((answers.reachable ?? []).includes(url))
    ),
    dockerAvailable: () => (asked.push('docker?'), Promise.resolve(answers.docker ?? false)),
    startContainer: (broker) => {
      asked.push(`start ${broker}`);
      return Promise.resolve({
        url: `container-${broker}:1234`,
        stop: () => Promise.resolve(void asked.push('stop')),
      });
    },
  };
  return { fake, asked };
}

describe('resolveEndpoint', () => {
  it('uses the explicit URL first, without looking further', async () => {
    const { fake, asked } = checks({ reachable: ['10.0.0.5:9092', '127.0.0.1:9092'] });
    const found = await resolveEndpoint(
      'kafka',
      { url: '10.0.0.5:9092', env: { EVENTPROOF_KAFKA_URL: 'x:1' } },
      fake,
    );
    expect(found).toMatchObject({ url: '10.0.0.5:9092', source: 'option' });
    expect(asked).toEqual(['reach 10.0.0.5:9092']);
  });

  it('uses EVENTPROOF_<BROKER>_URL when no URL is given', async () => {
    const { fake } = checks({ reachable: ['http://sqs.test:4566'] });
    const found = await resolveEndpoint('sqs', { env: { EVENTPROOF_SQS_URL: 'http://sqs.test:4566' } }, fake);
    expect(found).toMatchObject({ url: 'http://sqs.test:4566', source: 'env' });
  });

  it('never falls back from a named URL that does not answer, and redacts its password', async () => {
    const { fake, asked } = checks({ reachable: ['amqp://guest:guest@127.0.0.1:5672'] });
    const error = await resolveEndpoint(
      'rabbitmq',
      { env: { EVENTPROOF_RABBITMQ_URL: 'amqp://admin:hunter2@mq.test:5672' }, connectTimeoutMs: 200 },
      fake,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    expect((error as BrokerUnavailableError).code).toBe('BROKER_UNAVAILABLE');
    expect((error as Error).message).toMatchInlineSnapshot(
      `"[eventproof] Failed to connect to rabbitmq: nothing answers at amqp://admin:***@mq.test:5672 (from EVENTPROOF_RABBITMQ_URL) within 200 ms. Check the broker is running and the address is right, or unset EVENTPROOF_RABBITMQ_URL to use the local broker."`,
    );
    expect(asked).toEqual(['reach amqp://admin:hunter2@mq.test:5672']);
  });

  it('uses the conventional local port when nothing is named', async () => {
    const { fake, asked } = checks({ reachable: ['127.0.0.1:9092'] });
    expect(await resolveEndpoint('kafka', { env: {} }, fake)).toMatchObject({ source: 'local' });
    expect(asked).toEqual(['reach 127.0.0.1:9092']);
  });

  it('starts a container when the local port is closed and a Docker engine answers', async () => {
    const { fake, asked } = checks({ docker: true });
    const found = await resolveEndpoint('rabbitmq', { env: {} }, fake);
    expect(found).toMatchObject({ url: 'container-rabbitmq:1234', source: 'testcontainers' });
    await found.stop?.();
    expect(asked).toEqual(['reach amqp://guest:guest@127.0.0.1:5672', 'docker?', 'start rabbitmq', 'stop']);
  });

  it('does not ask Docker when testcontainers is turned off', async () => {
    const { fake, asked } = checks({ docker: true });
    await expect(resolveEndpoint('sqs', { env: {}, testcontainers: false }, fake)).rejects.toThrow(
      BrokerUnavailableError,
    );
    expect(asked).toEqual(['reach http://127.0.0.1:9324']);
  });

  it('says how to get a broker when nothing answers and no Docker engine runs', async () => {
    const { fake } = checks({});
    const error = (await resolveEndpoint('kafka', { env: {} }, fake).catch(
      (e: unknown) => e,
    )) as BrokerUnavailableError;
    expect(error.tried).toEqual([
      '127.0.0.1:9092 (conventional local port)',
      'Testcontainers (no Docker engine answers)',
    ]);
    expect(error.message).toMatchInlineSnapshot(
      `"[eventproof] Failed to connect to kafka: nothing answers on 127.0.0.1:9092 (conventional local port), nor Testcontainers (no Docker engine answers). Start one with \`bash scripts/brokers.sh start kafka\` (see docs/local-brokers.md), set EVENTPROOF_KAFKA_URL, or run a Docker engine and install testcontainers."`,
    );
  });
});
