import { randomUUID } from 'node:crypto';
import { OrderCreated, OrderShipped, OrderUpdated, PaymentReceived, type OrderStatus } from './events.js';
import { ORDERS_TOPIC, type Publisher } from './publisher.js';

export interface CreateOrderInput {
  userId: string;
  items: { sku: string; quantity: number }[];
  amount: number;
  idempotencyKey?: string;
}

/** The producer side: turns commands into events on the orders topic, keyed by order id. */
export class OrderService {
  private readonly versions = new Map<string, number>();

  constructor(private readonly deps: { publisher: Publisher; now?: () => Date; newId?: () => string }) {}

  async createOrder(input: CreateOrderInput): Promise<string> {
    const orderId = this.newId();
    const event = OrderCreated.create({
      orderId,
      userId: input.userId,
      items: input.items,
      amount: input.amount,
      idempotencyKey: input.idempotencyKey ?? this.newId(),
      createdAt: this.now().toISOString(),
    });
    this.versions.set(orderId, 1);
    await this.deps.publisher.publish(ORDERS_TOPIC, event, { key: orderId });
    return orderId;
  }

  async updateStatus(orderId: string, status: OrderStatus): Promise<void> {
    const version = (this.versions.get(orderId) ?? 1) + 1;
    this.versions.set(orderId, version);
    await this.deps.publisher.publish(ORDERS_TOPIC, OrderUpdated.create({ orderId, status, version }), {
      key: orderId,
    });
  }

  async recordPayment(orderId: string, paymentId: string, amount: number): Promise<void> {
    await this.deps.publisher.publish(ORDERS_TOPIC, PaymentReceived.create({ orderId, paymentId, amount }), {
      key: orderId,
    });
    await this.updateStatus(orderId, 'paid');
  }

  async shipOrder(orderId: string, carrier: string): Promise<void> {
    const event = OrderShipped.create({ orderId, carrier, shippedAt: this.now().toISOString() });
    await this.deps.publisher.publish(ORDERS_TOPIC, event, { key: orderId });
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private newId(): string {
    return this.deps.newId?.() ?? randomUUID();
  }
}
