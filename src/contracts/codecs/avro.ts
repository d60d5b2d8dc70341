import avsc from 'avsc';
import { DecodeError, EventproofError, failure } from '../../errors.js';
import type { Codec } from '../types.js';
import { TYPE_HEADER, typeHeaders, VERSION_HEADER } from './json.js';
import { toPlainData } from './plain-data.js';

/** An Avro schema as JSON (record, enum, array, …) or an `avsc.Type` already built from one. */
export type AvroSchemaOrType =
  avsc.Type | avsc.Schema | string | readonly unknown[] | Readonly<Record<string, unknown>>;

export interface AvroCodecOptions {
  /** Header that carries the event type. Default `event-type`. */
  readonly typeHeader?: string;
  /** Header that carries the schema version. Default `event-version`. */
  readonly versionHeader?: string;
}

/**
 * An Avro binary codec (via the optional peer `avsc`) with the type and version in headers, like
 * the JSON codec. Decoded records come back as plain objects so the contract's schema and
 * structural comparisons see ordinary data. Bytes that are not a value of the Avro type (truncated,
 * trailing garbage, a bad union index) are poison with reason `codec-error`.
 *
 * @example
 * ```ts
 * import { avroCodec } from 'eventproof/avro';
 *
 * const OrderCreated = defineEvent('OrderCreated', schema, {
 *   codec: avroCodec({
 *     type: 'record',
 *     name: 'OrderCreated',
 *     fields: [
 *       { name: 'orderId', type: 'string' },
 *       { name: 'amount', type: 'double' },
 *     ],
 *   }),
 * });
 * ```
 */
export function avroCodec(schemaOrType: AvroSchemaOrType, options: AvroCodecOptions = {}): Codec {
  let type: avsc.Type;
  try {
    type =
      schemaOrType instanceof avsc.Type ? schemaOrType : avsc.Type.forSchema(schemaOrType as avsc.Schema);
  } catch (cause) {
    throw new EventproofError(
      'INVALID_ARGUMENT',
      failure(
        'create an Avro codec',
        cause instanceof Error ? cause.message : String(cause),
        'Pass a valid Avro schema or an avsc Type',
      ),
      { cause },
    );
  }
  const typeHeader = (options.typeHeader ?? TYPE_HEADER).toLowerCase();
  const versionHeader = (options.versionHeader ?? VERSION_HEADER).toLowerCase();
  return {
    name: 'avro',
    contentType: 'application/avro',
    encode(payload, context) {
      let value: Uint8Array;
      try {
        value = type.toBuffer(payload);
      } catch (cause) {
        throw new EventproofError(
          'ENCODE_FAILED',
          failure(
            `encode ${context.type} as Avro`,
            cause instanceof Error ? cause.message : String(cause),
            'Make the payload match the Avro schema (field names, types, long within 2^53)',
          ),
          { cause },
        );
      }
      return {
        value,
        headers: typeHeaders(context, typeHeader, versionHeader, 'application/avro'),
        key: context.key,
      };
    },
    decode(message, context) {
      let decoded: unknown;
      try {
        const bytes = Buffer.from(message.value.buffer, message.value.byteOffset, message.value.byteLength);
        decoded = type.fromBuffer(bytes);
      } catch (cause) {
        throw new DecodeError(
          failure(
            `decode ${context.type || 'a message'}`,
            `the bytes are not a valid Avro ${type.name ?? type.typeName} (${cause instanceof Error ? cause.message : String(cause)})`,
            'Dead-letter it, or check the producer writes with the same Avro schema',
          ),
          { reason: 'codec-error', raw: message.value, eventType: context.type || undefined, cause },
        );
      }
      const declaredVersion = message.headers[versionHeader];
      return {
        payload: toPlainData(decoded),
        type: message.headers[typeHeader],
        version: declaredVersion === undefined ? undefined : Number(declaredVersion),
      };
    },
  };
}
