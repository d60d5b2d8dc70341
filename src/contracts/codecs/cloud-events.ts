import { randomUUID } from 'node:crypto';
import { DecodeError, EventproofError, failure } from '../../errors.js';
import { decodeUtf8, encodeUtf8 } from '../bytes.js';
import type { Codec, DecodedWire, Headers, WireMessage } from '../types.js';
import { parseJsonSafely } from './safe-json.js';

/** The content type of a CloudEvent in structured mode (the whole event is the JSON body). */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';

/** The extension attribute that carries the contract's schema version (CloudEvents has none of its own). */
const VERSION_ATTRIBUTE = 'eventversion';
const REQUIRED = ['specversion', 'id', 'source', 'type'] as const;

export interface CloudEventsCodecOptions {
  /**
   * `structured`: the body is the whole event as JSON (`application/cloudevents+json`).
   * `binary`: the body is the data as JSON and the attributes travel as `ce_*` headers.
   */
  readonly mode: 'structured' | 'binary';
  /** The CloudEvents `source` attribute: a URI-reference naming the producer, e.g. `/orders-service`. */
  readonly source: string;
  /** Prefix of attribute headers in binary mode: `ce_` (Kafka binding, the default) or `ce-` (HTTP binding). */
  readonly headerPrefix?: 'ce_' | 'ce-';
  /** Makes event ids, e.g. for deterministic tests. Default `crypto.randomUUID`. */
  readonly id?: () => string;
  /** Makes event times, e.g. from a virtual clock. Default the wall clock. */
  readonly time?: () => Date | string;
}

type Attributes = Record<string, unknown>;

/**
 * A CloudEvents 1.0 codec with the JSON event format, in structured or binary content mode.
 * Encoding sets `id` (a UUID), `source`, `type` (the contract name), `time` and `datacontenttype`; an
 * `id` or `time` header given to `encode` (with or without the prefix) overrides the generated one.
 * Decoding accepts either mode, whatever mode the codec encodes in, and refuses a message whose
 * envelope lacks `specversion`, `id`, `source` or `type` with reason `invalid-envelope`. The attributes
 * come back as metadata (see `eventRegistry(...).decode`).
 *
 * @example
 * ```ts
 * const OrderCreated = defineEvent('OrderCreated', schema, {
 *   codec: cloudEventsCodec({ mode: 'binary', source: '/orders-service' }),
 * });
 * const wire = OrderCreated.encode(order);
 * wire.headers.ce_type; // 'OrderCreated'
 * ```
 */
export function cloudEventsCodec(options: CloudEventsCodecOptions): Codec {
  const { mode, source } = options;
  const prefix = options.headerPrefix ?? 'ce_';
  const newId = options.id ?? randomUUID;
  const newTime = options.time ?? (() => new Date());
  if (mode !== 'structured' && mode !== 'binary') {
    throw new EventproofError(
      'INVALID_ARGUMENT',
      failure(
        'create a CloudEvents codec',
        `mode must be 'structured' or 'binary', got ${String(mode)}`,
        "Pass { mode: 'structured', source: '/my-service' }",
      ),
    );
  }
  if (typeof source !== 'string' || source === '') {
    throw new EventproofError(
      'INVALID_ARGUMENT',
      failure(
        'create a CloudEvents codec',
        'source is empty',
        "Name the producer as a URI-reference, e.g. { source: '/orders-service' }",
      ),
    );
  }

  const attributesFor = (
    type: string,
    version: number,
    headers: Headers | undefined,
  ): { attrs: Attributes; rest: Headers } => {
    const attrs: Attributes = { specversion: '1.0', id: undefined, source, type, time: undefined };
    const rest: Headers = {};
    if (headers) {
      for (const name of Object.keys(headers)) {
        const value = headers[name] as string;
        const lower = name.toLowerCase();
        const attribute =
          lower.startsWith('ce_') || lower.startsWith('ce-')
            ? lower.slice(3)
            : lower === 'id' || lower === 'time'
              ? lower
              : undefined;
        if (attribute !== undefined && attribute !== 'specversion' && attribute !== 'type')
          attrs[attribute] = value;
        else rest[name] = value;
      }
    }
    attrs.id ??= newId();
    if (attrs.time === undefined) {
      const time = newTime();
      attrs.time = typeof time === 'string' ? time : time.toISOString();
    }
    attrs[VERSION_ATTRIBUTE] = String(version);
    return { attrs, rest };
  };

  return {
    name: `cloudevents-${mode}`,
    contentType: mode === 'structured' ? CLOUDEVENTS_JSON : 'application/json',
    encode(payload, context) {
      const { attrs, rest } = attributesFor(context.type, context.version, context.headers);
      if (mode === 'structured') {
        attrs.datacontenttype = 'application/json';
        attrs.data = payload;
        const value = stringify(attrs, context.type);
        return { value, headers: { ...rest, 'content-type': CLOUDEVENTS_JSON }, key: context.key };
      }
      const headers: Headers = { ...rest };
      for (const name of Object.keys(attrs)) headers[prefix + name] = String(attrs[name]);
      headers['content-type'] = 'application/json';
      return { value: stringify(payload, context.type), headers, key: context.key };
    },
    decode(message, context) {
      const headers = lowerCased(message.headers);
      const binary =
        headers[`${prefix}specversion`] !== undefined ||
        headers[`${otherPrefix(prefix)}specversion`] !== undefined;
      return binary ? decodeBinary(message, headers, context.type) : decodeStructured(message, context.type);
    },
  };
}

const otherPrefix = (prefix: string) => (prefix === 'ce_' ? 'ce-' : 'ce_');

function stringify(value: unknown, type: string): Uint8Array {
  try {
    return encodeUtf8(JSON.stringify(value));
  } catch (cause) {
    throw new EventproofError(
      'ENCODE_FAILED',
      failure(
        `encode ${type} as a CloudEvent`,
        cause instanceof Error ? cause.message : String(cause),
        'Convert BigInt, cyclic and other non-JSON values before publishing',
      ),
      { cause },
    );
  }
}

function lowerCased(headers: Headers): Headers {
  const out: Headers = {};
  for (const name of Object.keys(headers)) out[name.toLowerCase()] = headers[name] as string;
  return out;
}

function invalidEnvelope(raw: Uint8Array, type: string, reason: string): DecodeError {
  return new DecodeError(
    failure(
      `decode ${type || 'a CloudEvent'}`,
      `the CloudEvents envelope is invalid: ${reason}`,
      'Dead-letter it, or check the producer speaks CloudEvents 1.0 in the same content mode',
    ),
    { reason: 'invalid-envelope', raw, eventType: type || undefined },
  );
}

function checkAttributes(attrs: Attributes, raw: Uint8Array, type: string, where: string): void {
  const missing = REQUIRED.filter((name) => typeof attrs[name] !== 'string' || attrs[name] === '');
  if (missing.length > 0) throw invalidEnvelope(raw, type, `${where} lacks ${missing.join(', ')}`);
  if (attrs.specversion !== '1.0')
    throw invalidEnvelope(raw, type, `specversion is '${String(attrs.specversion)}', not '1.0'`);
}

function result(payload: unknown, attrs: Attributes): DecodedWire {
  const declared = attrs[VERSION_ATTRIBUTE];
  const metadata: Attributes = {};
  for (const name of Object.keys(attrs))
    if (name !== 'data' && name !== 'data_base64') metadata[name] = attrs[name];
  return {
    payload,
    type: attrs.type as string,
    version: declared === undefined ? undefined : Number(declared),
    metadata,
  };
}

function decodeStructured(message: WireMessage, type: string): DecodedWire {
  const text = decodeUtf8(message.value, type || undefined);
  const envelope = parseJsonSafely(text, message.value, type || undefined);
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    throw invalidEnvelope(message.value, type, 'the body is not a JSON object');
  }
  const attrs = envelope as Attributes;
  checkAttributes(attrs, message.value, type, 'the envelope');
  let payload: unknown = attrs.data;
  if (typeof attrs.data_base64 === 'string') {
    // Binary data inside a JSON envelope: JSON data is decoded again so contracts see the same payload either way.
    const bytes = Buffer.from(attrs.data_base64, 'base64');
    const contentType = typeof attrs.datacontenttype === 'string' ? attrs.datacontenttype : '';
    payload = /json/i.test(contentType)
      ? parseJsonSafely(decodeUtf8(bytes, type || undefined), message.value, type || undefined)
      : new Uint8Array(bytes);
  }
  return result(payload, attrs);
}

function decodeBinary(message: WireMessage, headers: Headers, type: string): DecodedWire {
  const attrs: Attributes = {};
  for (const name of Object.keys(headers)) {
    if (name.startsWith('ce_') || name.startsWith('ce-')) attrs[name.slice(3)] = headers[name];
  }
  attrs.datacontenttype ??= headers['content-type'];
  checkAttributes(attrs, message.value, type, 'the headers');
  const text = decodeUtf8(message.value, type || undefined);
  return result(parseJsonSafely(text, message.value, type || undefined), attrs);
}
