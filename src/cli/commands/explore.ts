import type { ExploreReport, Scenario } from '../../explore/types.js';
import type { FaultKind } from '../../sim/faults.js';
import { EventproofError, failure } from '../../errors.js';
import { EXIT, type CommandSpec } from '../command-table.js';
import { colours } from '../style.js';

const isScenario = (value: unknown): value is Scenario =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Scenario).name === 'string' &&
  typeof (value as Scenario).setup === 'function';

const integer = (name: string, raw: string | boolean | undefined): number | undefined => {
  if (raw === undefined || typeof raw === 'boolean') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new EventproofError(
      'CLI_USAGE',
      failure('run explore', `--${name} must be a whole number, got '${raw}'`, `E.g. --${name} 500`),
    );
  return value;
};

/** `eventproof explore <file>`: runs every scenario a file exports under many schedules. */
export const exploreCommand: CommandSpec = {
  name: 'explore',
  summary: 'Run the scenarios a file exports under many delivery schedules and faults, and report anomalies',
  options: {
    runs: { type: 'string', placeholder: 'n', description: 'Schedules per scenario (default 200)' },
    seed: {
      type: 'string',
      placeholder: 'n',
      description: 'Seed of the exploration (default: EVENTPROOF_SEED, else random)',
    },
    'time-limit': {
      type: 'string',
      placeholder: 'ms',
      description: 'Explore each scenario for this long instead of a number of runs',
    },
    faults: {
      type: 'string',
      placeholder: 'kinds',
      description: 'Comma-separated faults to explore: duplicate, crash-before-ack, reorder, delay',
    },
    replay: {
      type: 'string',
      placeholder: 'schedule',
      description: 'Replay one schedule exactly, as a report printed it',
    },
    json: { type: 'boolean', description: 'Print the reports as JSON' },
  },
  positionals: [
    {
      name: 'file',
      description: 'A .js or .ts file exporting scenarios (defineScenario) — TypeScript needs tsx installed',
    },
  ],
  async run({ options, positionals, stdout, stderr }) {
    // Loaded here, not at start-up: the explorer and the simulator are the bulk of the CLI.
    const [{ explore }, { formatReport }, { loadUserModule }] = await Promise.all([
      import('../../explore/explorer.js'),
      import('../../explore/report.js'),
      import('../load-module.js'),
    ]);
    const module = await loadUserModule(positionals[0]!);
    const scenarios = Object.values(module)
      .flatMap((value): unknown[] => (Array.isArray(value) ? (value as unknown[]) : [value]))
      .filter(isScenario);
    if (scenarios.length === 0) {
      throw new EventproofError(
        'CLI_USAGE',
        failure(
          `explore ${positionals[0]}`,
          'the file exports no scenario',
          'Export scenarios made with defineScenario({ name, setup, … })',
        ),
      );
    }
    const faults =
      typeof options.faults === 'string'
        ? (options.faults
            .split(',')
            .map((f) => f.trim())
            .filter(Boolean) as FaultKind[])
        : [];
    const c = colours(stdout);
    const live = stderr.isTTY === true && !options.json;
    const reports: ExploreReport[] = [];
    for (const scenario of scenarios) {
      const report = await explore(scenario, {
        runs: integer('runs', options.runs),
        seed: integer('seed', options.seed),
        timeLimitMs: integer('time-limit', options['time-limit']),
        faults,
        replay: typeof options.replay === 'string' ? options.replay : undefined,
        onProgress: live
          ? ({ runs, anomalies, elapsedMs }) => {
              if (runs % 25 === 0)
                stderr.write(
                  `\r${scenario.name}: ${runs} schedules, ${Math.round((runs / Math.max(1, elapsedMs)) * 1000)}/s, ${anomalies} with anomalies`,
                );
            }
          : undefined,
      });
      if (live) stderr.write('\r\x1b[K');
      reports.push(report);
      if (!options.json) {
        const text = formatReport(report);
        stdout.write(
          `${report.valid ? c.green(text.split('\n')[0]!) : c.red(text.split('\n')[0]!)}\n${text.split('\n').slice(1).join('\n')}${text.includes('\n') ? '\n' : ''}`,
        );
      }
    }
    if (options.json) stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    return reports.every((r) => r.valid) ? EXIT.ok : EXIT.checkFailed;
  },
};
