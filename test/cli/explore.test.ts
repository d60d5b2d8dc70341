import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = resolve(import.meta.dirname, '../../dist/cli.js');
const fixture = resolve(import.meta.dirname, '../fixtures/explore/scenarios.mjs');

async function eventproof(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('eventproof explore', () => {
  it('passes the deduplicating consumer and catches the naive one with a replayable schedule', async () => {
    const { code, stdout } = await eventproof(
      'explore',
      fixture,
      '--runs',
      '100',
      '--seed',
      '7',
      '--faults',
      'duplicate',
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(/✓ deduplicating consumer: every promise held in 100 schedules \(seed 7/);
    expect(stdout).toMatch(/✗ naive consumer: \d+ anomal/);
    expect(stdout).toMatch(/duplicated-effect ×1/);
    const replay = /EVENTPROOF_REPLAY='([^']+)'/.exec(stdout)?.[1];
    expect(replay).toMatch(/^duplicate\|/);

    const again = await eventproof(
      'explore',
      fixture,
      '--seed',
      '7',
      '--faults',
      'duplicate',
      '--replay',
      replay!,
      '--json',
    );
    const reports = JSON.parse(again.stdout) as {
      scenario: string;
      valid: boolean;
      anomalies: { kind: string }[];
    }[];
    expect(reports.find((r) => r.scenario === 'naive consumer')?.anomalies.map((a) => a.kind)).toEqual([
      'duplicated-effect',
    ]);
  });

  it('explains a file that exports no scenario, and a missing file', async () => {
    const none = await eventproof('explore', resolve(import.meta.dirname, '../fixtures/explore/none.mjs'));
    expect(none.stderr).toContain('the file exports no scenario');
    expect(none.code).toBe(2);
    const missing = await eventproof('explore', 'nope.mjs');
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toContain('[eventproof] Failed to load nope.mjs: no such file.');
  });
});
