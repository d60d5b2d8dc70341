import { DecodeError, failure, InvalidArgumentError, ValidationError } from '../errors.js';
import { toWireMessage } from './bytes.js';
import { jsonCodec } from './codecs/json.js';
import { formatIssues, prepareSchema } from './schema.js';
import type {
  DefineEventOptions,
  EventType,
  Headers,
  InputOf,
  OutputOf,
  SchemaLike,
  Upcaster,
  WireMessage,
} from './types.js';
import { madeBy, markMadeBy } from './made-by.js';

/**
 * The contract that created or decoded a payload, if any. Lets a publisher double record
 * `publish(topic, event)` without being told the type.
 * @internal
 */
export function contractOf(payload: unknown): EventType | undefined {
  return madeBy(payload);
}

const defaultCodec = jsonCodec();

/**
 * Defines an event contract from any Standard Schema validator (zod, valibot, arktype, …) or a
 * JSON Schema document. The contract validates, encodes, decodes and names its poison.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineEvent } from 'eventproof';
 *
 * export const OrderCreated = defineEvent(
 *   'OrderCreated',
 *   z.object({ orderId: z.string(), amount: z.number() }),
 *   { key: (order) => order.orderId },
 * );
 * const event = OrderCreated.create({ orderId: '123', amount: 100 });
 * const restored = OrderCreated.decode(OrderCreated.encode(event).value);
 * ```
 */
export function defineEvent<const Name extends string, S extends SchemaLike>(
  name: Name,
  schema: S,
  options: DefineEventOptions<OutputOf<S>> = {},
): EventType<Name, OutputOf<S>, InputOf<S>> {
  type Payload = OutputOf<S>;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InvalidArgumentError(
      failure(
        'define an event',
        'the name is empty',
        "Give each event type a name, e.g. defineEvent('OrderCreated', schema)",
      ),
    );
  }
  const version = options.version ?? 1;
  if (!Number.isInteger(version) || version < 1) {
    throw new InvalidArgumentError(
      failure(
        `define event ${name}`,
        `version must be a positive integer, got ${String(version)}`,
        'Use 1 for the first version',
      ),
    );
  }
  const upcasters: Readonly<Record<number, Upcaster>> = { ...options.upcasters };
  const prepared = prepareSchema(schema, name);
  const codec = options.codec ?? defaultCodec;

  const remember = (value: Payload): Payload => {
    markMadeBy(value, contract);
    return value;
  };

  const validateOrThrow = (payload: unknown): Payload => {
    const result = prepared.validate(payload);
    if (!result.ok) {
      throw new ValidationError(
        failure(
          `create ${name}`,
          `the payload does not match its schema (${formatIssues(result.issues)})`,
          'Fix the payload or the schema',
        ),
        name,
        result.issues,
      );
    }
    return remember(result.value as Payload);
  };

  const upcast = (payload: unknown, from: number, raw: Uint8Array): unknown => {
    let current = payload;
    for (let v = from; v < version; v++) {
      const step = upcasters[v];
      if (!step) {
        throw new DecodeError(
          failure(
            `decode ${name}`,
            `the message is version ${from} and there is no upcaster from version ${v} to ${v + 1}`,
            `Add upcasters: { ${v}: (v${v}) => v${v + 1} } to the contract`,
          ),
          { reason: 'unsupported-version', raw, eventType: name },
        );
      }
      current = step(current);
    }
    return current;
  };

  const contract: EventType<Name, Payload, InputOf<S>> = {
    name,
    version,
    codec,
    schema: prepared,
    upcasters,
    create: (payload) => validateOrThrow(payload),
    validate(payload) {
      const result = prepared.validate(payload);
      return result.ok ? { ok: true, value: remember(result.value as Payload) } : result;
    },
    is(value): value is Payload {
      return madeBy(value) === contract || prepared.validate(value).ok;
    },
    keyOf: (payload) => options.key?.(payload),
    encode(payload, encodeOptions = {}) {
      const valid = validateOrThrow(payload);
      return codec.encode(valid, {
        type: name,
        version,
        key: encodeOptions.key ?? options.key?.(valid),
        headers: encodeOptions.headers,
      });
    },
    decode(raw: Uint8Array | string | WireMessage, headers?: Headers) {
      const message = toWireMessage(raw, headers, name);
      const wire = codec.decode(message, { type: name });
      if (wire.type !== undefined && wire.type !== name) {
        throw new DecodeError(
          failure(
            `decode ${name}`,
            `the message declares type '${wire.type}'`,
            `Decode it with the '${wire.type}' contract, or route it to the dead-letter queue`,
          ),
          { reason: 'unknown-type', raw: message.value, eventType: name },
        );
      }
      const declared = wire.version ?? version;
      if (!Number.isInteger(declared) || declared < 1 || declared > version) {
        throw new DecodeError(
          failure(
            `decode ${name}`,
            `the message is version ${String(wire.version)} but this consumer knows versions 1 to ${version}`,
            'Deploy the newer contract to consumers before producers, or dead-letter it',
          ),
          { reason: 'unsupported-version', raw: message.value, eventType: name },
        );
      }
      const payload = declared < version ? upcast(wire.payload, declared, message.value) : wire.payload;
      const result = prepared.validate(payload);
      if (!result.ok) {
        throw new DecodeError(
          failure(
            `decode ${name}`,
            `the payload violates its schema (${formatIssues(result.issues)})`,
            'Dead-letter it; fix the producer or evolve the schema compatibly',
          ),
          { reason: 'schema-violation', raw: message.value, eventType: name, issues: result.issues },
        );
      }
      return remember(result.value as Payload);
    },
  };
  return contract;
}
