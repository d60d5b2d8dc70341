import { describe, expect, it, vi } from 'vitest';
import { callsOf, failing, InjectedFailureError, InvalidArgumentError } from 'eventproof';

class InventoryError extends Error {}

class Inventory {
  #stock = new Map([['ABC', 10]]);
  calls = 0;

  async reserve(sku: string, quantity: number): Promise<number> {
    await Promise.resolve();
    const left = (this.#stock.get(sku) ?? 0) - quantity;
    this.#stock.set(sku, left);
    return left;
  }

  available(sku: string): number {
    this.calls++;
    return this.#stock.get(sku) ?? 0;
  }

  release(sku: string): Promise<void> {
    this.#stock.set(sku, (this.#stock.get(sku) ?? 0) + 1);
    return Promise.resolve();
  }
}

describe('failing', () => {
  it('throws N times, then runs the real method', async () => {
    const inventory = failing(new Inventory(), { reserve: { fail: 2 } });
    await expect(inventory.reserve('ABC', 2)).rejects.toThrow(InjectedFailureError);
    await expect(inventory.reserve('ABC', 2)).rejects.toThrow(InjectedFailureError);
    await expect(inventory.reserve('ABC', 2)).resolves.toBe(8);
    expect(callsOf(inventory, 'reserve').map((call) => [call.call, call.outcome, call.injected])).toEqual([
      [1, 'threw', true],
      [2, 'threw', true],
      [3, 'returned', false],
    ]);
  });

  it("always throws with 'always' and with { fail: Infinity }", async () => {
    for (const plan of ['always', { fail: Infinity }] as const) {
      const inventory = failing(new Inventory(), { reserve: plan });
      for (let i = 0; i < 5; i++)
        await expect(inventory.reserve('ABC', 1)).rejects.toThrow(InjectedFailureError);
    }
  });

  it('throws on the Nth call only', async () => {
    const inventory = failing(new Inventory(), { reserve: { failOnCall: 2 } });
    const outcomes = [];
    for (let i = 0; i < 3; i++)
      outcomes.push(
        await inventory.reserve('ABC', 1).then(
          () => 'ok',
          () => 'failed',
        ),
      );
    expect(outcomes).toEqual(['ok', 'failed', 'ok']);
  });

  it('throws the configured error, from a factory or an instance', async () => {
    const inventory = failing(new Inventory(), {
      reserve: { fail: 1, error: () => new InventoryError('out of stock') },
    });
    await expect(inventory.reserve('ABC', 1)).rejects.toThrow(new InventoryError('out of stock'));
    const fixed = new InventoryError('down');
    const other = failing(new Inventory(), { reserve: { fail: 1, error: fixed } });
    await expect(other.reserve('ABC', 1)).rejects.toBe(fixed);
  });

  it('names the method and call in the default error', async () => {
    const inventory = failing(new Inventory(), { reserve: 'always' });
    const error = (await inventory.reserve('ABC', 1).catch((e: unknown) => e)) as InjectedFailureError;
    expect(error).toMatchObject({ code: 'INJECTED_FAILURE', method: 'Inventory.reserve', call: 1 });
    expect(error.message).toMatchInlineSnapshot(
      `"[eventproof] Failed to call Inventory.reserve: failing() injected this failure on call 1 (plan 'always'). This is the failure the test asked for: assert how the code under test copes with it."`,
    );
  });

  it('keeps sync methods sync: an injected failure throws synchronously', () => {
    const inventory = failing(new Inventory(), { available: { fail: 1 } });
    expect(() => inventory.available('ABC')).toThrow(InjectedFailureError);
    expect(inventory.available('ABC')).toBe(10);
  });

  it('rejects for a plain method once it has been seen returning a promise, or when told it is async', async () => {
    const seen = failing(new Inventory(), { release: { failOnCall: 2 } });
    await seen.release('ABC');
    const second = seen.release('ABC');
    expect(second).toBeInstanceOf(Promise);
    await expect(second).rejects.toThrow(InjectedFailureError);

    const told = failing(new Inventory(), { release: { fail: 1, async: true } });
    await expect(told.release('ABC')).rejects.toThrow(InjectedFailureError);
  });

  it('hangs: the promise never settles and the call is recorded as hung', async () => {
    const inventory = failing(new Inventory(), { reserve: 'hang' });
    const settled = vi.fn();
    inventory.reserve('ABC', 1).then(settled, settled);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).not.toHaveBeenCalled();
    expect(callsOf(inventory)[0]).toMatchObject({ method: 'reserve', outcome: 'hung', injected: true });
  });

  it('slows a promise-returning method down by delayMs on the timers in use', async () => {
    vi.useFakeTimers();
    try {
      const inventory = failing(new Inventory(), { reserve: { delayMs: 50 } });
      const settled = vi.fn();
      void inventory.reserve('ABC', 1).then(settled);
      await vi.advanceTimersByTimeAsync(49);
      expect(settled).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(settled).toHaveBeenCalledWith(9);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses to slow down a method that returns synchronously', () => {
    const inventory = failing(new Inventory(), { available: { delayMs: 5 } });
    expect(() => inventory.available('ABC')).toThrow(/cannot be delayed without blocking/);
  });

  it('keeps this bound to the real object, so private fields and state work', async () => {
    const real = new Inventory();
    const inventory = failing(real, { reserve: { fail: 0 } });
    await inventory.reserve('ABC', 3);
    inventory.available('ABC');
    expect(real.calls).toBe(1);
    expect(real.available('ABC')).toBe(7);
    expect(inventory.calls).toBe(2);
  });

  it('records calls to unplanned methods with their args and values', async () => {
    const inventory = failing(new Inventory(), {});
    inventory.available('ABC');
    await inventory.reserve('ABC', 2);
    expect(
      callsOf(inventory).map(({ method, args, outcome, value }) => ({ method, args, outcome, value })),
    ).toEqual([
      { method: 'available', args: ['ABC'], outcome: 'returned', value: 10 },
      { method: 'reserve', args: ['ABC', 2], outcome: 'returned', value: 8 },
    ]);
  });

  it('records a real error as threw, not injected', async () => {
    const inventory = failing(
      {
        fetch: () => Promise.reject(new InventoryError('real')),
      },
      {},
    );
    await expect(inventory.fetch()).rejects.toThrow('real');
    expect(callsOf(inventory)[0]).toMatchObject({ outcome: 'threw', injected: false });
  });

  it('lists the methods when the plan names one that does not exist', () => {
    expect(() => failing(new Inventory(), { reserv: 'always' } as never)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: [eventproof] Failed to plan failures for Inventory.reserv: Inventory has no method 'reserv'. Its methods are: available, release, reserve.]`,
    );
  });

  it('rejects malformed plans', () => {
    expect(() => failing(new Inventory(), { reserve: { fail: -1 } })).toThrow(InvalidArgumentError);
    expect(() => failing(new Inventory(), { reserve: { failOnCall: 0 } })).toThrow(InvalidArgumentError);
    expect(() => failing(new Inventory(), { reserve: 'sometimes' as never })).toThrow(InvalidArgumentError);
    expect(() => callsOf(new Inventory())).toThrow(/not made by failing\(\)/);
  });
});
