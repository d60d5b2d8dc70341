import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { AuditWarning, EventDeclarationFact } from '../model.js';
import { readText } from '../discover.js';

const MARKER = /(^|\n)\s*["']?asyncapi["']?\s*:/;

/** Reads the first bytes only: a lock file of megabytes is not an AsyncAPI document and is not read whole. */
function sniff(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(4096);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return MARKER.test(buffer.subarray(0, read).toString('utf8'));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Event types from an AsyncAPI 2.x or 3.x document: every message (components and inline), with the
 * channel it travels on. YAML is read with js-yaml's default schema, which has no tags that run code.
 */
export function readAsyncApi(
  root: string,
  file: string,
  maxBytes: number,
): { events: EventDeclarationFact[]; warning?: AuditWarning } | undefined {
  if (!sniff(join(root, file))) return undefined;
  const { text, warning } = readText(root, file, maxBytes);
  if (text === undefined) return { events: [], ...(warning ? { warning } : {}) };
  let doc: unknown;
  try {
    doc = file.endsWith('.json') ? JSON.parse(text) : load(text, { filename: file });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return {
      events: [],
      warning: { file, reason: 'malformed-catalog', message: `not a readable AsyncAPI document: ${reason}` },
    };
  }
  if (!isObject(doc) || typeof doc.asyncapi !== 'string') {
    return {
      events: [],
      warning: {
        file,
        reason: 'malformed-catalog',
        message: 'has an `asyncapi` marker but is not an AsyncAPI document',
      },
    };
  }
  const lines = text.split('\n');
  const lineOf = (name: string): number => {
    const index = lines.findIndex((l) =>
      new RegExp(`^\\s*["']?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*:`).test(l),
    );
    return index === -1 ? 1 : index + 1;
  };
  const events = new Map<string, EventDeclarationFact>();
  const add = (name: string, channel?: string) => {
    const existing = events.get(name);
    if (existing && (existing.channel || !channel)) return;
    events.set(name, { name, source: 'asyncapi', file, line: lineOf(name), ...(channel ? { channel } : {}) });
  };
  const components =
    isObject(doc.components) && isObject(doc.components.messages) ? doc.components.messages : {};
  const messageName = (message: unknown, fallback?: string): string | undefined => {
    if (!isObject(message)) return fallback;
    if (typeof message.$ref === 'string') return message.$ref.split('/').pop() ?? fallback;
    for (const key of ['name', 'messageId', 'title'] as const)
      if (typeof message[key] === 'string') return message[key];
    return fallback;
  };
  for (const [key, message] of Object.entries(components)) add(messageName(message, key) ?? key);
  const channels = isObject(doc.channels) ? doc.channels : {};
  const major = Number.parseInt(doc.asyncapi, 10);
  for (const [id, channel] of Object.entries(channels)) {
    if (!isObject(channel)) continue;
    const address = major >= 3 ? (typeof channel.address === 'string' ? channel.address : id) : id;
    const messages: unknown[] = [];
    if (major >= 3 && isObject(channel.messages)) {
      for (const [key, message] of Object.entries(channel.messages))
        messages.push(
          isObject(message) && !message.$ref && !message.name ? { ...message, name: key } : message,
        );
    } else {
      for (const op of ['publish', 'subscribe'] as const) {
        const operation = channel[op];
        if (!isObject(operation)) continue;
        const message = operation.message;
        if (isObject(message) && Array.isArray(message.oneOf)) messages.push(...(message.oneOf as unknown[]));
        else if (message) messages.push(message);
      }
    }
    for (const message of messages) {
      const name = messageName(message);
      if (name) add(name, address);
    }
  }
  return { events: [...events.values()] };
}
