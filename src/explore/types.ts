import type { FaultKind, FaultSpec } from '../sim/faults.js';
import type { TraceEvent } from '../sim/trace.js';
import type { Simulation } from '../sim/world.js';

/** What the system under test promises; decides which anomalies count. */
export interface Guarantees {
  /** `at-least-once`: nothing acknowledged may be lost. `at-most-once`: loss is allowed. Default at-least-once. */
  readonly delivery?: 'at-least-once' | 'at-most-once';
  /** `exactly-once`: a duplicate delivery must not repeat the effect. Default exactly-once. */
  readonly effects?: 'exactly-once' | 'at-least-once';
  /** `per-key`: effects for one key happen in publish order. Default per-key. */
  readonly order?: 'per-key' | 'none';
}

/** What a scenario tells the explorer while it runs. */
export interface ScenarioContext {
  readonly sim: Simulation;
  /** A logical message the scenario publishes: its id, ordering key and sequence within the key. */
  published(id: string, meta?: { key?: string; seq?: number; poison?: boolean }): void;
  /** The handler applied the effect of message `id` (call it where the side effect happens). */
  applied(id: string): void;
  /** The message `id` reached the dead-letter queue. */
  deadLettered(id: string, reason?: string): void;
  /** The handler was handed message `id` (for retry and poison accounting). */
  delivered(id: string): void;
}

/** An invariant: return false or a string, or throw (e.g. a failing `expect`), to report a violation. */
export type Invariant<State> = (state: State) => unknown;

/**
 * A scenario builds a world on the simulator, publishes, and states what must hold.
 *
 * @example
 * ```ts
 * const scenario = defineScenario({
 *   name: 'orders are processed once',
 *   setup: async ({ sim, published, applied }) => { … return state; },
 *   eventually: { 'every order is paid': (state) => state.orders.every((o) => o.status === 'paid') },
 * });
 * ```
 */
export interface Scenario<State = unknown> {
  readonly name: string;
  readonly guarantees?: Guarantees;
  setup(context: ScenarioContext): State | Promise<State>;
  /** Must hold after every step. */
  readonly always?: Readonly<Record<string, Invariant<State>>>;
  /** Must hold when the world is quiet. */
  readonly eventually?: Readonly<Record<string, Invariant<State>>>;
  /** Must hold in at least one run; otherwise the schedule space was not covered. */
  readonly sometimes?: Readonly<Record<string, Invariant<State>>>;
  /** Steps before a run counts as never quiescing (stuck). Default 100,000. */
  readonly maxSteps?: number;
  /** Virtual time before a run counts as never quiescing (stuck). Default one hour. */
  readonly maxVirtualMs?: number;
}

export type AnomalyKind =
  | 'lost'
  | 'unexpected'
  | 'duplicated-effect'
  | 'reordered'
  | 'stuck'
  | 'dead-lettered-valid'
  | 'poison-retried'
  | 'poison-processed'
  | 'dlq-accounting'
  | 'invariant'
  | 'error';

export interface Anomaly {
  readonly kind: AnomalyKind;
  /** The message or invariant it is about. */
  readonly subject: string;
  /** One English sentence (or two) saying what happened and why it breaks the promise. */
  readonly explanation: string;
}

export interface AnomalySummary {
  readonly kind: AnomalyKind;
  readonly count: number;
  /** Up to 8 examples. */
  readonly examples: readonly Anomaly[];
}

export type StrategyName = 'random' | 'pct' | 'swarm';

export interface ExploreOptions {
  /** How many schedules to try. Default 200 (ignored when `timeLimitMs` is set and `runs` is not). */
  readonly runs?: number;
  /** Explore until this much real time has passed. */
  readonly timeLimitMs?: number;
  /** Seed of the exploration; a failure prints it. Default: EVENTPROOF_SEED, else random. */
  readonly seed?: number;
  /** How schedules are chosen. Default: a mix of all three. */
  readonly strategy?: StrategyName | readonly StrategyName[];
  /** Faults the explorer may turn on (swarm picks a random subset per run). Default: none. */
  readonly faults?: readonly (FaultKind | FaultSpec)[];
  /** Replays one schedule exactly, as printed by a failing report (`EVENTPROOF_REPLAY`). */
  readonly replay?: string;
  /** Called after each schedule, e.g. for a progress line. */
  readonly onProgress?: (progress: { runs: number; anomalies: number; elapsedMs: number }) => void;
}

export interface ExploreReport {
  readonly scenario: string;
  readonly valid: boolean;
  readonly runs: number;
  readonly seed: number;
  readonly elapsedMs: number;
  readonly anomalies: readonly AnomalySummary[];
  /** `sometimes` invariants that held in no run: the exploration did not cover that part of the space. */
  readonly uncovered: readonly string[];
  /** The shrunk failing schedule, when there is one. */
  readonly minimal?: {
    readonly trace: readonly TraceEvent[];
    readonly renderedTrace: string;
    readonly decisions: number;
    readonly faults: readonly string[];
    /** Paste into `explore(…, { replay })` or `EVENTPROOF_REPLAY`. */
    readonly replay: string;
    readonly repro: string;
  };
  /** Nondeterminism seen while replaying the minimal schedule twice. */
  readonly determinism: { readonly deterministic: boolean; readonly notes: readonly string[] };
}
