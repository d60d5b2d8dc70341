import type { IConversionOptions, Type } from 'protobufjs';
import { DecodeError, EventproofError, failure } from '../../errors.js';
import type { Codec } from '../types.js';
import { TYPE_HEADER, typeHeaders, VERSION_HEADER } from './json.js';
import { toPlainData } from './plain-data.js';

export interface ProtobufCodecOptions {
  /** Header that carries the event type. Default `event-type`. */
  readonly typeHeader?: string;
  /** Header that carries the schema version. Default `event-version`. */
  readonly versionHeader?: string;
  /**
   * How decoded messages become plain objects (protobufjs `toObject` options). Default
   * `{ enums: String, longs: String, defaults: true }`: 64-bit integers as decimal strings, so nothing
   * beyond 2^53 is silently rounded.
   */
  readonly toObject?: IConversionOptions;
}

const DEFAULT_CONVERSION: IConversionOptions = { enums: String, longs: String, defaults: true };

/**
 * A Protocol Buffers codec (via the optional peer `protobufjs`) for one message type, with the event
 * type and version in headers like the JSON codec. Bytes that are not a valid message (truncated,
 * wrong wire type) are poison with reason `codec-error`.
 *
 * @example
 * ```ts
 * import protobuf from 'protobufjs';
 * import { protobufCodec } from 'eventproof/protobuf';
 *
 * const root = protobuf.parse('syntax = "proto3"; message OrderCreated { string order_id = 1; double amount = 2; }').root;
 * const OrderCreated = defineEvent('OrderCreated', schema, {
 *   codec: protobufCodec(root.lookupType('OrderCreated')),
 * });
 * ```
 */
export function protobufCodec(messageType: Type, options: ProtobufCodecOptions = {}): Codec {
  if (
    typeof messageType?.encode !== 'function' ||
    typeof messageType.decode !== 'function' ||
    typeof messageType.fromObject !== 'function'
  ) {
    throw new EventproofError(
      'INVALID_ARGUMENT',
      failure(
        'create a Protobuf codec',
        'the argument is not a protobufjs message Type',
        "Pass root.lookupType('MyMessage')",
      ),
    );
  }
  const typeHeader = (options.typeHeader ?? TYPE_HEADER).toLowerCase();
  const versionHeader = (options.versionHeader ?? VERSION_HEADER).toLowerCase();
  const conversion = options.toObject ?? DEFAULT_CONVERSION;
  return {
    name: 'protobuf',
    contentType: 'application/x-protobuf',
    encode(payload, context) {
      const problem = messageType.verify(payload as Record<string, unknown>);
      if (problem) {
        throw new EventproofError(
          'ENCODE_FAILED',
          failure(
            `encode ${context.type} as Protobuf ${messageType.name}`,
            problem,
            'Make the payload match the .proto message (field names are camelCase in protobufjs)',
          ),
        );
      }
      let value: Uint8Array;
      try {
        value = messageType.encode(messageType.fromObject(payload as Record<string, unknown>)).finish();
      } catch (cause) {
        throw new EventproofError(
          'ENCODE_FAILED',
          failure(
            `encode ${context.type} as Protobuf ${messageType.name}`,
            cause instanceof Error ? cause.message : String(cause),
            'Make the payload match the .proto message',
          ),
          { cause },
        );
      }
      return {
        value,
        headers: typeHeaders(context, typeHeader, versionHeader, 'application/x-protobuf'),
        key: context.key,
      };
    },
    decode(message, context) {
      let payload: unknown;
      try {
        payload = toPlainData(messageType.toObject(messageType.decode(message.value), conversion));
      } catch (cause) {
        throw new DecodeError(
          failure(
            `decode ${context.type || 'a message'}`,
            `the bytes are not a valid Protobuf ${messageType.name} (${cause instanceof Error ? cause.message : String(cause)})`,
            'Dead-letter it, or check the producer writes the same .proto message',
          ),
          { reason: 'codec-error', raw: message.value, eventType: context.type || undefined, cause },
        );
      }
      const declaredVersion = message.headers[versionHeader];
      return {
        payload,
        type: message.headers[typeHeader],
        version: declaredVersion === undefined ? undefined : Number(declaredVersion),
      };
    },
  };
}
