import type { RabbitDeadLetterReason, AmqpProperties } from './types.js';

/**
 * One `x-death` entry, as RabbitMQ writes it into a dead-lettered message's headers.
 *
 * @example
 * ```ts
 * const [last] = msg.properties.headers['x-death'] as XDeathEntry[];
 * console.log(last.reason, last.queue, last.count);
 * ```
 */
export interface XDeathEntry {
  count: number;
  reason: RabbitDeadLetterReason;
  queue: string;
  /** An AMQP timestamp as amqplib decodes it: seconds since the epoch. */
  time: { '!': 'timestamp'; value: number };
  exchange: string;
  'routing-keys': string[];
  'original-expiration'?: string;
}

/**
 * The properties a message carries after it is dead-lettered from `queue`: an `x-death` entry per
 * (queue, reason) whose count grows and which moves to the front when it happens again, the
 * `x-first-death-*` headers set once, `x-last-death-*` every time, and `expiration` removed so the
 * message does not expire again where it lands (its value kept as `original-expiration`).
 */
export function deadLetteredProperties(
  properties: AmqpProperties,
  queue: string,
  reason: RabbitDeadLetterReason,
  exchange: string,
  routingKey: string,
  nowMs: number,
): AmqpProperties {
  const headers: Record<string, unknown> = { ...properties.headers };
  const deaths = Array.isArray(headers['x-death'])
    ? (headers['x-death'] as XDeathEntry[]).map((d) => ({ ...d }))
    : [];
  const index = deaths.findIndex((d) => d.queue === queue && d.reason === reason);
  const time = { '!': 'timestamp' as const, value: Math.floor(nowMs / 1000) };
  let entry: XDeathEntry;
  if (index >= 0) {
    entry = deaths.splice(index, 1)[0]!;
    entry.count++;
    entry.time = time;
  } else {
    entry = { count: 1, reason, queue, time, exchange, 'routing-keys': [routingKey] };
    if (properties.expiration !== undefined) entry['original-expiration'] = properties.expiration;
  }
  deaths.unshift(entry);
  headers['x-death'] = deaths;
  if (headers['x-first-death-reason'] === undefined) {
    headers['x-first-death-reason'] = reason;
    headers['x-first-death-queue'] = queue;
    headers['x-first-death-exchange'] = exchange;
  }
  headers['x-last-death-reason'] = reason;
  headers['x-last-death-queue'] = queue;
  headers['x-last-death-exchange'] = exchange;
  return { ...properties, headers, expiration: undefined };
}

/**
 * RabbitMQ drops a dead-lettered message instead of looping forever when it would reach a queue it
 * already died in and no death on the way was a client rejection.
 */
export function isDeadLetterCycle(properties: AmqpProperties, target: string): boolean {
  const deaths = properties.headers['x-death'];
  if (!Array.isArray(deaths)) return false;
  const list = deaths as XDeathEntry[];
  return list.some((d) => d.queue === target) && !list.some((d) => d.reason === 'rejected');
}
