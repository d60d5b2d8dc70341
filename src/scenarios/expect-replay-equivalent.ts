import { isDeepStrictEqual, inspect } from 'node:util';
import { eventRegistry } from '../contracts/registry.js';
import { AssertionFailedError, failure } from '../errors.js';
import type { ExploreReport } from '../explore/types.js';
import {
  applyInOrder,
  checkOnBrokers,
  encodeAll,
  matchesReference,
  type HandlerLike,
  type ScenarioCheckOptions,
} from './handler-scenario.js';

const show = (value: unknown) => inspect(value, { depth: 4, breakLength: Infinity });

/**
 * Event sourcing holds: a projection rebuilt from the whole log (decoded from the stored bytes, so
 * upcasters apply) equals the live projection that consumed the same events under duplicates and
 * crashes, and replaying the log a second time into the rebuilt projection changes nothing.
 *
 * @example
 * ```ts
 * await expectReplayEquivalent({ handler: () => new RevenueProjection(), events: [paid1, paid2], observe: (p) => p.total });
 * ```
 */
export async function expectReplayEquivalent<H extends HandlerLike>(
  options: ScenarioCheckOptions<H> & { observe: (handler: H) => unknown },
): Promise<ExploreReport[]> {
  const { wires, contracts } = encodeAll(options.events);
  const registry = eventRegistry([...contracts, ...(options.contracts ?? [])]);
  const log = wires.map((wire) => registry.decode(wire).payload);
  const attempts = options.maxAttempts ?? 5;

  const rebuilt = options.handler();
  await applyInOrder(rebuilt, log, attempts);
  const once = options.observe(rebuilt);
  await applyInOrder(rebuilt, log, attempts);
  const twice = options.observe(rebuilt);
  if (!isDeepStrictEqual(once, twice)) {
    throw new AssertionFailedError(
      failure(
        'replay the log twice',
        `the projection changed on the second replay: ${show(once)} became ${show(twice)}`,
        'Make the projection idempotent under replay: track the last applied position or event id, or rebuild from an empty state',
      ),
      twice,
      once,
    );
  }
  return checkOnBrokers({
    name: 'the live projection equals the rebuilt one',
    options,
    faults: [
      { kind: 'duplicate', probability: 0.2 },
      { kind: 'crash-before-ack', probability: 0.2 },
    ],
    guarantees: { effects: 'at-least-once', order: 'per-key' },
    eventually: { 'live equals rebuilt from the log': matchesReference(options, once, 'live projection') },
  });
}
