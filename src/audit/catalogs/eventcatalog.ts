import { load } from 'js-yaml';
import type { AuditWarning, EventDeclarationFact } from '../model.js';
import { readText } from '../discover.js';

/**
 * Event types from an EventCatalog: each `events/<Name>/index.md(x)` under a folder with an
 * `eventcatalog.config.*` names one event in its front matter (`id`, else `name`, else the folder).
 * The config file itself is JavaScript and is never loaded.
 */
export function readEventCatalog(
  root: string,
  roots: readonly string[],
  pages: readonly string[],
  maxBytes: number,
): { events: EventDeclarationFact[]; warnings: AuditWarning[] } {
  const events: EventDeclarationFact[] = [];
  const warnings: AuditWarning[] = [];
  const inCatalog = (page: string) => roots.some((r) => r === '' || page.startsWith(`${r}/`));
  for (const page of pages.filter(inCatalog)) {
    const folder = page.split('/').slice(-2, -1)[0] ?? page;
    const { text, warning } = readText(root, page, maxBytes);
    if (text === undefined) {
      if (warning) warnings.push(warning);
      continue;
    }
    const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
    let front: unknown = {};
    if (match) {
      try {
        front = load(match[1]!);
      } catch (error) {
        warnings.push({
          file: page,
          reason: 'malformed-catalog',
          message: `front matter is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        });
      }
    }
    const data = typeof front === 'object' && front !== null ? (front as Record<string, unknown>) : {};
    const name = typeof data.id === 'string' ? data.id : typeof data.name === 'string' ? data.name : folder;
    events.push({ name, source: 'eventcatalog', file: page, line: 1 });
  }
  return { events, warnings };
}
