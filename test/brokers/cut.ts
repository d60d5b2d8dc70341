// The "broker cut mid-test" check the issue asks of every probe: a probe behind a fault proxy waits
// for an order that never comes while the proxy resets every connection. Its timeout must arrive
// within `withinMs` and say what it waited for and what it saw (the probe's own words, `saw`).
import { expect } from 'vitest';
import { TimeoutError } from 'eventproof';
import type { BrokerProbe, Destination, FaultProxy } from 'eventproof/rabbitmq';
import { OrderCreated } from './events.js';

export async function expectCutReported<D extends Destination>(
  proxy: FaultProxy,
  probe: BrokerProbe<D>,
  destination: D,
  { timeoutMs, withinMs, saw }: { timeoutMs: number; withinMs: number; saw: string },
): Promise<void> {
  await probe.publish(destination, OrderCreated, { orderId: '1', amount: 1 });
  await probe.expect(destination).toReceive(OrderCreated);
  const started = performance.now();
  const error = await proxy.with({ type: 'reset_peer' }, () =>
    probe
      .expect(destination)
      .toReceive({ event: OrderCreated, where: { orderId: '2' } }, { timeoutMs })
      .catch((e: unknown) => e),
  );
  expect(performance.now() - started).toBeLessThan(withinMs);
  expect(error).toBeInstanceOf(TimeoutError);
  expect((error as Error).message).toContain(`0 of 1 arrived within ${timeoutMs} ms`);
  expect((error as Error).message).toMatch(new RegExp(`While waiting, the probe saw:\\n.*${saw}`));
}
