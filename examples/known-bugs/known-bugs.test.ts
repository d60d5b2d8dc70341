import { describe, expect, it } from 'vitest';
import { EventproofError } from 'eventproof';
import { knownBugs } from './catalogue.js';

describe.each(knownBugs)('known bug: $bug', (entry) => {
  it('is caught within the default budget', async () => {
    await expect(entry.check(entry.buggy, { seed: 1, ...entry.buggyConsumer })).rejects.toSatisfy(
      (error) => error instanceof EventproofError && error.code === 'ASSERTION_FAILED',
    );
  });

  it('passes once fixed', async () => {
    await entry.check(entry.fixed, { seed: 1 });
  });
});
