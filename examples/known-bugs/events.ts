import { z } from 'zod';
import { defineEvent } from 'eventproof';

export const AccountCredited = defineEvent(
  'AccountCredited',
  z.object({ accountId: z.string(), creditId: z.string(), amount: z.number().int().positive() }),
  { key: (credit) => credit.accountId },
);
export type AccountCredited = ReturnType<typeof AccountCredited.create>;

export const AccountOpened = defineEvent('AccountOpened', z.object({ accountId: z.string() }), {
  key: (opened) => opened.accountId,
});
export type AccountOpened = ReturnType<typeof AccountOpened.create>;

export const PriceChanged = defineEvent(
  'PriceChanged',
  z.object({
    productId: z.string(),
    price: z.number().int().positive(),
    version: z.number().int().positive(),
  }),
  { key: (change) => change.productId },
);
export type PriceChanged = ReturnType<typeof PriceChanged.create>;

export const credit = (creditId: string, amount: number, accountId = 'acc-1') =>
  AccountCredited.create({ accountId, creditId, amount });
export const opened = (accountId = 'acc-1') => AccountOpened.create({ accountId });
export const price = (version: number, value: number, productId = 'sku-1') =>
  PriceChanged.create({ productId, price: value, version });

/** A payment service that is down for the first `downFor` calls of each handler instance. */
export class Ledger {
  readonly entries: string[] = [];
  private calls = 0;
  constructor(private readonly downFor = 0) {}
  async write(entry: string): Promise<void> {
    await Promise.resolve();
    if (++this.calls <= this.downFor) throw new Error(`ledger unavailable (call ${this.calls})`);
    this.entries.push(entry);
  }
}
