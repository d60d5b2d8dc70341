import { EventproofError, failure, InvalidArgumentError } from '../errors.js';
import type { FaultKind, FaultSpec } from '../sim/faults.js';
import { randomSeed, SeededRandom } from '../sim/random.js';
import { decodeReplay, encodeReplay, runOnce, type RunOutcome } from './run-once.js';
import { normalise, shrink } from './shrink.js';
import { choicesChooser, drawPlan, type Plan } from './strategies/plan.js';
import { formatReport, summarise } from './report.js';
import type { ExploreOptions, ExploreReport, Scenario, StrategyName } from './types.js';

const STRATEGIES: readonly StrategyName[] = ['random', 'pct', 'swarm'];
/** Runs shrinking may spend on one failure; each step it keeps is a run that still failed. */
const SHRINK_BUDGET = 2_000;

const toSpec = (fault: FaultKind | FaultSpec): FaultSpec =>
  typeof fault === 'string' ? { kind: fault } : fault;

function seedFromEnv(): number | undefined {
  const raw = process.env.EVENTPROOF_SEED;
  if (raw === undefined || raw === '') return undefined;
  const seed = Number(raw);
  if (!Number.isInteger(seed))
    throw new InvalidArgumentError(
      failure('read EVENTPROOF_SEED', `'${raw}' is not an integer`, 'Set it to the seed a report printed'),
    );
  return seed;
}

/**
 * Runs a scenario under many delivery schedules a real broker could produce — random, PCT-style
 * priority changes and swarm fault profiles — checks the built-in anomaly checkers and the
 * scenario's invariants, and on failure shrinks to a minimal schedule with its trace, an English
 * explanation and a one-line repro.
 *
 * @example
 * ```ts
 * const report = await explore(scenario, { runs: 500, faults: ['duplicate', 'crash-before-ack'] });
 * expect(report.valid, formatReport(report)).toBe(true);
 * ```
 */
export async function explore<State>(
  scenario: Scenario<State>,
  options: ExploreOptions = {},
): Promise<ExploreReport> {
  const started = performance.now();
  const seed = options.seed ?? seedFromEnv() ?? randomSeed();
  const faults = (options.faults ?? []).map(toSpec);
  const replay = options.replay ?? process.env.EVENTPROOF_REPLAY;
  if (replay) return replayReport(scenario, replay, faults, seed, started);

  const strategies =
    options.strategy === undefined
      ? STRATEGIES
      : typeof options.strategy === 'string'
        ? [options.strategy]
        : options.strategy;
  for (const s of strategies) {
    if (!STRATEGIES.includes(s))
      throw new InvalidArgumentError(
        failure('explore', `unknown strategy '${String(s)}'`, `Use one of: ${STRATEGIES.join(', ')}`),
      );
  }
  const runs = options.runs ?? (options.timeLimitMs === undefined ? 200 : 1_000_000);
  if (!Number.isInteger(runs) || runs < 1)
    throw new InvalidArgumentError(
      failure('explore', `runs must be a positive integer, got ${String(runs)}`, 'Use e.g. { runs: 200 }'),
    );

  // One PRNG for the exploration, seeded by the report's seed: which strategy each run uses, and
  // its choices, drawn lazily, one per decision the run reaches (runs are sequential: deterministic).
  const random = new SeededRandom(seed);
  const held = new Set<string>();
  let executed = 0;
  let failingRuns = 0;
  let mathRandom = 0;
  const observe = (outcome: RunOutcome) => {
    executed++;
    mathRandom += outcome.mathRandomCalls;
    for (const name of outcome.held) held.add(name);
    if (outcome.anomalies.length > 0) failingRuns++;
    options.onProgress?.({ runs: executed, anomalies: failingRuns, elapsedMs: performance.now() - started });
  };

  let horizon = 0;
  let explored = 0;
  let failing: { plan: Plan; outcome: RunOutcome } | undefined;
  while (explored < runs) {
    if (options.timeLimitMs !== undefined && performance.now() - started >= options.timeLimitMs) break;
    const strategy = strategies[strategies.length === 1 ? 0 : random.nextInt(strategies.length)]!;
    const plan = drawPlan(strategy, random, faults, horizon);
    // Exploring runs skip the trace; the minimal schedule is re-run with it for the report.
    const outcome = await runOnce(
      scenario,
      { chooser: plan.chooser, faults: plan.faults, seed },
      { trace: false },
    );
    explored++;
    observe(outcome);
    if (outcome.decisionCount > horizon) horizon = outcome.decisionCount;
    if (outcome.anomalies.length > 0) {
      failing = { plan, outcome };
      break;
    }
  }

  const uncovered = () => Object.keys(scenario.sometimes ?? {}).filter((name) => !held.has(name));
  if (!failing) {
    const notCovered = uncovered();
    return {
      scenario: scenario.name,
      valid: notCovered.length === 0,
      runs: explored,
      seed,
      elapsedMs: performance.now() - started,
      anomalies: [],
      uncovered: notCovered,
      determinism: {
        deterministic: true,
        notes:
          mathRandom > 0
            ? [
                `Math.random was called ${mathRandom} times; inside the simulation it is seeded, so runs stay reproducible`,
              ]
            : [],
      },
    };
  }
  const { minimal: shrunk } = await shrink(
    normalise(failing.plan.faults, failing.outcome.decisions),
    async (candidate) => {
      const outcome = await runOnce(
        scenario,
        { chooser: choicesChooser(candidate.choices), faults: candidate.faults, seed },
        { trace: false },
      );
      observe(outcome);
      return outcome.anomalies.length > 0 ? outcome.decisions : undefined;
    },
    SHRINK_BUDGET,
    // The time limit covers shrinking too: past it, the smallest failing schedule so far is reported.
    () => options.timeLimitMs !== undefined && performance.now() - started >= options.timeLimitMs,
  );
  const minimal = await runOnce(scenario, {
    chooser: choicesChooser(shrunk.choices),
    faults: shrunk.faults,
    seed,
  });
  return failingReport(
    scenario,
    minimal,
    explored,
    seed,
    started,
    uncovered(),
    await determinism(scenario, minimal, seed),
  );
}

async function replayReport<State>(
  scenario: Scenario<State>,
  text: string,
  available: readonly FaultSpec[],
  seed: number,
  started: number,
): Promise<ExploreReport> {
  const { faults, decisions } = decodeReplay(text, available);
  const outcome = await runOnce(scenario, { replay: decisions, faults, seed });
  const uncovered = Object.keys(scenario.sometimes ?? {}).filter((name) => !outcome.held.has(name));
  const checked = await determinism(scenario, outcome, seed);
  // A replay that ended before using every recorded decision did not reproduce the schedule.
  const early =
    outcome.decisionCount < decisions.length
      ? [
          `the replay ended after ${outcome.decisionCount} of the schedule's ${decisions.length} decisions: it did not reproduce the recorded run (another seed, a changed scenario, or nondeterminism)`,
        ]
      : [];
  return failingReport(scenario, outcome, 1, seed, started, uncovered, {
    deterministic: checked.deterministic && early.length === 0,
    notes: [...early, ...checked.notes],
  });
}

/** Runs the same schedule twice more and compares the traces; names what leaks in. */
async function determinism<State>(
  scenario: Scenario<State>,
  outcome: RunOutcome,
  seed: number,
): Promise<ExploreReport['determinism']> {
  const notes: string[] = [];
  try {
    const again = await runOnce(scenario, { replay: outcome.decisions, faults: outcome.faults, seed });
    if (again.decisionCount < outcome.decisionCount) {
      notes.push(
        `the same schedule ended after ${again.decisionCount} of its ${outcome.decisionCount} decisions: real I/O, real timers captured before the run, or state shared between runs leaks into the scenario`,
      );
    } else if (again.renderedTrace !== outcome.renderedTrace) {
      const a = outcome.renderedTrace.split('\n');
      const b = again.renderedTrace.split('\n');
      const at = a.findIndex((line, i) => line !== b[i]);
      notes.push(
        `the same schedule produced a different trace at line ${at + 1}: real I/O, real timers captured before the run, or state shared between runs leaks into the scenario`,
      );
    }
  } catch (error) {
    notes.push(`replaying the schedule diverged: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (outcome.mathRandomCalls > 0)
    notes.push(`Math.random was called ${outcome.mathRandomCalls} times; inside the simulation it is seeded`);
  return { deterministic: notes.every((n) => n.startsWith('Math.random')), notes };
}

function failingReport<State>(
  scenario: Scenario<State>,
  outcome: RunOutcome,
  runs: number,
  seed: number,
  started: number,
  uncovered: string[],
  determinismResult: ExploreReport['determinism'],
): ExploreReport {
  const replay = encodeReplay(outcome);
  const valid = outcome.anomalies.length === 0 && uncovered.length === 0;
  return {
    scenario: scenario.name,
    valid,
    runs,
    seed,
    elapsedMs: performance.now() - started,
    anomalies: summarise(outcome.anomalies),
    uncovered,
    ...(outcome.anomalies.length === 0
      ? {}
      : {
          minimal: {
            trace: outcome.trace,
            renderedTrace: outcome.renderedTrace,
            decisions: outcome.decisions.length,
            faults: outcome.faults.map((f) => f.kind),
            replay,
            repro: `EVENTPROOF_SEED=${seed} EVENTPROOF_REPLAY='${replay}' npx vitest -t ${JSON.stringify(scenario.name)}`,
          },
        }),
    determinism: determinismResult,
  };
}

/** Thrown by {@link check} when a scenario's promises do not hold; the message is the full report. */
export class ExplorationFailedError extends EventproofError {
  readonly report: ExploreReport;
  constructor(report: ExploreReport) {
    super('ASSERTION_FAILED', formatReport(report));
    this.report = report;
  }
}

/**
 * {@link explore}, throwing {@link ExplorationFailedError} with the formatted report when anything
 * fails: the form to use inside a test.
 *
 * @example
 * ```ts
 * it('processes each order once under duplicates', () => check(scenario, { faults: ['duplicate'] }));
 * ```
 */
export async function check<State>(
  scenario: Scenario<State>,
  options: ExploreOptions = {},
): Promise<ExploreReport> {
  const report = await explore(scenario, options);
  if (!report.valid) throw new ExplorationFailedError(report);
  return report;
}

/**
 * Types a scenario (an identity function: it only helps inference of the state type).
 *
 * @example
 * ```ts
 * export const paidOnce = defineScenario({ name: 'each payment applied once', setup: …, eventually: { … } });
 * ```
 */
export function defineScenario<State>(scenario: Scenario<State>): Scenario<State> {
  return scenario;
}
