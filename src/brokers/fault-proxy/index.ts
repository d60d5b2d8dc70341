import type { FaultProxyOptions } from './options.js';
import { FaultProxy } from './proxy.js';

/**
 * Starts a TCP proxy in front of a real broker; point the code under test at `proxy.address` (or
 * `proxy.url(brokerUrl)`) and inject faults with `proxy.with(toxic, body)`.
 *
 * @example
 * ```ts
 * await using proxy = await faultProxy({ upstream: '127.0.0.1:5672' });
 * const connection = await amqp.connect(proxy.url('amqp://guest:guest@127.0.0.1:5672'));
 * await proxy.with({ type: 'down' }, async () => {
 *   await expect(publishOrder(connection)).rejects.toThrow();
 * });
 * ```
 */
export function faultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  return FaultProxy.start(options);
}

export { FaultProxy };
