import type { ExploreReport } from '../explore/types.js';
import {
  checkOnBrokers,
  matchesReference,
  referenceState,
  type HandlerLike,
  type ScenarioCheckOptions,
} from './handler-scenario.js';

/**
 * Out-of-order delivery ends in the in-order state: the events are published in every order racing
 * producers can produce (and redelivered), and the handler must converge on the state of the
 * in-order run.
 *
 * @example
 * ```ts
 * await expectConvergent({ handler: () => new OrderHandler(), events: [created, paid], observe: (h) => h.getOrder('1')?.status });
 * ```
 */
export async function expectConvergent<H extends HandlerLike>(
  options: ScenarioCheckOptions<H>,
): Promise<ExploreReport[]> {
  const reference = await referenceState(options);
  return checkOnBrokers({
    name: 'out-of-order delivery converges',
    options,
    shufflePublish: true,
    faults: [{ kind: 'duplicate', probability: 0.1 }],
    guarantees: { effects: 'at-least-once', order: 'none' },
    eventually: {
      'same state as in order': matchesReference(options, reference, 'after out-of-order delivery'),
    },
  });
}
