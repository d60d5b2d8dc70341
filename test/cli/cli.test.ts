import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = resolve(import.meta.dirname, '../../dist/cli.js');
const { version } = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as {
  version: string;
};

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

describe('eventproof CLI', () => {
  it('prints its version', async () => {
    expect(await eventproof('--version')).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('lists every command in --help', async () => {
    const { code, stdout } = await eventproof('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: eventproof <command> [options]');
    expect(stdout).toMatch(/demo\s+Check the example shop/);
  });

  it('explains an unknown command and exits 2', async () => {
    const { code, stderr } = await eventproof('demoo');
    expect(code).toBe(2);
    expect(stderr).toContain(
      "[eventproof] Failed to run eventproof: unknown command 'demoo'. Did you mean: demo?",
    );
  });

  it('explains an unknown option and exits 2', async () => {
    const { code, stderr } = await eventproof('demo', '--jsn');
    expect(code).toBe(2);
    expect(stderr).toMatch(/Failed to run demo: .*--jsn/);
  });

  it('demo checks the shop and shows every broken build caught', async () => {
    const { code, stdout } = await eventproof('demo');
    expect(code).toBe(0);
    expect(stdout).toMatch(/8\/8 checks pass on the correct shop; 8\/8 broken builds caught/);
    expect(stdout).toContain('broken build: the order handler inserts a row for every OrderCreated');
  });

  it('demo --json reports each check with why the broken build failed', async () => {
    const { code, stdout } = await eventproof('demo', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      ok: boolean;
      checks: { passed: boolean; caught: boolean; caughtBecause: string }[];
    };
    expect(report.ok).toBe(true);
    expect(report.checks).toHaveLength(8);
    for (const check of report.checks)
      expect(check).toMatchObject({ passed: true, caught: true, caughtBecause: expect.any(String) });
  });
});
