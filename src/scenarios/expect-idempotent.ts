import type { ExploreReport } from '../explore/types.js';
import {
  checkOnBrokers,
  matchesReference,
  referenceState,
  type HandlerLike,
  type ScenarioCheckOptions,
} from './handler-scenario.js';

/**
 * Duplicates are harmless: under duplicate deliveries and crashes before the ack, the handler ends
 * in the same state as a clean run that saw each event once. Throws the explorer's report (minimal
 * schedule, trace, repro) when it does not.
 *
 * @example
 * ```ts
 * it('handles duplicate OrderCreated safely', () =>
 *   expectIdempotent({ handler: () => new OrderHandler(), events: [created], observe: (h) => h.orderCount() }));
 * ```
 */
export async function expectIdempotent<H extends HandlerLike>(
  options: ScenarioCheckOptions<H>,
): Promise<ExploreReport[]> {
  const reference = await referenceState(options);
  return checkOnBrokers({
    name: 'duplicates change nothing',
    options,
    faults: [
      { kind: 'duplicate', probability: 0.2 },
      { kind: 'crash-before-ack', probability: 0.2 },
    ],
    guarantees: { effects: 'at-least-once', order: 'none' },
    eventually: { 'same state as each event once': matchesReference(options, reference, 'after duplicates') },
  });
}
