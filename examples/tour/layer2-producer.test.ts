import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import 'eventproof/vitest';
import { defineEvent, recordingPublisher } from 'eventproof';

const OrderCreated = defineEvent('OrderCreated', z.object({ orderId: z.string(), userId: z.string() }));
const OrderShipped = defineEvent('OrderShipped', z.object({ orderId: z.string() }));

// The code under test takes a publisher; in production it wraps kafkajs, amqplib or SQS.
class OrderService {
  constructor(
    private readonly publisher: {
      publish(topic: string, event: object, options?: { key?: string }): Promise<void>;
    },
  ) {}

  async createOrder(userId: string) {
    const orderId = `order-${userId}`;
    await this.publisher.publish('orders', OrderCreated.create({ orderId, userId }), { key: orderId });
    return orderId;
  }
}

describe('Layer 2: producers', () => {
  it('emits one OrderCreated for the user', async () => {
    const publisher = recordingPublisher({ events: [OrderCreated, OrderShipped] });
    const service = new OrderService(publisher);

    await service.createOrder('user1');

    expect(publisher).toHavePublishedTimes(OrderCreated, 1, { userId: 'user1' });
    expect(publisher).not.toHavePublished(OrderShipped);
  });

  it('records what code sends through a kafkajs producer, decoded through the contracts', async () => {
    const publisher = recordingPublisher({ events: [OrderCreated] });
    const producer = publisher.kafka(); // also: publisher.amqp() for amqplib, publisher.sqs() for the SQS client

    await producer.send({
      topic: 'orders',
      messages: [{ key: '1', value: JSON.stringify({ orderId: '1', userId: 'u' }) }],
    });

    expect(publisher).toHavePublished(OrderCreated, { orderId: '1' });
  });

  it('waits for events published later, and says what came instead on a timeout', async () => {
    const publisher = recordingPublisher({ events: [OrderCreated] });
    setTimeout(() => void publisher.publish('orders', OrderCreated.create({ orderId: '2', userId: 'u' })), 5);

    const record = await publisher.waitFor(OrderCreated, { where: { orderId: '2' }, timeoutMs: 500 });
    expect(record.key).toBeUndefined();

    await expect(publisher.waitFor(OrderCreated, { where: { orderId: '3' }, timeoutMs: 20 })).rejects.toThrow(
      /orderId/,
    );
  });
});
