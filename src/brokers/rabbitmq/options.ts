import type { EndpointOptions } from '../provision.js';

/**
 * How to make a RabbitMQ probe.
 *
 * @example
 * ```ts
 * await using probe = await rabbitmq.probe({ url: 'amqp://guest:guest@127.0.0.1:5672' });
 * ```
 */
export interface RabbitMqProbeOptions extends EndpointOptions {
  /** Goes into every name the probe creates. Default `test`. */
  readonly label?: string | undefined;
  /**
   * The management API, used by `settled()` for unacknowledged counts. Default `http://<amqp host>:15672`
   * with the AMQP URL's credentials; `false` to judge by ready counts only.
   */
  readonly managementUrl?: string | false | undefined;
}

/** @internal */
export const RABBITMQ_DEFAULTS = { label: 'test', pollMs: 20, managementPort: 15672 } as const;
