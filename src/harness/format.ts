import type { EventType } from '../contracts/types.js';
import type { PublishedRecord } from './types.js';

const MAX_VALUE_LENGTH = 120;

const isAsymmetric = (
  value: unknown,
): value is { asymmetricMatch(other: unknown): boolean; toString(): string } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function';

/** @internal A short, single-line rendering of any value for failure messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (typeof value === 'symbol') return value.toString();
  if (value instanceof Date)
    return `Date(${Number.isNaN(value.getTime()) ? 'Invalid' : value.toISOString()})`;
  if (value instanceof Uint8Array)
    return `bytes ${truncate(JSON.stringify(Buffer.from(value).toString('utf8')))}`;
  if (isAsymmetric(value)) return value.toString();
  let text: string;
  try {
    text = JSON.stringify(value, (_key, inner: unknown) => {
      if (typeof inner === 'bigint') return `${inner}n`;
      if (inner === undefined) return '<undefined>';
      if (isAsymmetric(inner)) return `<${inner.toString()}>`;
      if (inner instanceof Map) return { '<Map>': [...inner.entries()] };
      if (inner instanceof Set) return { '<Set>': [...inner.values()] };
      return inner;
    });
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return truncate(text);
}

const truncate = (text: string) =>
  text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;

/** @internal `OrderShipped`, `OrderShipped matching {"orderId":"1"}` or `OrderShipped matching a predicate`. */
export function describeExpectation(type: EventType, where?: unknown): string {
  if (where === undefined) return type.name;
  if (typeof where === 'function')
    return `${type.name} matching the predicate ${where.name ? `${where.name}()` : ''}`.trimEnd();
  return `${type.name} matching ${show(where)}`;
}

/** @internal `#3 OrderShipped to "orders" (key "1")` or `#4 poison to "orders" (invalid-json)`. */
export function describeRecord(record: PublishedRecord): string {
  const key = record.key === undefined ? '' : ` key ${JSON.stringify(record.key)}`;
  if (record.kind === 'poison') {
    return `#${record.sequence} poison to ${JSON.stringify(record.topic)}${key} (${record.error.reason}): ${show(record.raw)}`;
  }
  return `#${record.sequence} ${record.event} to ${JSON.stringify(record.topic)}${key}`;
}
