import type { InFlight, Simulation } from '../../sim/world.js';
import type { History } from '../history.js';
import type { Anomaly, Guarantees } from '../types.js';

export interface CheckInput {
  readonly history: History;
  readonly guarantees: Required<Guarantees>;
  readonly stuck: readonly InFlight[];
  /** True when the run ended because it hit the step budget, not because the world was quiet. */
  readonly exhausted: boolean;
  readonly sim: Simulation;
}

/** A checker reads one run's history and names what broke a promise, in Jepsen's vocabulary. */
export type Checker = (input: CheckInput) => Anomaly[];

export const at = (time: number): string => `${time}ms`;
