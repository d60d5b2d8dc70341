import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { brokerUnderTest } from '../support/brokers.js';

const run = promisify(execFile);
const cli = resolve(import.meta.dirname, '../../dist/cli.js');

/** Runs the built CLI as users do; resolves with the exit code instead of throwing. */
async function eventproof(env: Record<string, string>, ...args: string[]) {
  return eventproofIn(process.cwd(), env, ...args);
}

async function eventproofIn(cwd: string, env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

interface DoctorJson {
  ok: boolean;
  docker: boolean;
  brokers: {
    name: string;
    address: string;
    from: string;
    reachable: boolean;
    version?: string;
    howToGet?: string;
  }[];
  missingRequired: string[];
  clients: { name: string; version: string | null }[];
}

beforeAll(() => {
  if (!existsSync(cli))
    throw new Error(`${cli} is missing: run \`npm test\` (it builds first) or \`npm run build\`.`);
});

describe('eventproof doctor', () => {
  it('reports every broker it knows, with how to get the ones that are missing', async () => {
    const { code, stdout } = await eventproof({ EVENTPROOF_KAFKA_URL: '127.0.0.1:1' }, 'doctor', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as DoctorJson;
    expect(report.brokers.map((b) => b.name)).toEqual([
      'kafka',
      'rabbitmq',
      'sqs',
      'nats',
      'redis',
      'mqtt',
      'postgres',
    ]);
    expect(report.brokers[0]).toMatchObject({
      name: 'kafka',
      address: '127.0.0.1:1',
      from: 'env',
      reachable: false,
      howToGet: 'bash scripts/brokers.sh start kafka, or set EVENTPROOF_KAFKA_URL',
    });
  });

  it('--require exits 1 naming the required brokers that do not answer', async () => {
    const { code, stdout } = await eventproof(
      { EVENTPROOF_SQS_URL: 'http://127.0.0.1:49151' },
      'doctor',
      '--require',
      'sqs',
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(/✗ sqs\s+127\.0\.0\.1:49151 \(env\)\s+nothing answers/);
    expect(stdout).toContain('Required but unreachable: sqs');
  });

  it('--require with an unknown broker is a usage error', async () => {
    const { code, stderr } = await eventproof({}, 'doctor', '--require', 'kafak');
    expect(code).toBe(2);
    expect(stderr).toContain("unknown broker 'kafak' in --require");
  });

  it('names a service that answers with the wrong protocol instead of calling it reachable', async () => {
    const rabbit = await brokerUnderTest('rabbitmq');
    if (!rabbit.available) return; // nothing on 5672 to impersonate Kafka with
    const { stdout } = await eventproof({ EVENTPROOF_KAFKA_URL: '127.0.0.1:5672' }, 'doctor', '--json');
    expect((JSON.parse(stdout) as DoctorJson).brokers[0]).toMatchObject({ reachable: false });
  });

  it('gives the versions of the brokers that run here', async () => {
    const [kafka, rabbit, sqs] = await Promise.all([
      brokerUnderTest('kafka'),
      brokerUnderTest('rabbitmq'),
      brokerUnderTest('sqs'),
    ]);
    const { stdout } = await eventproof({}, 'doctor', '--json');
    const byName = new Map((JSON.parse(stdout) as DoctorJson).brokers.map((b) => [b.name, b]));
    expect(byName.get('kafka')?.reachable).toBe(kafka.available);
    expect(byName.get('rabbitmq')?.reachable).toBe(rabbit.available);
    expect(byName.get('sqs')?.reachable).toBe(sqs.available);
    if (kafka.available) expect(byName.get('kafka')?.version).toMatch(/^Kafka protocol, \d+ APIs/);
    if (rabbit.available) expect(byName.get('rabbitmq')?.version).toMatch(/^RabbitMQ \d+\.\d+/);
    if (sqs.available) expect(byName.get('sqs')?.version).toMatch(/^SQS API/);
  });

  it('lists the broker clients the current project can load, with their versions', async () => {
    const here = JSON.parse((await eventproof({}, 'doctor', '--json')).stdout) as DoctorJson;
    const installed = JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../../node_modules/amqplib/package.json'), 'utf8'),
    ) as { version: string };
    expect(here.clients.find((c) => c.name === 'amqplib')?.version).toBe(installed.version);
    const empty = await mkdtemp(join(tmpdir(), 'eventproof-doctor-'));
    try {
      const elsewhere = JSON.parse((await eventproofIn(empty, {}, 'doctor', '--json')).stdout) as DoctorJson;
      expect(elsewhere.clients.map((c) => [c.name, c.version])).toEqual([
        ['@platformatic/kafka', null],
        ['amqplib', null],
        ['@aws-sdk/client-sqs', null],
        ['testcontainers', null],
      ]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
