import { failure, InvalidArgumentError } from '../errors.js';

/**
 * Time that only moves when told to. The consumer harness schedules retries on it, so a test can
 * jump over a minute of backoff in no real time.
 * @internal
 */
export interface VirtualClock {
  /** Milliseconds since the clock started. */
  now(): number;
  /** Moves time forward to `time`; moving backwards is a bug in the caller. */
  advanceTo(time: number): void;
}

/** @internal */
export function virtualClock(start = 0): VirtualClock {
  let current = start;
  return {
    now: () => current,
    advanceTo(time) {
      if (!(time >= current)) {
        throw new InvalidArgumentError(
          failure(
            'advance the virtual clock',
            `it cannot go back from ${current}ms to ${time}ms`,
            'Advance by a non-negative number of milliseconds',
          ),
        );
      }
      current = time;
    },
  };
}
