import type { EndpointOptions } from '../provision.js';

/**
 * How to make a Kafka probe.
 *
 * @example
 * ```ts
 * await using probe = await kafka.probe({ url: '127.0.0.1:9092', label: 'orders' });
 * ```
 */
export interface KafkaProbeOptions extends EndpointOptions {
  /** Goes into every name the probe creates, to tell leftovers apart. Default `test`. */
  readonly label?: string | undefined;
  /** Client id of the probe's connections. Default `eventproof-probe`. */
  readonly clientId?: string | undefined;
}

/** @internal */
export const KAFKA_DEFAULTS = { clientId: 'eventproof-probe', label: 'test', pollMs: 20 } as const;
