import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineEvent, expectIdempotent, expectConvergent } from 'eventproof';

const PriceChanged = defineEvent(
  'PriceChanged',
  z.object({ sku: z.string(), price: z.number().int().positive(), version: z.number().int().positive() }),
  { key: (change) => change.sku },
);
type PriceChanged = ReturnType<typeof PriceChanged.create>;

class Catalogue {
  price = 0;
  version = 0;
  handle(event: PriceChanged) {
    if (event.version <= this.version) return; // stale or duplicate: ignore
    this.price = event.price;
    this.version = event.version;
  }
}

const changes = [1, 2, 3].map((version) =>
  PriceChanged.create({ sku: 'ABC', price: 100 + version, version }),
);

describe('critical scenarios, explored on simulated Kafka, RabbitMQ and SQS', () => {
  it('a duplicate price change changes nothing', async () => {
    await expectIdempotent({
      handler: () => new Catalogue(),
      events: changes,
      observe: (c) => [c.price, c.version],
    });
  });

  it('price changes arriving in any order end at the newest price', async () => {
    await expectConvergent({ handler: () => new Catalogue(), events: changes, observe: (c) => c.price });
  });

  it('catches last-write-wins, with the schedule that breaks it', async () => {
    class LastWriteWins extends Catalogue {
      override handle(event: PriceChanged) {
        this.price = event.price;
      }
    }
    await expect(
      expectConvergent({
        handler: () => new LastWriteWins(),
        events: changes,
        observe: (c) => c.price,
        seed: 1,
      }),
    ).rejects.toThrow(/out-of-order delivery: observed 10[12], but a clean in-order run gives 103/);
  });
});
