import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileBlocks } from '../../scripts/readme-blocks.js';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');

describe('README', () => {
  it('opens with the two commands: the demo and the tests', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toContain('npm run demo');
    expect(firstBlock).toContain('npm test');
    expect(readme.indexOf('```sh')).toBeLessThan(readme.indexOf('\n## '));
  });

  it('shows the tour files exactly as CI runs them (run `npm run docs` when this fails)', () => {
    const blocks = fileBlocks(readme);
    expect(blocks.map((b) => b.path)).toEqual([
      'examples/tour/layer1-serialization.test.ts',
      'examples/tour/layer2-producer.test.ts',
      'examples/tour/layer3-consumer.test.ts',
      'examples/tour/critical-scenarios.test.ts',
    ]);
    for (const block of blocks)
      expect(block.body, block.path).toBe(readFileSync(new URL(block.path, root), 'utf8'));
  });

  it('links only to files that exist', () => {
    const links = [...readme.matchAll(/\]\((?!https?:)([^)#]+)\)/g)].map((m) => m[1]!);
    const missing = links.filter((link) => {
      try {
        readFileSync(new URL(link, root));
        return false;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code !== 'EISDIR';
      }
    });
    expect(missing).toEqual([]);
  });
});
