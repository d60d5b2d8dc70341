import { EventproofError, failure } from '../../errors.js';
import { decodeUtf8, encodeUtf8 } from '../bytes.js';
import type { Codec, EncodeContext, Headers } from '../types.js';
import { parseJsonSafely } from './safe-json.js';

/** Header names the JSON codec writes and reads. */
export const TYPE_HEADER = 'event-type';
export const VERSION_HEADER = 'event-version';

export interface JsonCodecOptions {
  /** Header that carries the event type. Default `event-type`. */
  readonly typeHeader?: string;
  /** Header that carries the schema version. Default `event-version`. */
  readonly versionHeader?: string;
}

/**
 * The default codec: the payload as UTF-8 JSON, with the type and version in headers.
 *
 * @example
 * ```ts
 * const OrderCreated = defineEvent('OrderCreated', schema, { codec: jsonCodec({ typeHeader: 'x-type' }) });
 * ```
 */
export function jsonCodec(options: JsonCodecOptions = {}): Codec {
  const typeHeader = (options.typeHeader ?? TYPE_HEADER).toLowerCase();
  const versionHeader = (options.versionHeader ?? VERSION_HEADER).toLowerCase();
  return {
    name: 'json',
    contentType: 'application/json',
    encode(payload, context) {
      let text: string;
      try {
        text = JSON.stringify(payload);
      } catch (cause) {
        throw new EventproofError(
          'ENCODE_FAILED',
          failure(
            `encode ${context.type} as JSON`,
            cause instanceof Error ? cause.message : String(cause),
            'Convert BigInt, cyclic and other non-JSON values before publishing',
          ),
          { cause },
        );
      }
      return {
        value: encodeUtf8(text),
        headers: typeHeaders(context, typeHeader, versionHeader, 'application/json'),
        key: context.key,
      };
    },
    decode(message, context) {
      const text = decodeUtf8(message.value, context.type);
      const payload = parseJsonSafely(text, message.value, context.type);
      const declaredVersion = message.headers[versionHeader];
      return {
        payload,
        type: message.headers[typeHeader],
        version: declaredVersion === undefined ? undefined : Number(declaredVersion),
      };
    },
  };
}

/**
 * The headers every header-typed codec writes. Built without spreads: this runs once per message.
 * @internal
 */
export function typeHeaders(
  context: EncodeContext,
  typeHeader: string,
  versionHeader: string,
  contentType: string,
): Headers {
  const headers: Headers = {};
  const extra = context.headers;
  if (extra !== undefined) for (const name in extra) headers[name] = extra[name] as string;
  headers[typeHeader] = context.type;
  headers[versionHeader] = versionText(context.version);
  headers['content-type'] = contentType;
  return headers;
}

const VERSIONS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const versionText = (version: number): string => VERSIONS[version] ?? String(version);
