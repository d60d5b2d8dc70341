import type { ExploreReport } from '../explore/types.js';
import {
  checkOnBrokers,
  matchesReference,
  referenceState,
  type HandlerLike,
  type ScenarioCheckOptions,
} from './handler-scenario.js';

/**
 * Partial failure loses nothing: when the handler's dependencies fail for a while (wrap them with
 * `failing`) and the consumer crashes before acks, every event is retried until it takes effect —
 * none lost, none dead-lettered — and the state matches a clean run.
 *
 * @example
 * ```ts
 * await expectNoLoss({
 *   handler: () => new OrderHandler({ inventory: failing(new InMemoryInventory(stock), { reserve: { fail: 2 } }) }),
 *   events: [created],
 * });
 * ```
 */
export async function expectNoLoss<H extends HandlerLike>(
  options: ScenarioCheckOptions<H>,
): Promise<ExploreReport[]> {
  const reference = await referenceState({ ...options, handler: options.handler });
  return checkOnBrokers({
    name: 'partial failures are retried, not lost',
    options: { ...options, maxAttempts: options.maxAttempts ?? 10 },
    faults: [
      { kind: 'crash-before-ack', probability: 0.2 },
      { kind: 'delay', probability: 0.2 },
    ],
    guarantees: { delivery: 'at-least-once', effects: 'at-least-once', order: 'none' },
    eventually: {
      'same state as a clean run': matchesReference(options, reference, 'after partial failures'),
    },
  });
}
