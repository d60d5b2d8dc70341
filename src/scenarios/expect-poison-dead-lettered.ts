import type { ExploreReport } from '../explore/types.js';
import { checkOnBrokers, type HandlerLike, type ScenarioCheckOptions } from './handler-scenario.js';

/**
 * Poison goes to the dead-letter queue: malformed messages (raw bytes or strings among `events`)
 * are dead-lettered once, never processed, never retried, and the consumer keeps consuming the
 * valid events around them.
 *
 * @example
 * ```ts
 * await expectPoisonDeadLettered({ handler: () => new OrderHandler(), events: [created, 'not valid json', paid] });
 * ```
 */
export async function expectPoisonDeadLettered<H extends HandlerLike>(
  options: ScenarioCheckOptions<H>,
): Promise<ExploreReport[]> {
  return checkOnBrokers({
    name: 'poison is dead-lettered, the rest consumed',
    options,
    faults: [{ kind: 'crash-before-ack', probability: 0.1 }],
    guarantees: { delivery: 'at-least-once', effects: 'at-least-once', order: 'none' },
  });
}
