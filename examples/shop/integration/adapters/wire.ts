import { eventRegistry, type EventType, type WireMessage } from 'eventproof';
import { shopEvents, type ShopEvent } from '../../src/events.js';

const registry = eventRegistry(shopEvents);

/**
 * The shop's events on the wire, shared by every broker adapter: the contract named by the event's
 * `type` validates and encodes it (JSON body, `event-type` and version headers), so a message the
 * probe or another service reads decodes through the same contract.
 */
export function encodeShopEvent(
  event: object,
  options: { key?: string | undefined; headers?: Record<string, string> | undefined } = {},
): WireMessage & { readonly type: string } {
  const type = (event as { type?: unknown }).type;
  const contract = (shopEvents as readonly EventType[]).find((e) => e.name === type);
  // A payload that names no shop contract is a programming error: fail before anything is sent.
  if (!contract) throw new Error(`not a shop event (type ${JSON.stringify(type)}): ${JSON.stringify(event)}`);
  return { ...contract.encode(event, { key: options.key, headers: options.headers }), type: contract.name };
}

/** Identifies and validates an incoming message; throws on poison (undecodable or invalid). */
export function decodeShopEvent(value: Uint8Array | string, headers: Record<string, string>): ShopEvent {
  return registry.decode(value, headers).payload as ShopEvent;
}
