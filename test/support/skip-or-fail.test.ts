import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const fixture = resolve(import.meta.dirname, 'fixture');
const vitest = resolve(import.meta.dirname, '../../node_modules/vitest/vitest.mjs');

interface JsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: { assertionResults: { title: string; status: string }[] }[];
}

/** Runs the fixture suite in a child vitest with Kafka pointed at a closed port. */
async function runFixture(extraEnv: Record<string, string>): Promise<JsonReport> {
  const dir = await mkdtemp(join(tmpdir(), 'eventproof-skip-'));
  const output = join(dir, 'report.json');
  try {
    await new Promise<void>((done) => {
      execFile(
        process.execPath,
        [vitest, 'run', '--root', fixture, '--reporter=json', `--outputFile=${output}`],
        {
          env: {
            ...process.env,
            EVENTPROOF_KAFKA_URL: '127.0.0.1:1',
            EVENTPROOF_REQUIRE_BROKERS: '',
            ...extraEnv,
          },
        },
        () => done(),
      );
    });
    return JSON.parse(await readFile(output, 'utf8')) as JsonReport;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const reason =
  'kafka: nothing answers on 127.0.0.1:1 — start it with `bash scripts/brokers.sh start kafka` or set EVENTPROOF_KAFKA_URL';

describe('a real-broker suite without its broker', () => {
  it('collapses to one skipped test whose title is the reason', async () => {
    const report = await runFixture({});
    expect(report).toMatchObject({ numPassedTests: 0, numFailedTests: 0, numPendingTests: 1 });
    expect(report.testResults[0]?.assertionResults).toEqual([
      expect.objectContaining({ title: reason, status: 'skipped' }),
    ]);
  });

  it('fails that one test instead under EVENTPROOF_REQUIRE_BROKERS=1', async () => {
    const report = await runFixture({ EVENTPROOF_REQUIRE_BROKERS: '1' });
    expect(report).toMatchObject({ numPassedTests: 0, numFailedTests: 1, numPendingTests: 0 });
    expect(report.testResults[0]?.assertionResults).toEqual([
      expect.objectContaining({ title: reason, status: 'failed' }),
    ]);
  });
});
