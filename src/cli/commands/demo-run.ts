import { performance } from 'node:perf_hooks';
import { runChecks, type CheckResult } from '../../../examples/shop/checks/run-checks.js';
import { seedChecks } from '../../../examples/shop/checks/seed-checks.js';
import { exploreShop } from '../../../examples/shop/checks/explorer-check.js';
import { formatReport } from '../../explore/report.js';
import { auditExampleShop } from '../../audit/example-shop.js';
import { EXIT, type CommandContext } from '../command-table.js';
import { colours } from '../style.js';
import { packageVersion } from '../version.js';

/** What `eventproof demo` does: loaded only when the command runs (see demo.ts). */
export async function runDemo({ options, stdout }: CommandContext): Promise<number> {
  const started = performance.now();
  const results = await runChecks(seedChecks);
  const elapsedMs = performance.now() - started;
  const explored = await exploreShop();
  const ok =
    results.every((r) => r.passed && r.caught) && explored[0]!.report.valid && !explored[1]!.report.valid;
  // Last step: what `eventproof audit` says about the shop's own tests.
  const audit = auditExampleShop(packageVersion(), options.json ? undefined : colours(stdout));
  if (options.json) {
    stdout.write(
      `${JSON.stringify({ ...toJson(results, elapsedMs), explorer: explored.map((v) => ({ build: v.variant.name, valid: v.report.valid, anomalies: v.report.anomalies, replay: v.report.minimal?.replay })), audit: audit?.report ?? null }, null, 2)}\n`,
    );
  } else {
    stdout.write(renderText(results, elapsedMs, colours(stdout)));
    stdout.write(renderExplorer(explored, colours(stdout)));
    stdout.write(
      audit
        ? `\n${audit.text}`
        : '\n(The audit of examples/shop needs the repository checkout: run `eventproof audit <dir>` on your own code.)\n',
    );
  }
  return ok ? EXIT.ok : EXIT.checkFailed;
}

function renderText(
  results: readonly CheckResult[],
  elapsedMs: number,
  c: ReturnType<typeof colours>,
): string {
  const lines = [
    c.bold('eventproof demo — the example shop, checked in memory (no broker needed)'),
    c.dim(
      'Each check runs on the correct shop (it must pass) and on a build with one deliberate defect (it must fail).',
    ),
    '',
  ];
  const layerWidth = Math.max(...results.map((r) => r.check.layer.length));
  for (const r of results) {
    const verdict = r.passed ? c.green('✓ passes') : c.red('✗ FAILS ');
    const caught = r.caught ? c.green('✓ catches') : c.red('✗ misses ');
    lines.push(`${verdict}  ${caught}  ${c.cyan(r.check.layer.padEnd(layerWidth))}  ${r.check.title}`);
    const indent = ' '.repeat(22 + layerWidth);
    lines.push(c.dim(`${indent}broken build: ${r.check.catches.defect}`));
    if (r.caughtBecause) lines.push(c.dim(`${indent}caught by:    ${truncate(r.caughtBecause, 110)}`));
    if (!r.passed) lines.push(c.red(`${indent}${firstLine(r.failure)}`));
  }
  const passed = results.filter((r) => r.passed).length;
  const caught = results.filter((r) => r.caught).length;
  lines.push(
    '',
    `${passed === results.length ? c.green(`${passed}/${results.length} checks pass`) : c.red(`${passed}/${results.length} checks pass`)} on the correct shop; ` +
      `${caught === results.length ? c.green(`${caught}/${results.length} broken builds caught`) : c.red(`${caught}/${results.length} broken builds caught`)} ` +
      c.dim(`(${Math.round(elapsedMs)} ms)`),
    '',
  );
  return lines.join('\n');
}

function toJson(results: readonly CheckResult[], elapsedMs: number) {
  return {
    ok: results.every((r) => r.passed && r.caught),
    elapsedMs: Math.round(elapsedMs),
    checks: results.map((r) => ({
      layer: r.check.layer,
      title: r.check.title,
      passed: r.passed,
      failure: r.passed ? undefined : firstLine(r.failure),
      brokenBuild: r.check.catches.name,
      defect: r.check.catches.defect,
      caught: r.caught,
      caughtBecause: r.caughtBecause,
    })),
  };
}

const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';

const truncate = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

function renderExplorer(
  verdicts: Awaited<ReturnType<typeof exploreShop>>,
  c: ReturnType<typeof colours>,
): string {
  const lines = [
    '',
    c.bold(
      'The explorer: the order consumer on simulated Kafka, under duplicate deliveries and crashes before the commit',
    ),
    c.dim('Each build runs under up to 200 delivery schedules; a failure is shrunk to its minimal schedule.'),
    '',
  ];
  for (const { variant, report } of verdicts) {
    const [head = '', ...rest] = formatReport(report).split('\n');
    lines.push(
      `${report.valid ? c.green(head) : c.red(head)}  ${c.dim(`(${variant.defect || 'the correct shop'})`)}`,
      ...rest,
    );
  }
  return `${lines.join('\n')}\n`;
}
