import type {
  OrderCreated,
  OrderShipped,
  OrderStatus,
  OrderUpdated,
  PaymentReceived,
  ShopEvent,
} from './events.js';
import type { Inventory } from './inventory.js';

export interface Order {
  id: string;
  userId: string | undefined;
  status: OrderStatus;
  /** Version of the last status update applied; 0 until one arrives. */
  version: number;
  amount: number;
  paid: number;
}

/** Where a status may go next: a status never moves backwards, whatever order events arrive in. */
const RANK: Record<OrderStatus, number> = { created: 0, paid: 1, shipped: 2, cancelled: 3 };

/**
 * The consumer that keeps order state. It is safe under the broker's failure modes:
 * duplicates (idempotency key and payment id), out-of-order delivery (status rank and version),
 * and partial failure (reserved stock is released before the error propagates, so a retry starts clean).
 */
export class OrderHandler {
  /** The orders table: one row per order, as a database would hold it. */
  protected readonly rows: Order[] = [];
  protected readonly seenKeys = new Set<string>();
  protected readonly seenPayments = new Set<string>();

  constructor(protected readonly deps: { inventory?: Inventory } = {}) {}

  async handle(event: ShopEvent): Promise<void> {
    switch (event.type) {
      case 'OrderCreated':
        return this.onCreated(event);
      case 'OrderUpdated':
        return this.onUpdated(event);
      case 'OrderShipped':
        return this.onShipped(event);
      case 'PaymentReceived':
        return this.onPayment(event);
    }
  }

  getOrder(orderId: string): Order | undefined {
    return this.rows.find((row) => row.id === orderId);
  }

  orderCount(): number {
    return this.rows.length;
  }

  protected async onCreated(event: OrderCreated): Promise<void> {
    // Claim the key before the first await: a copy handled concurrently (a batch, a second consumer)
    // must see it taken. Give it back if the effect fails, so the retry can claim it again.
    if (this.seenKeys.has(event.idempotencyKey)) return;
    this.seenKeys.add(event.idempotencyKey);
    try {
      await this.reserveAll(event);
    } catch (error) {
      this.seenKeys.delete(event.idempotencyKey);
      throw error;
    }
    const early = this.getOrder(event.orderId);
    if (early) {
      // An update overtook its OrderCreated: keep the status it set, fill in the rest.
      early.userId = event.userId;
      early.amount = event.amount;
      return;
    }
    this.rows.push(this.newOrder(event));
  }

  /** The row an OrderCreated inserts. */
  protected newOrder(event: OrderCreated): Order {
    return {
      id: event.orderId,
      userId: event.userId,
      status: 'created',
      version: 0,
      amount: event.amount,
      paid: 0,
    };
  }

  protected onUpdated(event: OrderUpdated): void {
    const order = this.orderOrPlaceholder(event.orderId);
    if (event.version <= order.version) return;
    order.version = event.version;
    this.advance(order, event.status);
  }

  protected onShipped(event: OrderShipped): void {
    this.advance(this.orderOrPlaceholder(event.orderId), 'shipped');
  }

  protected onPayment(event: PaymentReceived): void {
    if (this.seenPayments.has(event.paymentId)) return;
    this.seenPayments.add(event.paymentId);
    this.orderOrPlaceholder(event.orderId).paid += event.amount;
  }

  protected advance(order: Order, status: OrderStatus): void {
    if (RANK[status] > RANK[order.status]) order.status = status;
  }

  protected orderOrPlaceholder(orderId: string): Order {
    let order = this.getOrder(orderId);
    if (!order) {
      order = { id: orderId, userId: undefined, status: 'created', version: 0, amount: 0, paid: 0 };
      this.rows.push(order);
    }
    return order;
  }

  protected async reserveAll(event: OrderCreated): Promise<void> {
    const { inventory } = this.deps;
    if (!inventory) return;
    const reserved: { sku: string; quantity: number }[] = [];
    try {
      for (const item of event.items) {
        await inventory.reserve(item.sku, item.quantity);
        reserved.push(item);
      }
    } catch (error) {
      for (const item of reserved) await inventory.release(item.sku, item.quantity);
      throw error;
    }
  }
}
