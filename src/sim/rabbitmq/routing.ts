import { configError } from './options.js';

/**
 * Routing rules of the four exchange types, kept apart from the broker so each can be tested on its
 * own against RabbitMQ's documented behaviour.
 */

/** Splits a routing key into words; RabbitMQ treats the empty key as no words at all. */
export const words = (key: string): string[] => (key === '' ? [] : key.split('.'));

/** A topic binding key compiled once: its words, with runs of `#` collapsed (they mean the same). */
export function compileTopic(pattern: string, allowLiteralWildcards: boolean): readonly string[] {
  const parts = words(pattern);
  if (!allowLiteralWildcards) {
    for (const word of parts) {
      if (word.length > 1 && (word.includes('*') || word.includes('#'))) {
        throw configError(
          `bind with pattern '${pattern}'`,
          `'${word}' mixes a wildcard with other characters; RabbitMQ treats '*' and '#' as wildcards only as a whole word, so this would match the literal text`,
          `Separate the wildcard with dots (e.g. '${word.replace(/[*#]/g, '')}.${word.includes('#') ? '#' : '*'}'), or pass { allowLiteralWildcards: true } to simRabbitMq if the literal is meant`,
        );
      }
    }
  }
  const compiled: string[] = [];
  for (const word of parts) if (!(word === '#' && compiled[compiled.length - 1] === '#')) compiled.push(word);
  return compiled;
}

/** `*` matches exactly one word, `#` zero or more. */
export function topicMatches(pattern: readonly string[], key: readonly string[], p = 0, k = 0): boolean {
  while (p < pattern.length) {
    const word = pattern[p]!;
    if (word === '#') {
      if (p === pattern.length - 1) return true;
      for (let skip = k; skip <= key.length; skip++) if (topicMatches(pattern, key, p + 1, skip)) return true;
      return false;
    }
    if (k >= key.length || (word !== '*' && word !== key[k])) return false;
    p++;
    k++;
  }
  return k === key.length;
}

export type HeadersMatch = 'all' | 'any' | 'all-with-x' | 'any-with-x';

/** A headers binding: how to match, and the header values it asks for. */
export interface HeadersBinding {
  readonly match: HeadersMatch;
  readonly pairs: readonly (readonly [string, unknown])[];
}

export function compileHeaders(args: Record<string, unknown> | undefined): HeadersBinding {
  const match = (args?.['x-match'] ?? 'all') as HeadersMatch;
  if (!['all', 'any', 'all-with-x', 'any-with-x'].includes(match)) {
    throw configError(
      `bind to a headers exchange`,
      `PRECONDITION_FAILED - invalid x-match field value ${JSON.stringify(match)}`,
      "Use 'all' or 'any' (or 'all-with-x' / 'any-with-x')",
    );
  }
  const withX = match.endsWith('-with-x');
  const pairs: [string, unknown][] = [];
  for (const [name, value] of Object.entries(args ?? {})) {
    if (name === 'x-match' || (!withX && name.startsWith('x-'))) continue;
    pairs.push([name, value]);
  }
  return { match, pairs };
}

/**
 * RabbitMQ compares header values with their types (1 and '1' differ). `x-` headers of the message
 * are ignored unless the binding says `…-with-x`; an `any` binding with nothing to compare matches nothing.
 */
export function headersMatch(
  binding: HeadersBinding,
  headers: Readonly<Record<string, unknown>> | undefined,
): boolean {
  const all = binding.match === 'all' || binding.match === 'all-with-x';
  if (binding.pairs.length === 0) return all;
  for (const [name, value] of binding.pairs) {
    const present = headers !== undefined && Object.prototype.hasOwnProperty.call(headers, name);
    // A null (AMQP void) binding value asks only that the header be present.
    const equal = present && (value === null || sameValue(headers[name], value));
    if (all && !equal) return false;
    if (!all && equal) return true;
  }
  return all;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null)
    return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

/** AMQP carries routing keys and binding keys as short strings: at most 255 bytes. */
/** Whether {@link checkKey} would accept `key`, without building the words of its error. */
export const isValidKey = (key: unknown): key is string =>
  typeof key === 'string' && (key.length <= 85 || Buffer.byteLength(key) <= 255);

export function checkKey(what: string, key: unknown): string {
  if (typeof key !== 'string')
    throw configError(
      what,
      `the routing key must be a string, got ${typeof key}`,
      "Pass '' for no routing key",
    );
  if (key.length > 85 && Buffer.byteLength(key) > 255)
    throw configError(what, `the routing key is longer than 255 bytes`, 'Use a shorter routing key');
  return key;
}
