import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, symlink, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
let project = '';
let tarball = '';

const node = (args: string[]) =>
  run(process.execPath, args, { cwd: project, env: { ...process.env, NODE_OPTIONS: '', FORCE_COLOR: '0' } });

/**
 * Packs the real tarball and uses it from a fresh project the way users do: ESM, CommonJS, vitest,
 * jest and node:test. The test runners are linked from this repository so nothing is downloaded.
 */
beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'eventproof-package-'));
  const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', project], { cwd: repo });
  tarball = join(project, stdout.trim().split('\n').pop()!);
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'uses-eventproof', private: true, version: '1.0.0' }),
  );
  await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, 'zod@4'],
    { cwd: project },
  );
  for (const runner of ['vitest', 'jest']) {
    await symlink(join(repo, 'node_modules', runner), join(project, 'node_modules', runner), 'dir');
  }
  await cp(join(import.meta.dirname, 'fixture'), project, { recursive: true });
});

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('ships the build and no sources or tests', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout.trim().split('\n');
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.cjs');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files).toContain('package/dist/cli.js');
    expect(files.filter((f) => f.includes('/src/') || f.endsWith('.test.ts'))).toEqual([]);
  });

  it('works from an ES module', async () => {
    expect((await node(['esm.mjs'])).stdout).toContain('esm ok');
  });

  it('works from a CommonJS module', async () => {
    expect((await node(['cjs.cjs'])).stdout).toContain('cjs ok');
  });

  it('works in a vitest test with eventproof/vitest', async () => {
    const { stdout } = await node([
      join(project, 'node_modules/vitest/vitest.mjs'),
      'run',
      'vitest.test.mjs',
    ]);
    expect(stdout).toMatch(/1 passed/);
  });

  it('works in a jest test with eventproof/jest', async () => {
    const { stderr } = await node([
      join(project, 'node_modules/jest/bin/jest.js'),
      '--ci',
      '--testMatch',
      '**/jest.test.cjs',
    ]);
    expect(stderr).toMatch(/Tests:\s+2 passed/);
  });

  it('works in a node:test test with the plain assertions', async () => {
    const { stdout } = await node(['--test', 'node.test.mjs']);
    expect(stdout).toMatch(/# pass 2/);
    expect(stdout).toMatch(/# fail 0/);
  });

  it('runs the eventproof bin', async () => {
    const { stdout } = await node([join(project, 'node_modules/eventproof/dist/cli.js'), '--version']);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('passes publint and are-the-types-wrong', async () => {
    await run(process.execPath, [join(repo, 'node_modules/publint/src/cli.js'), '--strict', repo], {
      cwd: repo,
    });
    // attw exits non-zero on any problem in the node16 profile (node10 resolution is out of scope).
    const attw = await run(
      process.execPath,
      [
        join(repo, 'node_modules/@arethetypeswrong/cli/dist/index.js'),
        tarball,
        '--profile',
        'node16',
        '--format',
        'ascii',
      ],
      { cwd: repo },
    );
    for (const entry of ['eventproof', 'eventproof/vitest', 'eventproof/jest'])
      expect(attw.stdout).toContain(`"${entry}"`);
    expect(attw.stdout).not.toMatch(/node16 \(from (CJS|ESM)\): (?!🟢)/);
  });

  it('lists only the installed files in node_modules/eventproof', async () => {
    expect(await readdir(join(project, 'node_modules/eventproof'))).toEqual(
      expect.arrayContaining(['dist', 'package.json', 'README.md']),
    );
  });
});
