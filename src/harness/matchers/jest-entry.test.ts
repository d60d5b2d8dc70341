import { afterEach, describe, expect, it, vi } from 'vitest';

describe('eventproof/jest', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('registers the matchers with a global expect when jest provides one', async () => {
    const extend = vi.fn<(matchers: object) => void>();
    vi.stubGlobal('expect', { extend });
    const entry = await import('eventproof/jest');
    expect(extend).toHaveBeenCalledWith(entry.eventproofMatchers);
    expect(Object.keys(entry.eventproofMatchers).sort()).toEqual([
      'toHavePublished',
      'toHavePublishedInOrder',
      'toHavePublishedNothing',
      'toHavePublishedTimes',
    ]);
  });

  it('loads without a global expect (injectGlobals: false) and leaves registering to the caller', async () => {
    vi.stubGlobal('expect', undefined);
    await expect(import('eventproof/jest')).resolves.toHaveProperty('eventproofMatchers');
  });
});
