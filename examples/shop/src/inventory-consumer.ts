import type { OrderCreated } from './events.js';
import type { Inventory } from './inventory.js';

/** Reserves stock for every item of a new order. */
export class InventoryConsumer {
  constructor(protected readonly inventory: Inventory) {}

  async handle(event: OrderCreated): Promise<void> {
    for (const item of event.items) await this.inventory.reserve(item.sku, item.quantity);
  }
}
