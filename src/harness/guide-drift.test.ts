import { describe, expect, it } from 'vitest';
import { expectGuideShowsRegions } from '../../test/support/guide-regions.js';

describe('docs/harness.md', () => {
  it('shows executed code: every marked block equals its region in guide.test.ts', () => {
    expect(
      expectGuideShowsRegions('docs/harness.md', 'src/harness/guide.test.ts').length,
    ).toBeGreaterThanOrEqual(10);
  });
});
