import { DecodeError, failure } from '../errors.js';
import { toWireMessage } from './bytes.js';
import type { Codec, EventType, Headers, WireMessage } from './types.js';

/** Payload properties that commonly name the event type inside the message itself. */
const DISCRIMINANTS = [
  'type',
  'eventType',
  'event_type',
  'messageType',
  'message_type',
  'eventName',
  'kind',
] as const;

/** A decoded message together with the contract it belongs to. */
export interface IdentifiedEvent {
  readonly event: EventType;
  readonly payload: unknown;
}

/**
 * Decodes messages that may be any of several event types, the way a consumer of a shared topic
 * must: by the declared type (header or envelope), else a discriminant property in the payload
 * (`type`, `eventType`, `messageType`, …), else the only contract, else the one schema that accepts it.
 *
 * @example
 * ```ts
 * const orders = eventRegistry([OrderCreated, OrderUpdated]);
 * const { event, payload } = orders.decode(message.value, headers);
 * ```
 */
export interface EventRegistry {
  readonly events: readonly EventType[];
  get(name: string): EventType | undefined;
  decode(raw: Uint8Array | string | WireMessage, headers?: Headers): IdentifiedEvent;
}

export function eventRegistry(events: readonly EventType[]): EventRegistry {
  const byName = new Map(events.map((event) => [event.name, event]));
  const codecs = [...new Set(events.map((event) => event.codec))];
  const names = () => [...byName.keys()].join(', ') || '(none)';

  const unknown = (raw: Uint8Array, declared: string) =>
    new DecodeError(
      failure(
        'decode a message',
        `it declares type '${declared}', which is not one of ${names()}`,
        'Register its contract with the consumer, or dead-letter it',
      ),
      { reason: 'unknown-type', raw, eventType: declared },
    );

  return {
    events,
    get: (name) => byName.get(name),
    decode(raw, headers) {
      const message = toWireMessage(raw, headers);
      if (events.length === 0) {
        throw new DecodeError(
          failure(
            'decode a message',
            'no event contracts are registered',
            'Pass the consumer its events: [OrderCreated, …]',
          ),
          {
            reason: 'unknown-type',
            raw: message.value,
          },
        );
      }
      const single = events.length === 1 ? events[0] : undefined;
      if (single) return { event: single, payload: single.decode(message) };

      // Read the wire once per codec; the first codec that can read it tells us the declared type.
      let firstError: unknown;
      let peeked: { codec: Codec; payload: unknown; type: string | undefined } | undefined;
      for (const codec of codecs) {
        try {
          const wire = codec.decode(message, { type: '' });
          peeked = { codec, payload: wire.payload, type: wire.type };
          break;
        } catch (error) {
          firstError ??= error;
        }
      }
      if (!peeked)
        throw firstError instanceof Error
          ? firstError
          : new DecodeError(String(firstError), { reason: 'codec-error', raw: message.value });

      const declared = peeked.type ?? discriminantOf(peeked.payload, byName);
      if (declared !== undefined) {
        const event = byName.get(declared);
        if (!event) throw unknown(message.value, declared);
        return { event, payload: event.decode(message) };
      }
      const candidates = events.filter(
        (event) => event.codec === peeked.codec && event.schema.validate(peeked.payload).ok,
      );
      const match = candidates[0];
      if (match) return { event: match, payload: match.decode(message) };
      throw new DecodeError(
        failure(
          'decode a message',
          `it declares no type and matches none of the schemas of ${names()}`,
          'Send the type in a header or a "type" property, or dead-letter it',
        ),
        { reason: 'schema-violation', raw: message.value },
      );
    },
  };
}

function discriminantOf(payload: unknown, known: Map<string, EventType>): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const record = payload as Record<string, unknown>;
  for (const field of DISCRIMINANTS) {
    const value = record[field];
    if (typeof value === 'string' && known.has(value)) return value;
  }
  return undefined;
}
