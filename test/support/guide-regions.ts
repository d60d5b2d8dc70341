// The docs show code that tests execute: a test file marks each example with `// #region name` …
// `// #endregion name`, and the guide shows it verbatim after `<!-- region: name -->` in a ts fence.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

const root = new URL('../../', import.meta.url);

/** The code between `// #region name` and `// #endregion name` in `source`, dedented, by name. */
export function codeRegions(source: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of source.matchAll(
    /^([ \t]*)\/\/ #region (\S+)\n([\s\S]*?)^[ \t]*\/\/ #endregion \2$/gm,
  )) {
    const indent = match[1] ?? '';
    const body = (match[3] ?? '')
      .split('\n')
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
      .join('\n');
    found.set(match[2] ?? '', body);
  }
  return found;
}

/** The guide's marked blocks, in order: `<!-- region: name -->` and the ts fence after it. */
export function guideBlocks(guide: string): { readonly name: string; readonly body: string }[] {
  return [...guide.matchAll(/<!-- region: (\S+) -->\n```ts\n([\s\S]*?)```/g)].map((m) => ({
    name: m[1] ?? '',
    body: m[2] ?? '',
  }));
}

/**
 * Expects the guide at `guidePath` to show every region of the test file at `sourcePath` (both from
 * the repository root), each block equal to the executed code. Returns the names of the blocks shown,
 * in the guide's order.
 */
export function expectGuideShowsRegions(guidePath: string, sourcePath: string): string[] {
  const executed = codeRegions(readFileSync(new URL(sourcePath, root), 'utf8'));
  const blocks = guideBlocks(readFileSync(new URL(guidePath, root), 'utf8'));
  expect(blocks.map((b) => b.name).sort(), `the blocks of ${guidePath}`).toEqual([...executed.keys()].sort());
  for (const block of blocks) expect(block.body, `region ${block.name}`).toBe(executed.get(block.name));
  return blocks.map((b) => b.name);
}
