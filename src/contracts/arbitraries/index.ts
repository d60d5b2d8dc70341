import type fc from 'fast-check';
import type { EventType } from '../types.js';
import { unsupported } from './hazards.js';
import { jsonSchemaArbitrary } from './json-schema.js';
import { isValibotSchema, valibotArbitrary } from './valibot.js';
import { isZodSchema, zodArbitrary } from './zod.js';

/**
 * Derives payloads for a contract from its schema: zod and valibot by walking their own structures
 * (they know Date, Map, BigInt…), everything else through its JSON Schema rendering.
 * @internal
 */
export function arbitraryForEvent(event: EventType): fc.Arbitrary<unknown> {
  const source = event.schema.source;
  const walk = { eventName: event.name, path: [], depth: 0 };
  if (isZodSchema(source)) return zodArbitrary(source, walk);
  if (isValibotSchema(source)) return valibotArbitrary(source, walk);
  const jsonSchema = event.schema.toJsonSchema();
  if (jsonSchema === undefined)
    throw unsupported(event.name, `a ${event.schema.vendor} schema without a JSON Schema rendering`, []);
  return jsonSchemaArbitrary(jsonSchema, { ...walk, root: jsonSchema });
}
