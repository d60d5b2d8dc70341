import fc from 'fast-check';
import {
  collectionMax,
  formattedString,
  hazardAnything,
  hazardBigInt,
  hazardDate,
  hazardDouble,
  hazardInteger,
  hazardString,
  unsupported,
} from './hazards.js';

/** The parts of a valibot schema we read: plain objects with `type`, children and a `pipe` of actions. */
interface ValibotNode {
  readonly kind: 'schema';
  readonly type: string;
  readonly pipe?: readonly { readonly kind: string; readonly type: string; readonly requirement?: unknown }[];
  readonly [key: string]: unknown;
}

export const isValibotSchema = (value: unknown): value is ValibotNode =>
  typeof value === 'object' &&
  value !== null &&
  (value as ValibotNode).kind === 'schema' &&
  typeof (value as ValibotNode).type === 'string' &&
  (value as { '~standard'?: { vendor?: string } })['~standard']?.vendor === 'valibot';

interface Walk {
  readonly eventName: string;
  readonly path: readonly string[];
  readonly depth: number;
}
const at = (walk: Walk, segment: string): Walk => ({
  eventName: walk.eventName,
  path: [...walk.path, segment],
  depth: walk.depth + 1,
});

/** The validation actions of a piped schema (`v.pipe(v.string(), v.minLength(2))`), by type. */
function validations(node: ValibotNode): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const action of node.pipe ?? [])
    if (action.kind === 'validation') found.set(action.type, action.requirement);
  return found;
}

function lengths(rules: Map<string, unknown>): { min: number | undefined; max: number | undefined } {
  const exact = rules.get('length') as number | undefined;
  const min =
    exact ?? (rules.get('min_length') as number | undefined) ?? (rules.has('non_empty') ? 1 : undefined);
  const max = exact ?? (rules.get('max_length') as number | undefined);
  return { min, max };
}

const FORMATS: Record<string, string> = {
  email: 'email',
  uuid: 'uuid',
  iso_timestamp: 'date-time',
  iso_date: 'date',
  url: 'url',
  ipv4: 'ipv4',
  ipv6: 'ipv6',
};

function stringArbitrary(node: ValibotNode): fc.Arbitrary<string> {
  const rules = validations(node);
  const { min, max } = lengths(rules);
  const inLength = (text: string) =>
    (min === undefined || text.length >= min) && (max === undefined || text.length <= max);
  for (const [rule, format] of Object.entries(FORMATS)) {
    const named = rules.has(rule) ? formattedString(format) : undefined;
    if (named) return named.filter(inLength);
  }
  for (const requirement of rules.values()) {
    // Other formats (iso_date_time, regex, hexadecimal, …) carry their regular expression.
    if (requirement instanceof RegExp) return fc.stringMatching(requirement).filter(inLength);
  }
  return hazardString({ minLength: min, maxLength: max });
}

function numberArbitrary(node: ValibotNode): fc.Arbitrary<number> {
  const rules = validations(node);
  const min = (rules.get('min_value') ?? rules.get('gt_value')) as number | undefined;
  const max = (rules.get('max_value') ?? rules.get('lt_value')) as number | undefined;
  if (rules.has('integer') || rules.has('safe_integer')) {
    return hazardInteger({
      min: min === undefined ? undefined : rules.has('gt_value') ? Math.floor(min) + 1 : Math.ceil(min),
      max: max === undefined ? undefined : rules.has('lt_value') ? Math.ceil(max) - 1 : Math.floor(max),
      safe: rules.has('safe_integer'),
    });
  }
  return hazardDouble({ min, max, minExcluded: rules.has('gt_value'), maxExcluded: rules.has('lt_value') });
}

/**
 * Derives a fast-check arbitrary from a valibot schema by walking its plain-object structure.
 * @internal
 */
export function valibotArbitrary(node: ValibotNode, walk: Walk): fc.Arbitrary<unknown> {
  const child = (value: unknown, segment: string) =>
    valibotArbitrary(value as ValibotNode, at(walk, segment));
  const same = (value: unknown) => valibotArbitrary(value as ValibotNode, walk);
  const collection = () => {
    const { min, max } = lengths(validations(node));
    return { minLength: min ?? 0, maxLength: Math.max(min ?? 0, collectionMax(walk.depth, max)) };
  };
  switch (node.type) {
    case 'string':
      return stringArbitrary(node);
    case 'number':
      return numberArbitrary(node);
    case 'bigint': {
      const rules = validations(node);
      return hazardBigInt({
        min: rules.get('min_value') as bigint | undefined,
        max: rules.get('max_value') as bigint | undefined,
      });
    }
    case 'boolean':
      return fc.boolean();
    case 'date':
      return hazardDate();
    case 'null':
      return fc.constant(null);
    case 'undefined':
    case 'void':
      return fc.constant(undefined);
    case 'nan':
      return fc.constant(NaN);
    case 'any':
    case 'unknown':
      return hazardAnything;
    case 'literal':
      return fc.constant(node.literal);
    case 'picklist':
    case 'enum':
      return fc.constantFrom(...(node.options as unknown[]));
    case 'optional':
    case 'undefinedable':
      return fc.oneof(fc.constant(undefined), same(node.wrapped));
    case 'exact_optional':
      return same(node.wrapped);
    case 'nullable':
      return fc.oneof(fc.constant(null), same(node.wrapped));
    case 'nullish':
      return fc.oneof(fc.constant(null), fc.constant(undefined), same(node.wrapped));
    case 'non_optional':
    case 'non_nullable':
    case 'non_nullish':
      return same(node.wrapped).filter((value) => value !== undefined && value !== null);
    case 'lazy':
      return fc.constant(null).chain(() =>
        valibotArbitrary((node.getter as (input: unknown) => ValibotNode)(undefined), {
          ...walk,
          depth: walk.depth + 1,
        }),
      );
    case 'array':
      return fc.array(child(node.item, '[]'), collection());
    case 'set':
      return fc.array(child(node.value, '<set value>'), collection()).map((values) => new Set(values));
    case 'map':
      return fc
        .array(fc.tuple(child(node.key, '<map key>'), child(node.value, '<map value>')), collection())
        .map((entries) => new Map(entries));
    case 'tuple':
    case 'strict_tuple':
    case 'loose_tuple':
    case 'tuple_with_rest': {
      const head = fc.tuple(...(node.items as ValibotNode[]).map((item, index) => child(item, `[${index}]`)));
      if (node.type !== 'tuple_with_rest') return head;
      const rest = fc.array(child(node.rest, '[…]'), { maxLength: collectionMax(walk.depth, undefined) });
      return fc.tuple(head, rest).map(([items, tail]) => [...items, ...tail]);
    }
    case 'record': {
      const key = child(node.key, '<key>') as fc.Arbitrary<string>;
      return fc.dictionary(key, child(node.value, '<value>'), {
        maxKeys: collectionMax(walk.depth, undefined),
      });
    }
    case 'object':
    case 'strict_object':
    case 'loose_object':
    case 'object_with_rest': {
      const entries = node.entries as Record<string, ValibotNode>;
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      const requiredKeys: string[] = [];
      for (const key of Object.keys(entries)) {
        const entry = entries[key] as ValibotNode;
        model[key] = child(entry, key);
        if (!['optional', 'exact_optional', 'nullish'].includes(entry.type)) requiredKeys.push(key);
      }
      return fc.record(model, { requiredKeys });
    }
    case 'union':
    case 'variant':
      return fc.oneof(...(node.options as ValibotNode[]).map((option) => same(option)));
    case 'intersect':
      throw unsupported(walk.eventName, 'an intersection (v.intersect)', walk.path);
    default:
      throw unsupported(walk.eventName, `v.${node.type}()`, walk.path);
  }
}
