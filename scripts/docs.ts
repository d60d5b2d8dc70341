// Regenerates the generated parts of the docs: docs/cli.md from the command table, and the README's
// tour blocks from the files they show.
import { readFileSync, writeFileSync } from 'node:fs';
import { commands } from '../src/cli/commands/index.js';
import { renderCliMarkdown } from '../src/cli/help.js';
import { fillFileBlocks } from './readme-blocks.js';

const root = new URL('../', import.meta.url);
writeFileSync(new URL('docs/cli.md', root), renderCliMarkdown(commands));
const readme = readFileSync(new URL('README.md', root), 'utf8');
writeFileSync(
  new URL('README.md', root),
  fillFileBlocks(readme, (path) => readFileSync(new URL(path, root), 'utf8')),
);
