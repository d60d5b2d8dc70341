/** Raised when stock cannot be reserved; a consumer must retry, not drop, the order. */
export class InventoryError extends Error {
  override readonly name = 'InventoryError';
}

export interface Inventory {
  reserve(sku: string, quantity: number): Promise<void>;
  release(sku: string, quantity: number): Promise<void>;
  available(sku: string): number;
}

/** Stock held in memory; reserve fails when there is not enough. */
export class InMemoryInventory implements Inventory {
  private readonly stock: Map<string, number>;

  constructor(stock: Record<string, number>) {
    this.stock = new Map(Object.entries(stock));
  }

  reserve(sku: string, quantity: number): Promise<void> {
    const left = this.stock.get(sku) ?? 0;
    if (left < quantity)
      return Promise.reject(new InventoryError(`only ${left} of ${sku} left, ${quantity} requested`));
    this.stock.set(sku, left - quantity);
    return Promise.resolve();
  }

  release(sku: string, quantity: number): Promise<void> {
    this.stock.set(sku, (this.stock.get(sku) ?? 0) + quantity);
    return Promise.resolve();
  }

  available(sku: string): number {
    return this.stock.get(sku) ?? 0;
  }
}
