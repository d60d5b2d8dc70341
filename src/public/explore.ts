// The public API of 'eventproof/explore': the schedule explorer. Every export is listed by name.
export { explore, check, defineScenario, ExplorationFailedError } from '../explore/explorer.js';
export { formatReport } from '../explore/report.js';
export type {
  Anomaly,
  AnomalyKind,
  AnomalySummary,
  ExploreOptions,
  ExploreReport,
  Guarantees,
  Invariant,
  Scenario,
  ScenarioContext,
  StrategyName,
} from '../explore/types.js';
