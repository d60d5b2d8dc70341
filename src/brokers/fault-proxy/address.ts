import { InvalidArgumentError, failure } from '../../errors.js';
import { hostPortOf } from '../endpoint.js';

/**
 * A TCP address.
 *
 * @example
 * ```ts
 * await faultProxy({ upstream: { host: '127.0.0.1', port: 5672 } });
 * ```
 */
export interface SocketAddress {
  readonly host: string;
  readonly port: number;
}

/** @internal */
export function addressOf(value: string | SocketAddress): SocketAddress {
  if (typeof value !== 'string') return value;
  const found = hostPortOf(value, 0);
  if (found === undefined || found.port === 0)
    throw new InvalidArgumentError(
      failure(
        'create a fault proxy',
        `cannot read a host and port from ${JSON.stringify(value)}`,
        "Pass upstream as 'host:port' or { host, port }",
      ),
    );
  return found;
}
