import fc from 'fast-check';
import type { JsonSchemaDocument } from '../types.js';
import {
  collectionMax,
  formattedString,
  hazardAnything,
  hazardDouble,
  hazardInteger,
  hazardString,
  unsupported,
} from './hazards.js';

type Node = JsonSchemaDocument | boolean;

interface Walk {
  readonly eventName: string;
  readonly path: readonly string[];
  readonly depth: number;
  readonly root: JsonSchemaDocument;
}
const at = (walk: Walk, segment: string): Walk => ({
  ...walk,
  path: [...walk.path, segment],
  depth: walk.depth + 1,
});

/** Keywords that only annotate; they never constrain which values we must generate. */
const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$comment',
  '$anchor',
  '$defs',
  'definitions',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'contentEncoding',
  'contentMediaType',
  'discriminator',
  'nullable',
]);
/** Keywords we understand. Anything else is refused by name rather than silently ignored. */
const HANDLED = new Set([
  'type',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'allOf',
  '$ref',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minProperties',
  'maxProperties',
  'propertyNames',
  'unevaluatedProperties',
]);

/** Resolves `#/$defs/Name` and `#/definitions/Name` (and any other local JSON pointer). @internal */
export function resolveRef(root: JsonSchemaDocument, ref: string): Node | undefined {
  if (!ref.startsWith('#')) return undefined;
  let current: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current as Node;
}

const typesOf = (schema: JsonSchemaDocument): string[] | undefined =>
  schema.type === undefined
    ? undefined
    : Array.isArray(schema.type)
      ? [...(schema.type as string[])]
      : [schema.type as string];

/**
 * Derives a fast-check arbitrary from a JSON Schema (draft 2020-12, 2019-09 or 07): the rendering
 * arktype and zod give through Standard JSON Schema, or a contract's own document.
 * @internal
 */
export function jsonSchemaArbitrary(node: Node, walk: Walk): fc.Arbitrary<unknown> {
  if (node === true) return hazardAnything;
  if (node === false) throw unsupported(walk.eventName, 'the `false` schema (nothing is valid)', walk.path);
  const schema = node;
  for (const keyword of Object.keys(schema)) {
    if (!HANDLED.has(keyword) && !ANNOTATIONS.has(keyword) && !keyword.startsWith('x-')) {
      throw unsupported(walk.eventName, `the JSON Schema keyword "${keyword}"`, walk.path);
    }
  }
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(walk.root, schema.$ref);
    if (target === undefined) throw unsupported(walk.eventName, `the reference "${schema.$ref}"`, walk.path);
    return fc.constant(null).chain(() => jsonSchemaArbitrary(target, { ...walk, depth: walk.depth + 1 }));
  }
  if (Object.hasOwn(schema, 'const')) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const branches = (schema.anyOf ?? schema.oneOf) as Node[] | undefined;
  if (branches) {
    // oneOf is generated like anyOf; values matching several branches are dropped by validation.
    return fc.oneof(...branches.map((branch) => jsonSchemaArbitrary(mergeSiblings(schema, branch), walk)));
  }
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf as Node[];
    if (parts.length === 1 && parts[0] !== undefined)
      return jsonSchemaArbitrary(mergeSiblings(schema, parts[0]), walk);
    throw unsupported(walk.eventName, 'allOf with several schemas', walk.path);
  }
  const types = typesOf(schema) ?? inferTypes(schema);
  if (types === undefined) return hazardAnything;
  return fc.oneof(...types.map((type) => typed(type, schema, walk)));
}

/** `{ type: 'object', anyOf: [...] }`: constraints beside a combinator apply to every branch. */
function mergeSiblings(schema: JsonSchemaDocument, branch: Node): Node {
  if (typeof branch === 'boolean') return branch;
  const { anyOf: _a, oneOf: _o, allOf: _l, ...siblings } = schema;
  return Object.keys(siblings).some((key) => !ANNOTATIONS.has(key)) ? { ...siblings, ...branch } : branch;
}

function inferTypes(schema: JsonSchemaDocument): string[] | undefined {
  if (schema.properties || schema.required || schema.additionalProperties !== undefined) return ['object'];
  if (schema.items || schema.prefixItems) return ['array'];
  if (schema.minLength !== undefined || schema.pattern || schema.format) return ['string'];
  if (schema.minimum !== undefined || schema.maximum !== undefined) return ['number'];
  return undefined;
}

function typed(type: string, schema: JsonSchemaDocument, walk: Walk): fc.Arbitrary<unknown> {
  const num = (keyword: string) => (typeof schema[keyword] === 'number' ? schema[keyword] : undefined);
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'string': {
      const minLength = num('minLength');
      const maxLength = num('maxLength');
      const inLength = (text: string) =>
        (minLength === undefined || text.length >= minLength) &&
        (maxLength === undefined || text.length <= maxLength);
      const named = typeof schema.format === 'string' ? formattedString(schema.format) : undefined;
      if (named) return named.filter(inLength);
      if (typeof schema.pattern === 'string')
        return fc.stringMatching(new RegExp(schema.pattern, 'u')).filter(inLength);
      return hazardString({ minLength, maxLength });
    }
    case 'integer':
    case 'number': {
      // Draft 4 style boolean exclusive bounds are read as the 2020-12 numeric form.
      const exclusiveMin = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined;
      const exclusiveMax = typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : undefined;
      const min = exclusiveMin ?? num('minimum');
      const max = exclusiveMax ?? num('maximum');
      const step = num('multipleOf');
      if (type === 'integer') {
        const integers = hazardInteger({
          min:
            min === undefined ? undefined : exclusiveMin !== undefined ? Math.floor(min) + 1 : Math.ceil(min),
          max:
            max === undefined ? undefined : exclusiveMax !== undefined ? Math.ceil(max) - 1 : Math.floor(max),
        });
        return step ? integers.map((n) => n - (n % step)) : integers;
      }
      const doubles = hazardDouble({
        min,
        max,
        minExcluded: exclusiveMin !== undefined,
        maxExcluded: exclusiveMax !== undefined,
      });
      return step
        ? fc.oneof(
            doubles,
            fc.integer({ min: -1000, max: 1000 }).map((n) => n * step),
          )
        : doubles;
    }
    case 'array': {
      const minItems = num('minItems') ?? 0;
      const maxItems = Math.max(minItems, collectionMax(walk.depth, num('maxItems')));
      const prefix = Array.isArray(schema.prefixItems)
        ? (schema.prefixItems as Node[])
        : Array.isArray(schema.items)
          ? (schema.items as Node[])
          : [];
      const itemSchema = Array.isArray(schema.items) ? undefined : (schema.items as Node | undefined);
      const rest = itemSchema === false ? undefined : jsonSchemaArbitrary(itemSchema ?? true, at(walk, '[]'));
      if (prefix.length > 0) {
        const head = fc.tuple(
          ...prefix.map((item, index) => jsonSchemaArbitrary(item, at(walk, `[${index}]`))),
        );
        if (!rest) return head;
        return fc
          .tuple(head, fc.array(rest, { maxLength: Math.max(0, maxItems - prefix.length) }))
          .map(([h, t]) => [...h, ...t]);
      }
      if (!rest) return fc.constant([]);
      return schema.uniqueItems === true
        ? fc.uniqueArray(rest, {
            minLength: minItems,
            maxLength: maxItems,
            selector: (value) => JSON.stringify(value),
          })
        : fc.array(rest, { minLength: minItems, maxLength: maxItems });
    }
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Node>;
      const required = new Set((schema.required ?? []) as string[]);
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const key of Object.keys(properties))
        model[key] = jsonSchemaArbitrary(properties[key] as Node, at(walk, key));
      for (const key of required) model[key] ??= hazardAnything;
      const declared = fc.record(model, { requiredKeys: [...required] });
      const extra = schema.additionalProperties;
      if (typeof extra !== 'object' || extra === null) return declared;
      // Open maps (`additionalProperties: { … }`) get a few undeclared keys of that schema.
      const more = fc.dictionary(
        hazardString({ maxLength: 8 }).filter((key) => !Object.hasOwn(properties, key)),
        jsonSchemaArbitrary(extra as Node, at(walk, '<additional>')),
        { maxKeys: collectionMax(walk.depth, undefined) },
      );
      return fc.tuple(declared, more).map(([known, others]) => Object.assign(others, known));
    }
    default:
      throw unsupported(walk.eventName, `the JSON Schema type "${type}"`, walk.path);
  }
}
