import { expect } from 'vitest';
import type { OrderHandler } from '../src/order-handler.js';
import type { OrderService } from '../src/order-service.js';

/** One order's whole life through the service: created, paid (payment + status), shipped. */
export async function orderLifecycle(
  service: OrderService,
  n: number,
): Promise<{ orderId: string; amount: number }> {
  const amount = 10 + n;
  const orderId = await service.createOrder({
    userId: `user-${n}`,
    items: [{ sku: 'SKU-1', quantity: 1 + (n % 3) }],
    amount,
  });
  await service.recordPayment(orderId, `pay-${orderId}`, amount);
  await service.shipOrder(orderId, 'DHL');
  return { orderId, amount };
}

/** The final state the handler must hold for each order: shipped, paid exactly once, nothing extra. */
export function expectAllShipped(
  handler: OrderHandler,
  orders: readonly { orderId: string; amount: number }[],
): void {
  for (const { orderId, amount } of orders)
    expect(handler.getOrder(orderId), orderId).toMatchObject({ status: 'shipped', amount, paid: amount });
  expect(handler.orderCount()).toBe(orders.length);
}
