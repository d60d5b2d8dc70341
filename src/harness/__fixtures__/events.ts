// Contracts shared by the harness tests: a small order flow.
import { z } from 'zod';
import { defineEvent } from 'eventproof';

export const OrderCreated = defineEvent(
  'OrderCreated',
  z.object({
    orderId: z.string(),
    userId: z.string(),
    items: z.array(z.object({ sku: z.string(), quantity: z.number().int().positive() })),
  }),
  { key: (order) => order.orderId },
);

export const OrderUpdated = defineEvent(
  'OrderUpdated',
  z.object({ orderId: z.string(), status: z.enum(['paid', 'cancelled']) }),
  {
    key: (order) => order.orderId,
  },
);

export const OrderShipped = defineEvent(
  'OrderShipped',
  z.object({ orderId: z.string(), carrier: z.string() }),
  {
    key: (order) => order.orderId,
  },
);

export const allEvents = [OrderCreated, OrderUpdated, OrderShipped];

export const created = (orderId: string, userId = 'user1') =>
  OrderCreated.create({ orderId, userId, items: [{ sku: 'ABC', quantity: 2 }] });
