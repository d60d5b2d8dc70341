import { decodeDecisions, encodeDecisions, type Chooser, type Decision } from '../sim/decisions.js';
import type { FaultKind, FaultSpec } from '../sim/faults.js';
import type { TraceEvent } from '../sim/trace.js';
import { createSimulation, type Simulation } from '../sim/world.js';
import { builtInCheckers } from './checkers/index.js';
import { History } from './history.js';
import type { Anomaly, Guarantees, Invariant, Scenario } from './types.js';

export interface RunOutcome {
  readonly anomalies: Anomaly[];
  readonly trace: readonly TraceEvent[];
  readonly decisions: readonly Decision[];
  readonly decisionCount: number;
  readonly faults: readonly FaultSpec[];
  /** `sometimes` invariants that held in this run. */
  readonly held: ReadonlySet<string>;
  readonly mathRandomCalls: number;
  readonly renderedTrace: string;
}

class StopRun extends Error {}

const NONE_HELD: ReadonlySet<string> = new Set();

const DEFAULTS: Required<Guarantees> = {
  delivery: 'at-least-once',
  effects: 'exactly-once',
  order: 'per-key',
};

/** A scenario's guarantees with the defaults filled in: worked out once per guarantees object. */
const resolvedGuarantees = new WeakMap<Guarantees, Required<Guarantees>>();
function guaranteesOf<State>(scenario: Scenario<State>): Required<Guarantees> {
  const given = scenario.guarantees;
  if (given === undefined) return DEFAULTS;
  let resolved = resolvedGuarantees.get(given);
  if (resolved === undefined || !Object.isFrozen(given)) {
    resolved = Object.freeze({ ...DEFAULTS, ...given });
    if (Object.isFrozen(given)) resolvedGuarantees.set(given, resolved);
  }
  return resolved;
}

/** Evaluates one invariant; a violation is false, a string, or a throw. */
function violation<State>(invariant: Invariant<State>, state: State): string | undefined {
  try {
    const result = invariant(state);
    if (result === false) return 'it returned false';
    if (typeof result === 'string') return result;
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

/** Runs a scenario once under a plan (or a recorded schedule) and checks everything it promised. */
export async function runOnce<State>(
  scenario: Scenario<State>,
  schedule: {
    readonly faults: readonly FaultSpec[];
    readonly seed: number;
    /** Makes the choices (an exploring strategy, or a shrinking candidate)… */
    readonly chooser?: Chooser;
    /** …or follows a recorded decision list exactly. */
    readonly replay?: readonly Decision[];
  },
  options: { trace?: boolean } = {},
): Promise<RunOutcome> {
  const faults = schedule.faults;
  const sim = createSimulation({
    seed: schedule.seed,
    faults,
    trace: options.trace ?? true,
    ...(schedule.chooser ? { chooser: schedule.chooser } : { replay: schedule.replay }),
  });
  const history = new History(() => sim.now());
  const anomalies: Anomaly[] = [];
  // A set of its own only for a scenario with `sometimes` invariants; the others share one empty set.
  let held: ReadonlySet<string> = NONE_HELD;
  let state: State | undefined;
  let exhausted = false;
  let stuck: readonly { label: string; since: number }[] = [];
  try {
    state = await scenario.setup(history.context(sim));
    const always = scenario.always ? Object.entries(scenario.always) : [];
    if (always.length > 0) {
      sim.onStep((task) => {
        for (const [name, invariant] of always) {
          const why = violation(invariant, state as State);
          if (why !== undefined) {
            anomalies.push({
              kind: 'invariant',
              subject: name,
              explanation: `"${name}" stopped holding after ${task.label} at ${sim.now()}ms: ${why}`,
            });
            throw new StopRun();
          }
        }
      });
    }
    const result = await sim.run({
      maxSteps: scenario.maxSteps ?? 100_000,
      untilMs: sim.now() + (scenario.maxVirtualMs ?? 3_600_000),
    });
    exhausted = !result.idle;
    stuck = result.stuck;
  } catch (error) {
    if (!(error instanceof StopRun)) {
      anomalies.push({
        kind: 'error',
        subject: scenario.name,
        explanation: `the run threw: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  if (state !== undefined && !anomalies.some((a) => a.kind === 'error' || a.kind === 'invariant')) {
    const input = { history, guarantees: guaranteesOf(scenario), stuck, exhausted, sim };
    for (const check of builtInCheckers) {
      const found = check(input);
      if (found.length > 0) anomalies.push(...found);
    }
    if (scenario.eventually)
      for (const [name, invariant] of Object.entries(scenario.eventually)) {
        const why = violation(invariant, state);
        if (why !== undefined)
          anomalies.push({
            kind: 'invariant',
            subject: name,
            explanation: `"${name}" does not hold when the world is quiet: ${why}`,
          });
      }
    if (scenario.sometimes) {
      const holding = new Set<string>();
      for (const [name, invariant] of Object.entries(scenario.sometimes)) {
        if (violation(invariant, state) === undefined) holding.add(name);
      }
      held = holding;
    }
  }
  return new Outcome(sim, anomalies, faults, held);
}

/**
 * A run's outcome. The decision list and the rendered trace are built when asked for: an exploring
 * run that passes needs only how many decisions it made.
 */
class Outcome implements RunOutcome {
  readonly trace: readonly TraceEvent[];
  readonly mathRandomCalls: number;
  readonly decisionCount: number;

  constructor(
    private readonly sim: Simulation,
    readonly anomalies: Anomaly[],
    readonly faults: readonly FaultSpec[],
    readonly held: ReadonlySet<string>,
  ) {
    this.trace = sim.trace.events;
    this.mathRandomCalls = sim.leaks.mathRandom;
    this.decisionCount = sim.decisions.size;
  }

  get decisions(): readonly Decision[] {
    return this.sim.decisions.decisions;
  }

  get renderedTrace(): string {
    return this.sim.trace.render();
  }
}

/** `random|duplicate,crash-before-ack|deliver:0/2,…`: everything needed to replay a schedule. */
export function encodeReplay(outcome: Pick<RunOutcome, 'faults' | 'decisions'>): string {
  return `${outcome.faults.map((f) => f.kind).join('+') || 'no-faults'}|${encodeDecisions(outcome.decisions)}`;
}

export function decodeReplay(
  text: string,
  available: readonly FaultSpec[],
): { faults: FaultSpec[]; decisions: Decision[] } {
  const bar = text.indexOf('|');
  const faultPart = bar === -1 ? '' : text.slice(0, bar);
  const kinds = faultPart === 'no-faults' || faultPart === '' ? [] : (faultPart.split('+') as FaultKind[]);
  const faults = kinds.map((kind) => available.find((f) => f.kind === kind) ?? { kind });
  return { faults, decisions: decodeDecisions(bar === -1 ? text : text.slice(bar + 1)) };
}
