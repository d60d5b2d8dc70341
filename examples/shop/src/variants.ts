import { z } from 'zod';
import { defineEvent, type EventType } from 'eventproof';
import { OrderCreated, OrderShipped, OrderUpdated, PaymentReceived } from './events.js';
import type { Inventory } from './inventory.js';
import { InventoryConsumer } from './inventory-consumer.js';
import { OrderHandler } from './order-handler.js';
import { OrderService } from './order-service.js';
import type { Publisher } from './publisher.js';
import type { OrderCreated as OrderCreatedPayload, OrderShipped as OrderShippedPayload } from './events.js';

/**
 * One build of the shop. The checks run against the correct build, which must pass, and against
 * deliberately broken builds, each of which one check must catch: a check that cannot fail proves nothing.
 */
export interface ShopVariant {
  readonly name: string;
  /** What is wrong with this build, in a sentence; empty for the correct shop. */
  readonly defect: string;
  readonly events: {
    readonly OrderCreated: EventType;
    readonly all: readonly EventType[];
  };
  orderService(publisher: Publisher): OrderService;
  inventoryConsumer(inventory: Inventory): InventoryConsumer;
  orderHandler(deps?: { inventory?: Inventory }): OrderHandler;
}

const correctEvents = { OrderCreated, all: [OrderCreated, OrderUpdated, OrderShipped, PaymentReceived] };

export const correctShop: ShopVariant = {
  name: 'correct',
  defect: '',
  events: correctEvents,
  orderService: (publisher) => new OrderService({ publisher }),
  inventoryConsumer: (inventory) => new InventoryConsumer(inventory),
  orderHandler: (deps) => new OrderHandler(deps),
};

// ── The broken builds ─────────────────────────────────────────────────────────────────────────────

/** Declares `createdAt` a Date: JSON turns it into a string, so the consumer never gets a Date back. */
const LossyOrderCreated = defineEvent(
  'OrderCreated',
  z.object({
    type: z.literal('OrderCreated').default('OrderCreated'),
    orderId: z.string(),
    userId: z.string(),
    amount: z.number().positive(),
    createdAt: z.date(),
  }),
);

/** Accepts anything with the right `type`: poison reaches the handler instead of the dead-letter queue. */
const LaxOrderCreated = defineEvent(
  'OrderCreated',
  z.looseObject({ type: z.literal('OrderCreated').default('OrderCreated') }),
);

class InventoryConsumerIgnoringQuantity extends InventoryConsumer {
  override async handle(event: OrderCreatedPayload): Promise<void> {
    for (const item of event.items) await this.inventory.reserve(item.sku, 1);
  }
}

class OrderHandlerWithoutIdempotency extends OrderHandler {
  protected override async onCreated(event: OrderCreatedPayload): Promise<void> {
    await this.reserveAll(event);
    this.rows.push(this.newOrder(event));
  }
}

class OrderHandlerIgnoringShipment extends OrderHandler {
  protected override onShipped(_event: OrderShippedPayload): void {}
}

class OrderHandlerLastWriteWins extends OrderHandler {
  protected override async onCreated(event: OrderCreatedPayload): Promise<void> {
    await this.reserveAll(event);
    const order = this.newOrder(event);
    const index = this.rows.findIndex((row) => row.id === event.orderId);
    if (index >= 0) this.rows[index] = order;
    else this.rows.push(order);
  }
}

class OrderHandlerSwallowingErrors extends OrderHandler {
  protected override async onCreated(event: OrderCreatedPayload): Promise<void> {
    try {
      await super.onCreated(event);
    } catch {
      // "We'll reconcile stock later": the message is acked and the order is gone.
    }
  }
}

const broken = (name: string, defect: string, changes: Partial<ShopVariant>): ShopVariant => ({
  ...correctShop,
  name,
  defect,
  ...changes,
});

/** The deliberately broken builds, one defect each. */
export const brokenShops = {
  lossyContract: broken('lossy-contract', 'OrderCreated declares createdAt a Date, which JSON cannot carry', {
    events: { OrderCreated: LossyOrderCreated, all: [LossyOrderCreated] },
  }),
  doublePublish: broken(
    'double-publish',
    'the service publishes OrderCreated twice (a retry wrapper that also retries on success)',
    {
      orderService: (publisher) =>
        new OrderService({
          publisher: {
            async publish(topic, event, options) {
              await publisher.publish(topic, event, options);
              await publisher.publish(topic, event, options);
            },
          },
        }),
    },
  ),
  ignoresQuantity: broken(
    'ignores-quantity',
    'the inventory consumer reserves one unit per item whatever the quantity',
    {
      inventoryConsumer: (inventory) => new InventoryConsumerIgnoringQuantity(inventory),
    },
  ),
  ignoresShipment: broken('ignores-shipment', 'the order handler has no case for OrderShipped', {
    orderHandler: (deps) => new OrderHandlerIgnoringShipment(deps),
  }),
  notIdempotent: broken(
    'not-idempotent',
    'the order handler inserts a row for every OrderCreated, duplicates included',
    {
      orderHandler: (deps) => new OrderHandlerWithoutIdempotency(deps),
    },
  ),
  lastWriteWins: broken(
    'last-write-wins',
    'a late OrderCreated overwrites the status an earlier-delivered update set',
    {
      orderHandler: (deps) => new OrderHandlerLastWriteWins(deps),
    },
  ),
  swallowsErrors: broken(
    'swallows-errors',
    'the order handler catches the inventory error, so the message is acked and lost',
    {
      orderHandler: (deps) => new OrderHandlerSwallowingErrors(deps),
    },
  ),
  laxContract: broken(
    'lax-contract',
    'OrderCreated accepts any object with the right type, so poison reaches the handler',
    {
      events: {
        OrderCreated: LaxOrderCreated,
        all: [LaxOrderCreated, OrderUpdated, OrderShipped, PaymentReceived],
      },
    },
  ),
} satisfies Record<string, ShopVariant>;
