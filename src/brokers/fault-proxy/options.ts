import type { SocketAddress } from './address.js';

/**
 * Options of {@link faultProxy}.
 *
 * @example
 * ```ts
 * await using proxy = await faultProxy({ upstream: '127.0.0.1:5672', seed: 42 });
 * ```
 */
export interface FaultProxyOptions {
  /** The real broker: `host:port`, a URL, or `{ host, port }`. */
  readonly upstream: string | SocketAddress;
  /** Where the proxy listens. Default `127.0.0.1` on a free port. */
  readonly listen?: Partial<SocketAddress> | undefined;
  /** Seed of the draws for `probability`, jitter and slice sizes. Default random (printed in `proxy.seed`). */
  readonly seed?: number | undefined;
}
