// The seed's order events, shared by the real-broker tests.
import { z } from 'zod';
import { defineEvent } from 'eventproof';

export const OrderCreated = defineEvent(
  'OrderCreated',
  z.object({ orderId: z.string(), amount: z.number() }),
  { key: (order) => order.orderId },
);

export const OrderShipped = defineEvent('OrderShipped', z.object({ orderId: z.string() }), {
  key: (order) => order.orderId,
});
