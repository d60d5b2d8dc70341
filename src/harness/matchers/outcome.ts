import { AssertionFailedError, failure, InvalidArgumentError } from '../../errors.js';
import type { EventType } from '../../contracts/types.js';
import { checkWhere } from '../compare.js';
import { describeRecord, show } from '../format.js';
import type { PublishedEvent, PublishedRecord, Recording } from '../types.js';
import { requireRecording } from '../wait-for.js';

/** What every eventproof matcher returns: the shape vitest and jest draw diffs from. */
export interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
  readonly actual: unknown;
  readonly expected: unknown;
}

/**
 * A matcher's finding, phrased once and rendered twice: as a runner message (`Expected … to have …`)
 * and as an {@link AssertionFailedError} in the house form for node:test.
 * @internal
 */
export interface Outcome {
  readonly pass: boolean;
  /** Completes "Expected X to have …" and "assert that X …": `published OrderShipped`. */
  readonly claim: string;
  /** Why the positive claim failed: `it published none`. */
  readonly whyNot: string;
  /** Why the negated claim failed: `it published 1`. */
  readonly whyNotNot: string;
  readonly details: () => readonly string[];
  readonly actual: unknown;
  readonly expected: unknown;
}

/** @internal */
export function toMatcherResult(label: string, outcome: Outcome): MatcherResult {
  return {
    pass: outcome.pass,
    actual: outcome.actual,
    expected: outcome.expected,
    message: () =>
      [
        outcome.pass
          ? `Expected ${label} not to have ${outcome.claim}, but ${outcome.whyNotNot}.`
          : `Expected ${label} to have ${outcome.claim}, but ${outcome.whyNot}.`,
        ...outcome.details(),
      ].join('\n'),
  };
}

/** @internal Throws the node:test flavour of a failed outcome. */
export function assertOutcome(label: string, outcome: Outcome): void {
  if (outcome.pass) return;
  const message = [
    failure(`assert that ${label} ${outcome.claim}`, outcome.whyNot),
    ...outcome.details(),
  ].join('\n');
  throw new AssertionFailedError(message, outcome.actual, outcome.expected);
}

/** @internal */
export function recordingFor(received: unknown, matcher: string): Recording {
  return requireRecording(received, `check ${matcher}`);
}

/** @internal */
export function requireEventType(type: unknown, matcher: string): EventType {
  const candidate = type as Partial<EventType> | undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.name !== 'string' ||
    typeof candidate.decode !== 'function'
  ) {
    throw new InvalidArgumentError(
      failure(
        `check ${matcher}`,
        `expected an event contract made by defineEvent() but got ${show(type)}`,
        `Write e.g. ${matcher}(OrderCreated, { orderId: '1' })`,
      ),
    );
  }
  return candidate as EventType;
}

/** @internal */
export const matchesOf = (
  records: readonly PublishedRecord[],
  type: EventType,
  where?: unknown,
): PublishedEvent[] =>
  records.filter(
    (record): record is PublishedEvent =>
      record.kind === 'event' && record.event === type.name && checkWhere(where, record).matched,
  );

/** @internal `#2 OrderShipped to "orders": {"orderId":"1"}` */
export const describeWithPayload = (record: PublishedRecord) =>
  record.kind === 'poison' ? describeRecord(record) : `${describeRecord(record)}: ${show(record.payload)}`;

/** @internal A diffable summary of a record. */
export const summary = (record: PublishedRecord | undefined) =>
  record === undefined
    ? undefined
    : record.kind === 'poison'
      ? { poison: record.error.reason, topic: record.topic }
      : { event: record.event, topic: record.topic, payload: record.payload };

/** @internal */
export const times = (n: number) => (n === 1 ? '1 time' : `${n} times`);
