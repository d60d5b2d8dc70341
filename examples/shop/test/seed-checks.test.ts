import { describe, expect, it } from 'vitest';
import { seedChecks } from '../checks/seed-checks.js';
import { correctShop } from '../src/variants.js';

describe.each(seedChecks)('$layer: $title', (check) => {
  it('passes on the correct shop', async () => {
    await check.run(correctShop);
  });

  it(`fails on the broken build: ${check.catches.defect}`, async () => {
    await expect(check.run(check.catches)).rejects.toThrow();
  });
});
