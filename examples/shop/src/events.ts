import { z } from 'zod';
import { defineEvent } from 'eventproof';

/** Every shop event names itself in a `type` field, so one topic can carry them all. */
const typed = <const T extends string>(type: T) => z.literal(type).default(type);

const OrderItem = z.object({ sku: z.string().min(1), quantity: z.number().int().positive() });

export const OrderCreated = defineEvent(
  'OrderCreated',
  z.object({
    type: typed('OrderCreated'),
    orderId: z.string().min(1),
    userId: z.string().min(1),
    items: z.array(OrderItem).min(1),
    amount: z.number().positive(),
    /** Set by the client per checkout attempt: a retried checkout must not create a second order. */
    idempotencyKey: z.string().min(1),
    createdAt: z.iso.datetime(),
  }),
  { key: (order) => order.orderId },
);

export const OrderStatus = z.enum(['created', 'paid', 'shipped', 'cancelled']);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const OrderUpdated = defineEvent(
  'OrderUpdated',
  z.object({
    type: typed('OrderUpdated'),
    orderId: z.string().min(1),
    status: OrderStatus,
    /** Monotonic per order: lets a consumer tell a stale update from a new one. */
    version: z.number().int().positive(),
  }),
  { key: (update) => update.orderId },
);

export const OrderShipped = defineEvent(
  'OrderShipped',
  z.object({
    type: typed('OrderShipped'),
    orderId: z.string().min(1),
    carrier: z.string().min(1),
    shippedAt: z.iso.datetime(),
  }),
  { key: (shipment) => shipment.orderId },
);

export const PaymentReceived = defineEvent(
  'PaymentReceived',
  z.object({
    type: typed('PaymentReceived'),
    orderId: z.string().min(1),
    paymentId: z.string().min(1),
    amount: z.number().positive(),
  }),
  { key: (payment) => payment.orderId },
);

export const shopEvents = [OrderCreated, OrderUpdated, OrderShipped, PaymentReceived] as const;

export type OrderCreated = ReturnType<typeof OrderCreated.create>;
export type OrderUpdated = ReturnType<typeof OrderUpdated.create>;
export type OrderShipped = ReturnType<typeof OrderShipped.create>;
export type PaymentReceived = ReturnType<typeof PaymentReceived.create>;
export type ShopEvent = OrderCreated | OrderUpdated | OrderShipped | PaymentReceived;
