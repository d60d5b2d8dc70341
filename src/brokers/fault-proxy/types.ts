/**
 * Which way a toxic acts: on bytes from the client to the broker, or from the broker back.
 *
 * @example
 * ```ts
 * await proxy.with({ type: 'timeout', direction: 'upstream' }, () => placeOrder());
 * ```
 */
export type ToxicDirection = 'upstream' | 'downstream' | 'both';

interface ToxicBase {
  /** Default `downstream` (as in Toxiproxy), `both` for `down`, `reset_peer` and `timeout`. */
  readonly direction?: ToxicDirection | undefined;
  /** Chance that a connection is affected, drawn once per connection from the proxy's seed. Default 1. */
  readonly probability?: number | undefined;
}

/**
 * Delays every chunk by `latencyMs` ± `jitterMs`, keeping order.
 *
 * @example
 * ```ts
 * await proxy.with({ type: 'latency', latencyMs: 100, jitterMs: 20 }, () => placeOrder());
 * ```
 */
export interface LatencyToxic extends ToxicBase {
  readonly type: 'latency';
  readonly latencyMs: number;
  readonly jitterMs?: number | undefined;
}
/**
 * Limits throughput to `bytesPerSecond`.
 *
 * @example
 * ```ts
 * await proxy.with({ type: 'bandwidth', bytesPerSecond: 1024 }, () => placeOrder());
 * ```
 */
export interface BandwidthToxic extends ToxicBase {
  readonly type: 'bandwidth';
  readonly bytesPerSecond: number;
}
/**
 * The proxy refuses connections and closes the open ones: the broker is "down".
 *
 * @example
 * ```ts
 * await proxy.with({ type: 'down' }, () => placeOrder());
 * ```
 */
export interface DownToxic extends ToxicBase {
  readonly type: 'down';
}
/**
 * Resets affected connections (TCP RST) after `afterMs` (default 0).
 *
 * @example
 * ```ts
 * await proxy.with({ type: 'reset_peer', afterMs: 50 }, () => placeOrder());
 * ```
 */
export interface ResetPeerToxic extends ToxicBase {
  readonly type: 'reset_peer';
  readonly afterMs?: number | undefined;
}
/**
 * A black hole: data is swallowed; the connection closes after `afterMs`, or never when 0 (default).
 *
 * @example
 * ```ts
 * await proxy.with({ type: 'timeout', afterMs: 1000 }, () => placeOrder());
 * ```
 */
export interface TimeoutToxic extends ToxicBase {
  readonly type: 'timeout';
  readonly afterMs?: number | undefined;
}
/**
 * Cuts chunks into slices of `averageSize` ± `sizeVariation` bytes, `delayMs` apart.
 *
 * @example
 * ```ts
 * await proxy.with({ type: 'slicer', averageSize: 8, sizeVariation: 4, delayMs: 1 }, () => placeOrder());
 * ```
 */
export interface SlicerToxic extends ToxicBase {
  readonly type: 'slicer';
  readonly averageSize: number;
  readonly sizeVariation?: number | undefined;
  readonly delayMs?: number | undefined;
}
/**
 * Closes the connection once `bytes` have passed in the toxic's direction.
 *
 * @example
 * ```ts
 * await proxy.with({ type: 'limit_data', bytes: 100, direction: 'upstream' }, () => placeOrder());
 * ```
 */
export interface LimitDataToxic extends ToxicBase {
  readonly type: 'limit_data';
  readonly bytes: number;
}

/**
 * A fault, in Toxiproxy's vocabulary.
 *
 * @example
 * ```ts
 * const slow: Toxic = { type: 'latency', latencyMs: 200, jitterMs: 50, direction: 'downstream' };
 * ```
 */
export type Toxic =
  LatencyToxic | BandwidthToxic | DownToxic | ResetPeerToxic | TimeoutToxic | SlicerToxic | LimitDataToxic;

/**
 * What the proxy has seen; handy in assertions ("the client retried: 3 connections").
 *
 * @example
 * ```ts
 * expect(proxy.stats().connections).toBe(3);
 * ```
 */
export interface FaultProxyStats {
  readonly connections: number;
  readonly open: number;
  readonly bytesUpstream: number;
  readonly bytesDownstream: number;
  /** Connections refused or closed because of a toxic. */
  readonly cut: number;
}
