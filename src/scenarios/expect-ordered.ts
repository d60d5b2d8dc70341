import type { ExploreReport } from '../explore/types.js';
import {
  checkOnBrokers,
  matchesReference,
  referenceState,
  type HandlerLike,
  type ScenarioCheckOptions,
} from './handler-scenario.js';

/**
 * Per-key order holds end to end: for each key (partition key, FIFO group), the handler's effects
 * happen in publish order under redeliveries and rebalances, and the final state is the in-order one.
 *
 * @example
 * ```ts
 * await expectOrdered({ handler: () => new OrderHandler(), events: [created, paid, shipped], observe: (h) => h.getOrder('1')?.status });
 * ```
 */
export async function expectOrdered<H extends HandlerLike>(
  options: ScenarioCheckOptions<H>,
): Promise<ExploreReport[]> {
  const reference = await referenceState(options);
  return checkOnBrokers({
    name: 'per-key order is kept',
    options,
    requires: (broker) => broker.perKeyOrder,
    requirement: 'per-key order',
    faults: [
      { kind: 'crash-before-ack', probability: 0.1 },
      { kind: 'delay', probability: 0.2 },
    ],
    guarantees: { effects: 'at-least-once', order: 'per-key' },
    eventually: { 'same state as in order': matchesReference(options, reference, 'after delivery') },
  });
}
