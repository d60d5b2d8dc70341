import { TYPE_HEADER } from '../contracts/codecs/json.js';
import type { EventType, Headers } from '../contracts/types.js';
import { contractOf } from '../contracts/define-event.js';
import { InvalidArgumentError, failure } from '../errors.js';
import type { RawMessage, ReceivedMessage } from './probe.js';

const text = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/**
 * @internal Builds the probe's view of one message the broker delivered. `payload` is read when
 * first asked for: a contract's `toReceive` decodes the bytes itself, so parsing them here too would
 * double the work on every arrival. It is still an own, enumerable property (equality, spread and
 * JSON see it), defined with one shared getter: a getter written in an object literal is a new
 * closure per message, which gives every message a hidden class of its own (600 bytes, and slow
 * reads of all its fields).
 */
export function receivedMessage(
  destination: string,
  sequence: number,
  value: Uint8Array,
  headers: Headers,
  key: string | undefined,
  properties: Record<string, unknown>,
  at = Date.now(),
): ReceivedMessage {
  const message: Record<string, unknown> = {
    destination,
    key,
    headers,
    value,
    eventType: headers[TYPE_HEADER],
  };
  Object.defineProperty(message, 'payload', lazyPayload);
  message['sequence'] = sequence;
  message['at'] = at;
  message['properties'] = properties;
  return message as unknown as ReceivedMessage;
}

/** Payloads parsed so far; an entry only for a message whose payload was read. */
const parsed = new WeakMap<object, unknown>();
const lazyPayload = {
  get(this: { readonly value: Uint8Array }): unknown {
    if (parsed.has(this)) return parsed.get(this);
    const payload = parsePayload(this.value);
    parsed.set(this, payload);
    return payload;
  },
  enumerable: true,
  configurable: true,
};

/** The value as JSON when it parses, else as UTF-8 text. */
function parsePayload(value: Uint8Array): unknown {
  const body = text.decode(value);
  try {
    return JSON.parse(body) as unknown;
  } catch {
    // Not JSON: the text stands; contracts still get the raw bytes.
    return body;
  }
}

/** The bytes, headers and key to send, whichever form `publish` was called with. */
export interface Outgoing {
  readonly value: Uint8Array;
  readonly headers: Headers;
  readonly key: string | undefined;
}

/** @internal Turns `publish(dest, Event, payload)`, `publish(dest, created)` or `publish(dest, raw)` into bytes. */
export function outgoing(args: readonly unknown[]): Outgoing {
  const [first, second, third] = args;
  if (isEventType(first)) {
    const options = (third ?? {}) as { key?: string; headers?: Headers };
    const wire = first.encode(second, options);
    return { value: wire.value, headers: { ...wire.headers }, key: options.key ?? wire.key };
  }
  const contract = contractOf(first);
  if (contract !== undefined) {
    const wire = contract.encode(first);
    return { value: wire.value, headers: { ...wire.headers }, key: wire.key };
  }
  if (isRaw(first)) {
    const value = typeof first.value === 'string' ? encoder.encode(first.value) : first.value;
    return { value, headers: { ...(first.headers ?? {}) }, key: first.key };
  }
  throw new InvalidArgumentError(
    failure(
      'publish',
      'expected an event contract and a payload, a payload made by a contract, or { value, key?, headers? }',
      'Call probe.publish(destination, OrderCreated, payload) or probe.publish(destination, { value: "…" })',
    ),
  );
}

const isEventType = (value: unknown): value is EventType =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as EventType).encode === 'function' &&
  typeof (value as EventType).decode === 'function' &&
  typeof (value as EventType).name === 'string';

const isRaw = (value: unknown): value is RawMessage =>
  typeof value === 'object' &&
  value !== null &&
  (typeof (value as RawMessage).value === 'string' || (value as RawMessage).value instanceof Uint8Array);
