import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const guide = readFileSync(new URL('docs/harness.md', root), 'utf8');
const source = readFileSync(new URL('src/harness/guide.test.ts', root), 'utf8');

/** The code between `// #region name` and `// #endregion name`, dedented. */
function regions(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of text.matchAll(/^([ \t]*)\/\/ #region (\S+)\n([\s\S]*?)^[ \t]*\/\/ #endregion \2$/gm)) {
    const indent = match[1] ?? '';
    const body = (match[3] ?? '')
      .split('\n')
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
      .join('\n');
    found.set(match[2] ?? '', body);
  }
  return found;
}

const blocks = [...guide.matchAll(/<!-- region: (\S+) -->\n```ts\n([\s\S]*?)```/g)].map((m) => ({
  name: m[1] ?? '',
  body: m[2] ?? '',
}));

describe('docs/harness.md', () => {
  it('shows executed code: every marked block equals its region in guide.test.ts', () => {
    const executed = regions(source);
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    for (const block of blocks) expect(block.body, `region ${block.name}`).toBe(executed.get(block.name));
  });
});
