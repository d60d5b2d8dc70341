import { expectIdempotent } from 'eventproof';
import type { ExploreReport } from 'eventproof/explore';
import { OrderCreated, OrderShipped, OrderUpdated } from '../src/events.js';
import type { OrderHandler } from '../src/order-handler.js';
import { brokenShops, correctShop, type ShopVariant } from '../src/variants.js';

const events = [
  OrderCreated.create({
    orderId: '1',
    userId: 'u1',
    items: [{ sku: 'ABC', quantity: 1 }],
    amount: 10,
    idempotencyKey: 'checkout-1',
    createdAt: '2026-11-24T10:00:00.000Z',
  }),
  OrderUpdated.create({ orderId: '1', status: 'paid', version: 2 }),
  OrderShipped.create({ orderId: '1', carrier: 'DHL', shippedAt: '2026-11-24T12:00:00.000Z' }),
];

const observe = (handler: OrderHandler) => ({
  orders: handler.orderCount(),
  status: handler.getOrder('1')?.status,
});

/** The explorer's verdict on one build: the report, or the failure that carries it. */
export interface ExplorerVerdict {
  readonly variant: ShopVariant;
  readonly report: ExploreReport;
}

/**
 * The shop's order consumer on the simulated Kafka under duplicate deliveries and crashes before the
 * commit: the correct handler must hold, the non-idempotent build must be caught with a minimal trace.
 */
export async function exploreShop(seed = 1): Promise<ExplorerVerdict[]> {
  const verdicts: ExplorerVerdict[] = [];
  for (const variant of [correctShop, brokenShops.notIdempotent]) {
    try {
      const [report] = await expectIdempotent({
        handler: () => variant.orderHandler(),
        events,
        observe,
        seed,
        broker: 'kafka',
      });
      verdicts.push({ variant, report: report! });
    } catch (error) {
      const report = (error as { report?: ExploreReport }).report;
      if (!report) throw error;
      verdicts.push({ variant, report });
    }
  }
  return verdicts;
}
