import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = resolve(import.meta.dirname, '../../dist/cli.js');
const shop = resolve(import.meta.dirname, '../fixtures/audit/shop');

/** Runs the built CLI as users do; resolves with the exit code instead of throwing. */
async function eventproof(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(() => {
  if (!existsSync(cli))
    throw new Error(`${cli} is missing: run \`npm test\` (it builds first) or \`npm run build\`.`);
});

describe('eventproof audit (the built CLI)', () => {
  it('prints the matrix and exits 0 without a gate', async () => {
    const { code, stdout } = await eventproof('audit', shop);
    expect(code).toBe(0);
    expect(stdout).toMatch(/OrderCreated\s+✓ covered\s+◐ partial\s+✓ covered\s+✓ covered/);
    expect(stdout).not.toContain('\u001b[');
  });

  it('--json is the versioned report', async () => {
    const { code, stdout } = await eventproof('audit', shop, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      schemaVersion: 1,
      tool: { name: 'eventproof' },
      summary: { eventTypes: 5 },
    });
  });

  it('--format sarif is SARIF 2.1.0', async () => {
    const { stdout } = await eventproof('audit', shop, '--format', 'sarif');
    expect(JSON.parse(stdout)).toMatchObject({
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'eventproof' } } }],
    });
  });

  it('--fail-on and --min-coverage exit 1 and say why', async () => {
    const failed = await eventproof('audit', shop, '--fail-on', 'EP-GAP-FAILURE', '--min-coverage', '90');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('--fail-on EP-GAP-FAILURE: 1 finding (EP-GAP-FAILURE)');
    expect(failed.stderr).toMatch(/--min-coverage 90: the matrix is [\d.]+ % covered/);
    expect((await eventproof('audit', shop, '--fail-on', 'EP-GAP-IDEMPOTENCY')).code).toBe(0);
  });

  it.each([
    [['audit', 'no/such/dir'], "'no/such/dir' does not exist"],
    [['audit', shop, '--format', 'pdf'], "unknown format 'pdf'"],
    [['audit', shop, '--fail-on', 'sometimes'], "'sometimes' is neither a severity"],
    [['audit', shop, '--min-coverage', '150'], '--min-coverage must be a percent'],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const { code, stderr } = await eventproof(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('demo ends with the audit of the example shop, and --json carries it', async () => {
    const text = await eventproof('demo');
    expect(text.stdout).toMatch(
      /eventproof audit — examples\/shop[\s\S]*Event Type\s+Serialization\s+Producer\s+Consumer\s+E2E\nOrderCreated /,
    );
    const { audit } = JSON.parse((await eventproof('demo', '--json')).stdout) as {
      audit: { matrix: { eventType: string }[] };
    };
    expect(audit.matrix.map((row) => row.eventType)).toEqual(
      expect.arrayContaining(['OrderCreated', 'OrderUpdated', 'OrderShipped', 'PaymentReceived']),
    );
    // Two runs of the whole demo (checks, explorer, audit) on a busy 2-core machine.
  }, 30_000);
});
