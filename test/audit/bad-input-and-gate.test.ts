import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit/audit.js';
import { checkFailOn, gate } from '../../src/audit/gate.js';
import { writeSuggestions } from '../../src/audit/suggest.js';

const dirs: string[] = [];
const tempRepo = () => {
  const dir = mkdtempSync(join(tmpdir(), 'eventproof-audit-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('bad input: a warning per file, never a crash or a hang', () => {
  const root = tempRepo();
  mkdirSync(join(root, 'src/loop'), { recursive: true });
  writeFileSync(
    join(root, 'src/events.ts'),
    "import { defineEvent } from 'eventproof';\nexport const A = defineEvent('OrderPlaced', s);\n",
  );
  writeFileSync(join(root, 'src/binary.ts'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
  writeFileSync(
    join(root, 'src/latin1.ts'),
    Buffer.from([0x63, 0x6f, 0x6e, 0x73, 0x74, 0x20, 0xe9, 0xff, 0xfe]),
  );
  writeFileSync(join(root, 'src/broken.ts'), 'export const = {{{ ;\n');
  writeFileSync(
    join(root, 'src/generated.ts'),
    `export const data = ${JSON.stringify('x'.repeat(5 * 1024 * 1024))};\n`,
  );
  writeFileSync(join(root, 'src/locked.ts'), 'export const locked = 1;\n');
  symlinkSync('..', join(root, 'src/loop/parent'));
  symlinkSync('missing.ts', join(root, 'src/dangling.ts'));
  execFileSync('mkfifo', [join(root, 'src/pipe.ts')]);
  writeFileSync(join(root, 'asyncapi.yaml'), 'asyncapi: 3.0.0\nchannels: [unclosed\n');

  const report = runAudit(root, {
    readFile: (path) => {
      if (path.endsWith('locked.ts'))
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      return readFileSync(path);
    },
  });
  const reasonOf = (file: string) => report.warnings.filter((w) => w.file === file).map((w) => w.reason);

  it.each([
    ['src/binary.ts', 'binary'],
    ['src/latin1.ts', 'invalid-utf8'],
    ['src/broken.ts', 'syntax-error'],
    ['src/generated.ts', 'too-large'],
    ['src/locked.ts', 'unreadable'],
    ['src/dangling.ts', 'unreadable'],
    ['src/pipe.ts', 'not-a-file'],
    ['src/loop/parent', 'symlink-loop'],
    ['asyncapi.yaml', 'malformed-catalog'],
  ])('%s → %s', (file, reason) => {
    expect(reasonOf(file)).toEqual([reason]);
  });

  it('still audits the readable files', () => {
    expect(report.matrix.map((r) => r.eventType)).toEqual(['OrderPlaced']);
  });
});

describe('what the audit reads', () => {
  it('honours .gitignore (nested too) and skips node_modules, build output, test fixtures and dot-folders', () => {
    const root = tempRepo();
    for (const dir of [
      'src',
      'src/gen',
      'node_modules/x',
      'dist',
      'build',
      '.cache',
      'test/fixtures',
      'src/__fixtures__',
    ])
      mkdirSync(join(root, dir), { recursive: true });
    const event = (name: string) =>
      `import { defineEvent } from 'eventproof';\nexport const E = defineEvent('${name}', s);\n`;
    writeFileSync(join(root, '.gitignore'), 'ignored-*.ts\n');
    writeFileSync(join(root, 'src/.gitignore'), 'gen/\n');
    writeFileSync(join(root, 'src/kept.ts'), event('KeptHappened'));
    writeFileSync(join(root, 'src/ignored-one.ts'), event('IgnoredOne'));
    writeFileSync(join(root, 'src/gen/out.ts'), event('GeneratedOne'));
    for (const dir of ['node_modules/x', 'dist', 'build', '.cache', 'test/fixtures', 'src/__fixtures__'])
      writeFileSync(join(root, dir, 'e.ts'), event(`Skipped${dir.length}`));
    expect(runAudit(root).matrix.map((r) => r.eventType)).toEqual(['KeptHappened']);
    expect(
      runAudit(root, { gitignore: false })
        .matrix.map((r) => r.eventType)
        .sort(),
    ).toEqual(['GeneratedOne', 'IgnoredOne', 'KeptHappened']);
  });
});

describe('the CI gate', () => {
  const report = runAudit(join(import.meta.dirname, '../fixtures/audit/shop'));

  it('fails on a severity, that or worse', () => {
    expect(gate(report, { failOn: ['error'] }).passed).toBe(false);
    expect(gate(report, { failOn: ['note'] }).reasons[0]).toMatch(/--fail-on note: \d+ findings/);
  });

  it('fails on a rule id or a pattern, and passes when nothing matches', () => {
    expect(gate(report, { failOn: ['EP-GAP-FAILURE'] }).passed).toBe(false);
    expect(gate(report, { failOn: ['EP-CELL-*'] }).passed).toBe(false);
    expect(gate(report, { failOn: ['EP-GAP-IDEMPOTENCY'] }).passed).toBe(true);
  });

  it('fails below --min-coverage and passes at or above it', () => {
    expect(gate(report, { minCoverage: 90 }).reasons).toEqual([
      `--min-coverage 90: the matrix is ${report.summary.coverage.percent.toFixed(1)} % covered`,
    ]);
    expect(gate(report, { minCoverage: report.summary.coverage.percent }).passed).toBe(true);
  });

  it('rejects a --fail-on value that is neither a rule nor a severity', () => {
    expect(checkFailOn('EP-GAP-NOPE')).toMatch(/neither a severity .* nor a rule id/);
    expect(checkFailOn('warning')).toBeUndefined();
  });
});

describe('--suggest', () => {
  it('writes a test file per event with missing cells and one for the gaps, and never overwrites', () => {
    const root = tempRepo();
    mkdirSync(join(root, 'src'));
    writeFileSync(
      join(root, 'src/events.ts'),
      "import { defineEvent } from 'eventproof';\nexport const OrderPlaced = defineEvent('OrderPlaced', s);\n",
    );
    const report = runAudit(root);
    const first = writeSuggestions(root, report);
    expect(first).toEqual({
      written: ['test/eventproof/order-placed.test.ts', 'test/eventproof/event-scenarios.test.ts'],
      kept: [],
    });
    const suggested = readFileSync(join(root, 'test/eventproof/order-placed.test.ts'), 'utf8');
    expect(suggested).toContain("import { OrderPlaced } from '../../src/events.js';");
    expect(suggested).toContain('checkRoundTrip(OrderPlaced, { runs: 200, seed: 1 });');
    expect(suggested).toContain('const publisher = recordingPublisher({ events: [OrderPlaced] });');
    writeFileSync(join(root, 'test/eventproof/order-placed.test.ts'), '// edited by hand\n');
    expect(writeSuggestions(root, report).kept).toEqual([
      'test/eventproof/order-placed.test.ts',
      'test/eventproof/event-scenarios.test.ts',
    ]);
    expect(readFileSync(join(root, 'test/eventproof/order-placed.test.ts'), 'utf8')).toBe(
      '// edited by hand\n',
    );
  });
});
