import type { EventType, PayloadOf } from '../../contracts/types.js';
import { failure, InvalidArgumentError } from '../../errors.js';
import { checkWhere } from '../compare.js';
import { describeExpectation } from '../format.js';
import { describeNearMisses, nearMisses } from '../near-misses.js';
import type { PublishedEvent, Where } from '../types.js';
import {
  type MatcherResult,
  type Outcome,
  recordingFor,
  requireEventType,
  toMatcherResult,
} from './outcome.js';

/** One step of an expected order: a contract, or a contract with a partial payload or predicate. */
export type OrderStep<E extends EventType = EventType> = E | readonly [E, Where<PayloadOf<E>>];

const stepParts = (step: unknown): [EventType, unknown] => {
  if (Array.isArray(step)) return [requireEventType(step[0], 'toHavePublishedInOrder'), step[1]];
  return [requireEventType(step, 'toHavePublishedInOrder'), undefined];
};

/** @internal */
export function publishedInOrderOutcome(
  received: unknown,
  steps: readonly OrderStep[],
): { label: string; outcome: Outcome } {
  const recording = recordingFor(received, 'toHavePublishedInOrder');
  if (!Array.isArray(steps) || steps.length === 0) {
    throw new InvalidArgumentError(
      failure(
        'check toHavePublishedInOrder',
        'it needs a non-empty array of steps',
        'Write e.g. toHavePublishedInOrder([OrderCreated, [OrderUpdated, { status: "paid" }], OrderShipped])',
      ),
    );
  }
  const parts = steps.map(stepParts);
  const records = recording.records();
  const matchesStep = (
    record: (typeof records)[number],
    [type, where]: [EventType, unknown],
  ): record is PublishedEvent =>
    record.kind === 'event' && record.event === type.name && checkWhere(where, record).matched;

  // Earliest-match greedy search: if any subsequence matches, this finds one.
  const matched: PublishedEvent[] = [];
  let from = 0;
  let failedAt: number | undefined;
  for (const [index, part] of parts.entries()) {
    const position = records.findIndex((record, i) => i >= from && matchesStep(record, part));
    if (position === -1) {
      failedAt = index;
      break;
    }
    matched.push(records[position] as PublishedEvent);
    from = position + 1;
  }

  const names = parts.map(([type, where]) => describeExpectation(type, where));
  const details = (): string[] => {
    if (failedAt === undefined)
      return [
        `Matched in order: ${matched.map((record) => `#${record.sequence} ${record.event}`).join(', ')}`,
      ];
    const part = parts[failedAt] as [EventType, unknown];
    const lines = matched.map((record, i) => `  step ${i + 1} ${names[i] ?? ''}: #${record.sequence}`);
    const earlier = records.slice(0, from).find((record) => matchesStep(record, part));
    if (earlier)
      lines.push(
        `  step ${failedAt + 1} ${names[failedAt] ?? ''}: published at #${earlier.sequence}, before the previous step (out of order)`,
      );
    const rest = records.slice(from);
    const misses = describeNearMisses(nearMisses(rest, part[0], part[1]));
    return [
      ...(lines.length > 0 ? ['Steps:', ...lines] : []),
      ...(from > 0
        ? misses.map((line) => line.replace('Published instead', `Published after #${from}`))
        : misses),
    ];
  };

  return {
    label: recording.label,
    outcome: {
      pass: failedAt === undefined,
      claim: `published in order: ${names.join(', ')}`,
      whyNot:
        failedAt === undefined
          ? ''
          : failedAt === 0
            ? `step 1 (${names[0] ?? ''}) was never published`
            : `step ${failedAt + 1} (${names[failedAt] ?? ''}) was not published after step ${failedAt} (#${matched[failedAt - 1]?.sequence ?? '?'})`,
      whyNotNot: 'they were published in that order',
      details,
      actual: records.map(
        (record) => record.event ?? `poison (${record.kind === 'poison' ? record.error.reason : ''})`,
      ),
      expected: parts.map(([type]) => type.name),
    },
  };
}

/**
 * Passes when the steps were published in this order, other events allowed in between (a subsequence).
 * A step is a contract or `[contract, partial]`.
 *
 * @example
 * ```ts
 * expect(publisher).toHavePublishedInOrder([
 *   OrderCreated,
 *   [OrderUpdated, { status: 'paid' }],
 *   OrderShipped,
 * ]);
 * ```
 */
export function toHavePublishedInOrder(received: unknown, steps: readonly OrderStep[]): MatcherResult {
  const { label, outcome } = publishedInOrderOutcome(received, steps);
  return toMatcherResult(label, outcome);
}
