import { DecodeError, failure } from '../errors.js';
import type { Headers, WireMessage } from './types.js';

const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

const isWireMessage = (value: unknown): value is WireMessage =>
  typeof value === 'object' &&
  value !== null &&
  'value' in value &&
  (value as WireMessage).value instanceof Uint8Array;

/**
 * Normalises what a consumer receives — bytes, a string, or a wire message — into a wire message.
 * Anything else is poison with reason `not-bytes`.
 * @internal
 */
export function toWireMessage(raw: unknown, headers?: Headers, eventType?: string): WireMessage {
  if (raw instanceof Uint8Array) return { value: raw, headers: headers ?? {} };
  if (typeof raw === 'string') return { value: encoder.encode(raw), headers: headers ?? {} };
  if (raw instanceof ArrayBuffer) return { value: new Uint8Array(raw), headers: headers ?? {} };
  // A wire message is only read from here on: without extra headers it is used as it is.
  if (isWireMessage(raw))
    return headers === undefined && typeof raw.headers === 'object' && raw.headers !== null
      ? raw
      : { value: raw.value, headers: { ...raw.headers, ...headers }, key: raw.key };
  throw new DecodeError(
    failure(
      `decode ${eventType ?? 'a message'}`,
      `expected bytes (Uint8Array, Buffer or string) but got ${describeType(raw)}`,
      'Pass the message body exactly as the broker delivered it',
    ),
    { reason: 'not-bytes', raw: EMPTY, eventType },
  );
}

/** Decodes UTF-8 strictly: a malformed sequence is poison, never a silent U+FFFD. @internal */
export function decodeUtf8(bytes: Uint8Array, eventType?: string): string {
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    throw new DecodeError(
      failure(
        `decode ${eventType ?? 'a message'}`,
        'the bytes are not valid UTF-8',
        'Check the producer encodes text as UTF-8, or use a binary codec',
      ),
      { reason: 'invalid-utf8', raw: bytes, eventType, cause },
    );
  }
}

export const encodeUtf8 = (text: string): Uint8Array => encoder.encode(text);

/** Describes a value's type for error messages: `number 42`, `object {…}`, `undefined`. @internal */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'no prototype'})`;
  if (typeof value === 'string') return `a string`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return `${typeof value} ${value.toString()}`;
  return typeof value;
}

/** Lower-cases header names and turns Buffer / array values into strings. @internal */
export function normaliseHeaders(headers: Record<string, unknown> | undefined): Headers {
  const out: Headers = {};
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    const text =
      value instanceof Uint8Array
        ? Buffer.from(value).toString('utf8')
        : Array.isArray(value)
          ? value
              .map((v) =>
                v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v as string | number),
              )
              .join(',')
          : typeof value === 'object'
            ? JSON.stringify(value)
            : typeof value === 'string' ||
                typeof value === 'number' ||
                typeof value === 'boolean' ||
                typeof value === 'bigint'
              ? value.toString()
              : typeof value;
    out[name.toLowerCase()] = text;
  }
  return out;
}
