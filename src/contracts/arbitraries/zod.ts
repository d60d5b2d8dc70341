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

/** The parts of a zod 4 schema we read: every schema carries its definition in `_zod.def`. */
interface ZodNode {
  readonly _zod: { readonly def: ZodDef; readonly optin?: string; readonly pattern?: RegExp };
}
interface ZodDef {
  readonly type: string;
  readonly checks?: readonly ZodNode[];
  readonly check?: string;
  readonly [key: string]: unknown;
}
type CheckDef = ZodDef & { readonly check: string };

export const isZodSchema = (value: unknown): value is ZodNode =>
  typeof value === 'object' &&
  value !== null &&
  '_zod' in value &&
  typeof (value as ZodNode)._zod?.def?.type === 'string';

interface Walk {
  readonly eventName: string;
  readonly path: readonly string[];
  readonly depth: number;
}

const at = (walk: Walk, segment: string, deeper = false): Walk => ({
  eventName: walk.eventName,
  path: [...walk.path, segment],
  depth: walk.depth + (deeper ? 1 : 0),
});

/** The schema's own check (z.int() is itself a check) followed by the checks chained onto it. */
function checksOf(def: ZodDef): CheckDef[] {
  const own = def.check ? [def as CheckDef] : [];
  return [...own, ...(def.checks ?? []).map((check) => check._zod.def as CheckDef)];
}

interface Bounds<T> {
  min?: T;
  max?: T;
  minExcluded?: boolean;
  maxExcluded?: boolean;
}
function boundsOf<T>(checks: readonly CheckDef[]): Bounds<T> {
  const bounds: Bounds<T> = {};
  for (const check of checks) {
    if (check.check === 'greater_than') {
      bounds.min = check.value as T;
      bounds.minExcluded = !check.inclusive;
    } else if (check.check === 'less_than') {
      bounds.max = check.value as T;
      bounds.maxExcluded = !check.inclusive;
    }
  }
  return bounds;
}

function lengthsOf(
  checks: readonly CheckDef[],
  kind: 'length' | 'size',
): { min: number | undefined; max: number | undefined } {
  let min: number | undefined;
  let max: number | undefined;
  for (const check of checks) {
    if (check.check === `min_${kind}`) min = check.minimum as number;
    else if (check.check === `max_${kind}`) max = check.maximum as number;
    else if (check.check === `${kind}_equals`) min = max = check[kind] as number;
  }
  return { min, max };
}

function stringArbitrary(def: ZodDef): fc.Arbitrary<string> {
  const checks = checksOf(def);
  const { min, max } = lengthsOf(checks, 'length');
  const inLength = (text: string) =>
    (min === undefined || text.length >= min) && (max === undefined || text.length <= max);
  const format = checks.find((check) => check.check === 'string_format');
  if (format) {
    const named = formattedString(String(format.format));
    if (named) return named.filter(inLength);
    if (format.pattern instanceof RegExp) return fc.stringMatching(format.pattern).filter(inLength);
  }
  return hazardString({ minLength: min, maxLength: max });
}

function numberArbitrary(def: ZodDef): fc.Arbitrary<number> {
  const checks = checksOf(def);
  const bounds = boundsOf<number>(checks);
  const format = checks.find((check) => check.check === 'number_format')?.format as string | undefined;
  const step = checks.find((check) => check.check === 'multiple_of')?.value as number | undefined;
  if (format && /int/.test(format)) {
    const min =
      bounds.min === undefined
        ? undefined
        : bounds.minExcluded
          ? Math.floor(bounds.min) + 1
          : Math.ceil(bounds.min);
    const max =
      bounds.max === undefined
        ? undefined
        : bounds.maxExcluded
          ? Math.ceil(bounds.max) - 1
          : Math.floor(bounds.max);
    const range =
      format === 'int32'
        ? { min: -(2 ** 31), max: 2 ** 31 - 1 }
        : format === 'uint32'
          ? { min: 0, max: 2 ** 32 - 1 }
          : {};
    const integers = hazardInteger({
      min: Math.max(min ?? -Infinity, range.min ?? -Infinity),
      max: Math.min(max ?? Infinity, range.max ?? Infinity),
      safe: true,
    });
    return step ? integers.map((n) => n - (n % step)) : integers;
  }
  const doubles = hazardDouble(bounds);
  return step
    ? fc.oneof(
        doubles,
        fc.integer({ min: -1000, max: 1000 }).map((n) => n * step),
      )
    : doubles;
}

/**
 * Derives a fast-check arbitrary from a zod 4 schema by walking `schema._zod.def`.
 * @internal
 */
export function zodArbitrary(schema: ZodNode, walk: Walk): fc.Arbitrary<unknown> {
  const def = schema._zod.def;
  const child = (node: unknown, segment: string, deeper = false) =>
    zodArbitrary(node as ZodNode, at(walk, segment, deeper));
  switch (def.type) {
    case 'string':
      return stringArbitrary(def);
    case 'number':
      return numberArbitrary(def);
    case 'bigint': {
      const bounds = boundsOf<bigint>(checksOf(def));
      return hazardBigInt({
        min: bounds.min === undefined ? undefined : bounds.min + (bounds.minExcluded ? 1n : 0n),
        max: bounds.max === undefined ? undefined : bounds.max - (bounds.maxExcluded ? 1n : 0n),
      });
    }
    case 'boolean':
      return fc.boolean();
    case 'date': {
      const bounds = boundsOf<Date>(checksOf(def));
      return hazardDate({ min: bounds.min, max: bounds.max });
    }
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
      return fc.constantFrom(...(def.values as unknown[]));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, unknown>));
    case 'template_literal':
      if (schema._zod.pattern) return fc.stringMatching(schema._zod.pattern);
      throw unsupported(walk.eventName, 'z.templateLiteral', walk.path);
    case 'optional':
    case 'default':
    case 'prefault':
      // Input may omit the value (undefined) or give it; defaults are filled in by validation.
      return fc.oneof(fc.constant(undefined), zodArbitrary(def.innerType as ZodNode, walk));
    case 'nullable':
      return fc.oneof(fc.constant(null), zodArbitrary(def.innerType as ZodNode, walk));
    case 'nonoptional':
      return zodArbitrary(def.innerType as ZodNode, walk).filter((value) => value !== undefined);
    case 'catch':
    case 'readonly':
    case 'success':
      return zodArbitrary(def.innerType as ZodNode, walk);
    case 'pipe':
      return zodArbitrary(def.in as ZodNode, walk);
    case 'lazy':
      return fc
        .constant(null)
        .chain(() => zodArbitrary((def.getter as () => ZodNode)(), { ...walk, depth: walk.depth + 1 }));
    case 'array': {
      const { min, max } = lengthsOf(checksOf(def), 'length');
      return fc.array(child(def.element, '[]', true), {
        minLength: min ?? 0,
        maxLength: Math.max(min ?? 0, collectionMax(walk.depth, max)),
      });
    }
    case 'set': {
      const { min, max } = lengthsOf(checksOf(def), 'size');
      return fc
        .array(child(def.valueType, '<set value>', true), {
          minLength: min ?? 0,
          maxLength: Math.max(min ?? 0, collectionMax(walk.depth, max)),
        })
        .map((values) => new Set(values));
    }
    case 'map': {
      const { min, max } = lengthsOf(checksOf(def), 'size');
      const entry = fc.tuple(
        child(def.keyType, '<map key>', true),
        child(def.valueType, '<map value>', true),
      );
      return fc
        .array(entry, { minLength: min ?? 0, maxLength: Math.max(min ?? 0, collectionMax(walk.depth, max)) })
        .map((entries) => new Map(entries));
    }
    case 'tuple': {
      const items = (def.items as ZodNode[]).map((item, index) => child(item, `[${index}]`, true));
      const tuple = fc.tuple(...items);
      if (!def.rest) return tuple;
      const rest = fc.array(child(def.rest, '[…]', true), {
        maxLength: collectionMax(walk.depth, undefined),
      });
      return fc.tuple(tuple, rest).map(([head, tail]) => [...head, ...tail]);
    }
    case 'record': {
      const keyDef = (def.keyType as ZodNode)._zod.def;
      const value = child(def.valueType, '<value>', true);
      if (keyDef.type === 'enum' || keyDef.type === 'literal') {
        // A record over a finite key set requires every key (zod's exhaustive records).
        const keys =
          keyDef.type === 'enum'
            ? Object.values(keyDef.entries as Record<string, unknown>)
            : (keyDef.values as unknown[]);
        return fc.record(Object.fromEntries(keys.map((key) => [String(key), value])));
      }
      const key = child(def.keyType, '<key>', true) as fc.Arbitrary<string>;
      return fc.dictionary(key, value, { maxKeys: collectionMax(walk.depth, undefined) });
    }
    case 'object': {
      const shape = def.shape as Record<string, ZodNode>;
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      const requiredKeys: string[] = [];
      for (const key of Object.keys(shape)) {
        const node = shape[key] as ZodNode;
        model[key] = zodArbitrary(node, at(walk, key, true));
        if (node._zod.optin !== 'optional') requiredKeys.push(key);
      }
      return fc.record(model, { requiredKeys });
    }
    case 'union':
      return fc.oneof(...(def.options as ZodNode[]).map((option) => zodArbitrary(option, walk)));
    case 'intersection':
      throw unsupported(walk.eventName, 'an intersection (z.intersection / .and)', walk.path);
    case 'transform':
      throw unsupported(walk.eventName, 'a bare transform', walk.path);
    default:
      throw unsupported(walk.eventName, `z.${def.type}()`, walk.path);
  }
}
