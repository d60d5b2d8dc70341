import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAudit } from './audit.js';
import type { AuditReport } from './model.js';
import { renderTerminal, type Paint } from './render/terminal.js';

/** The example shop's sources, found by walking up from this file (src/ in the repository, dist/ when built). */
function findShop(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'examples', 'shop');
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The last step of `eventproof demo`: the audit of the example shop, compact. Undefined when the
 * shop's sources are not there (they ship with the repository, not the npm package).
 */
export function auditExampleShop(
  version: string,
  paint?: Paint,
): { report: AuditReport; text: string } | undefined {
  const shop = findShop();
  if (!shop) return undefined;
  const report = runAudit(shop, { displayRoot: relative(process.cwd(), shop) || '.', version });
  return { report, text: renderTerminal(report, { compact: true, ...(paint ? { paint } : {}) }) };
}
