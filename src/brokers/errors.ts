import { EventproofError, failure } from '../errors.js';

/**
 * No broker could be reached: not at the explicit URL, not at `EVENTPROOF_<BROKER>_URL`, not on the
 * conventional local port, and no Docker engine for Testcontainers. The message says how to get one.
 *
 * @example
 * ```ts
 * try {
 *   await using probe = await kafka.probe();
 * } catch (error) {
 *   if (error instanceof BrokerUnavailableError) console.log(error.tried);
 * }
 * ```
 */
export class BrokerUnavailableError extends EventproofError {
  /** `kafka`, `rabbitmq`, `sqs`. */
  readonly broker: string;
  /** Where eventproof looked, in order, with passwords redacted. */
  readonly tried: readonly string[];

  constructor(broker: string, reason: string, hint: string, tried: readonly string[], cause?: unknown) {
    super('BROKER_UNAVAILABLE', failure(`connect to ${broker}`, reason, hint), { cause });
    this.broker = broker;
    this.tried = tried;
  }
}

/** @internal Builds the house message for a broker operation that failed. */
export function brokerFailure(action: string, error: unknown, hint: string): string {
  const reason = error instanceof Error ? error.message : String(error);
  return failure(action, reason.replace(/\.$/, ''), hint);
}

/**
 * A broker call the probe made failed after it had connected: publishing, creating a topic or
 * queue, reading facts for `settled()`. The message names the operation, the redacted broker URL,
 * and the broker's own reason.
 *
 * @example
 * ```ts
 * await expect(probe.publish(orders, OrderCreated, order)).rejects.toThrow(BrokerOperationError);
 * ```
 */
export class BrokerOperationError extends EventproofError {
  readonly broker: string;
  readonly operation: string;

  constructor(broker: string, operation: string, url: string, cause: unknown, hint: string) {
    const reason = (cause instanceof Error ? describeCause(cause) : String(cause)).replace(/\.$/, '');
    super('BROKER_OPERATION_FAILED', failure(`${operation} on ${broker} at ${url}`, reason, hint), { cause });
    this.broker = broker;
    this.operation = operation;
  }
}

/** Client errors often wrap the useful part (ECONNREFUSED…) in `errors` or `cause`. */
function describeCause(error: Error): string {
  const inner = (error as { errors?: unknown[] }).errors?.find((e): e is Error => e instanceof Error);
  const cause = error.cause instanceof Error ? error.cause : inner;
  return cause !== undefined && !error.message.includes(cause.message)
    ? `${error.message} (${cause.message})`
    : error.message;
}
