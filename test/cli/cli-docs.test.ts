import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { commands } from '../../src/cli/commands/index.js';
import { renderCliMarkdown } from '../../src/cli/help.js';

it('docs/cli.md is generated from the command table (run `npm run docs` when this fails)', () => {
  const page = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
  expect(page).toBe(renderCliMarkdown(commands));
});
