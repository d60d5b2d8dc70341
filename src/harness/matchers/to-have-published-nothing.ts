import type { MatcherResult, Outcome } from './outcome.js';
import { describeWithPayload, recordingFor, summary, toMatcherResult } from './outcome.js';

/** @internal */
export function publishedNothingOutcome(received: unknown): { label: string; outcome: Outcome } {
  const recording = recordingFor(received, 'toHavePublishedNothing');
  const records = recording.records();
  return {
    label: recording.label,
    outcome: {
      pass: records.length === 0,
      claim: 'published nothing',
      whyNot: `it published ${records.length === 1 ? '1 message' : `${records.length} messages`}`,
      whyNotNot: 'it published nothing',
      details: () => records.map((record) => `  ${describeWithPayload(record)}`),
      actual: records.map(summary),
      expected: [],
    },
  };
}

/**
 * Passes when nothing at all was published, poison included: the check for rejected commands.
 *
 * @example
 * ```ts
 * await expect(service.createOrder({ userId: 'user1', items: [] })).rejects.toThrow();
 * expect(publisher).toHavePublishedNothing();
 * ```
 */
export function toHavePublishedNothing(received: unknown): MatcherResult {
  const { label, outcome } = publishedNothingOutcome(received);
  return toMatcherResult(label, outcome);
}
