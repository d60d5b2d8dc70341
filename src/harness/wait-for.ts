import type { EventType, PayloadOf } from '../contracts/types.js';
import { failure, InvalidArgumentError, TimeoutError } from '../errors.js';
import { checkWhere } from './compare.js';
import { describeExpectation } from './format.js';
import { describeNearMisses, nearMisses } from './near-misses.js';
import {
  type PublishedEvent,
  type PublishedRecord,
  type Recording,
  recordingOf,
  type Where,
} from './types.js';

export interface WaitForOptions<Payload> {
  /** Only records whose payload matches: a deep partial object or a predicate. */
  readonly where?: Where<Payload>;
  /** How long to wait in real milliseconds (fake timers apply). Default 1000. */
  readonly timeoutMs?: number;
}

/** @internal */
export function requireRecording(target: unknown, action: string): Recording {
  const recording = recordingOf(target);
  if (!recording) {
    throw new InvalidArgumentError(
      failure(
        action,
        'it was given something that is not a recordingPublisher() or one of its recorders',
        'Pass the publisher double (or its .kafka(), .amqp(), .sqs() recorder) that the code under test used',
      ),
    );
  }
  return recording;
}

/** @internal */
export function findMatch<E extends EventType>(
  records: readonly PublishedRecord[],
  type: E,
  where?: unknown,
) {
  return records.find(
    (record): record is PublishedEvent<PayloadOf<E>> =>
      record.kind === 'event' && record.event === type.name && checkWhere(where, record).matched,
  );
}

/**
 * Waits until a publisher (or one of its recorders) has recorded an event of `type` matching `where`,
 * whether it was published already or arrives later. Rejects with a {@link TimeoutError} that names
 * what was awaited and lists what was published instead, nearest first.
 *
 * @example
 * ```ts
 * const publisher = recordingPublisher({ events: [OrderShipped] });
 * void shipLater(publisher);
 * const shipped = await waitFor(publisher, OrderShipped, { where: { orderId: '1' }, timeoutMs: 500 });
 * expect(shipped.payload.carrier).toBe('ups');
 * ```
 */
export function waitFor<E extends EventType>(
  target: unknown,
  type: E,
  options: WaitForOptions<PayloadOf<E>> = {},
): Promise<PublishedEvent<PayloadOf<E>>> {
  const timeoutMs = options.timeoutMs ?? 1000;
  const where: unknown = options.where;
  return new Promise((resolve, reject) => {
    // Thrown inside the executor, argument errors become rejections like every other failure here.
    const recording = requireRecording(target, `wait for ${type.name}`);
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
      throw new InvalidArgumentError(
        failure(
          `wait for ${type.name}`,
          `timeoutMs must be a non-negative number, got ${String(timeoutMs)}`,
          'Use e.g. { timeoutMs: 1000 }',
        ),
      );
    }
    const already = findMatch(recording.records(), type, where);
    if (already) {
      resolve(already);
      return;
    }
    const unsubscribe = recording.subscribe((record) => {
      const match = findMatch([record], type, where);
      if (!match) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(match);
    });
    const timer = setTimeout(() => {
      unsubscribe();
      const misses = nearMisses(recording.records(), type, where);
      const message = [
        failure(
          `wait for ${describeExpectation(type, where)}`,
          `nothing matching was published to ${recording.label} within ${timeoutMs}ms`,
          'Check that the code under test publishes it (and is awaited), or raise timeoutMs',
        ),
        ...describeNearMisses(misses),
      ].join('\n');
      reject(new TimeoutError(message, timeoutMs, misses));
    }, timeoutMs);
  });
}
