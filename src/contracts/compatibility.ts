import { EventproofError, failure, MissingPeerDependencyError } from '../errors.js';
import { resolveRef } from './arbitraries/json-schema.js';
import { isValibotSchema } from './arbitraries/valibot.js';
import { prepareSchema } from './schema.js';
import type { EventType, JsonSchemaDocument, SchemaLike } from './types.js';

/**
 * As a schema registry defines them: `backward` — consumers on the newer schema read data written
 * with the older; `forward` — consumers on the older schema read data written with the newer;
 * `full` — both.
 */
export type CompatibilityMode = 'backward' | 'forward' | 'full';

/** One change that breaks a reader. */
export interface CompatibilityBreak {
  /** Where in the payload: `customer.email`, `items[].qty`, `(root)`. */
  readonly path: string;
  /** A stable rule id, e.g. `required-field-added`, `type-changed`, `enum-value-removed`. */
  readonly rule: CompatibilityRule;
  /** Which direction it breaks: `backward` (newer reads older) or `forward` (older reads newer). */
  readonly direction: 'backward' | 'forward';
  readonly message: string;
}

export type CompatibilityRule =
  | 'required-field-added'
  | 'required-field-removed'
  | 'type-changed'
  | 'type-narrowed'
  | 'enum-value-removed'
  | 'enum-value-added'
  | 'const-changed'
  | 'range-narrowed'
  | 'length-narrowed'
  | 'pattern-changed'
  | 'format-added'
  | 'closed-content-model'
  | 'additional-property-rejected'
  | 'union-branch-missing'
  | 'tuple-changed';

/** The verdict of {@link checkCompatibility}. */
export interface CompatibilityResult {
  readonly compatible: boolean;
  readonly mode: CompatibilityMode;
  readonly breaks: readonly CompatibilityBreak[];
}

type Node = JsonSchemaDocument | boolean;
type Side = 'older' | 'newer';

interface Direction {
  readonly name: 'backward' | 'forward';
  readonly reader: Side;
  readonly writer: Side;
  readonly readerRoot: JsonSchemaDocument;
  readonly writerRoot: JsonSchemaDocument;
  readonly breaks: CompatibilityBreak[];
  /** Pairs of $ref'd schemas already compared, so recursive schemas terminate. */
  readonly seen: Set<string>;
}

/**
 * Checks whether a schema change keeps consumers working, on the JSON Schema renderings of both
 * sides (zod and arktype through Standard JSON Schema, valibot through the optional peer
 * `@valibot/to-json-schema`, JSON Schema as is), and names each field that breaks.
 *
 * @example
 * ```ts
 * const V1 = z.object({ orderId: z.string() });
 * const V2 = z.object({ orderId: z.string(), currency: z.string() });
 * const result = await checkCompatibility(V1, V2, 'backward');
 * // { compatible: false, mode: 'backward', breaks: [{ path: 'currency', rule: 'required-field-added', … }] }
 * ```
 */
export async function checkCompatibility(
  older: EventType | SchemaLike,
  newer: EventType | SchemaLike,
  mode: CompatibilityMode,
): Promise<CompatibilityResult> {
  if (mode !== 'backward' && mode !== 'forward' && mode !== 'full') {
    throw new EventproofError(
      'INVALID_ARGUMENT',
      failure(
        'check compatibility',
        `mode must be 'backward', 'forward' or 'full', got ${String(mode)}`,
        "Pass e.g. checkCompatibility(v1, v2, 'backward')",
      ),
    );
  }
  const olderSchema = await jsonSchemaOf(older, 'older');
  const newerSchema = await jsonSchemaOf(newer, 'newer');
  const breaks: CompatibilityBreak[] = [];
  const run = (name: 'backward' | 'forward') => {
    const [reader, writer]: [Side, Side] = name === 'backward' ? ['newer', 'older'] : ['older', 'newer'];
    const roots = { older: olderSchema, newer: newerSchema };
    compare(roots[reader], roots[writer], [], {
      name,
      reader,
      writer,
      readerRoot: roots[reader],
      writerRoot: roots[writer],
      breaks,
      seen: new Set(),
    });
  };
  if (mode !== 'forward') run('backward');
  if (mode !== 'backward') run('forward');
  return { compatible: breaks.length === 0, mode, breaks };
}

/** Standard JSON Schema first; zod with a Date or Map renders it as "anything" rather than failing. */
async function jsonSchemaOf(input: EventType | SchemaLike, side: Side): Promise<JsonSchemaDocument> {
  const source = isEventType(input) ? input.schema.source : input;
  if (isValibotSchema(source)) {
    let module: { toJsonSchema: (schema: unknown, config?: Record<string, unknown>) => unknown };
    try {
      module = (await import('@valibot/to-json-schema')) as unknown as typeof module;
    } catch (cause) {
      throw new MissingPeerDependencyError(
        '@valibot/to-json-schema',
        'checkCompatibility with valibot schemas',
        cause,
      );
    }
    return module.toJsonSchema(source, {
      target: 'draft-2020-12',
      errorMode: 'ignore',
    }) as JsonSchemaDocument;
  }
  const prepared = isEventType(input) ? input.schema : prepareSchema(input, `the ${side} schema`);
  const rendered = prepared.toJsonSchema() ?? renderLeniently(prepared.source);
  if (rendered === undefined) {
    throw new EventproofError(
      'UNSUPPORTED_SCHEMA',
      failure(
        `check compatibility of the ${side} schema`,
        `its ${prepared.vendor} schema has no JSON Schema rendering`,
        'Use zod 4, arktype, valibot (with @valibot/to-json-schema) or a JSON Schema document',
      ),
    );
  }
  return rendered;
}

function renderLeniently(source: unknown): JsonSchemaDocument | undefined {
  const standard = (
    source as { '~standard'?: { jsonSchema?: { input(options: Record<string, unknown>): unknown } } }
  )['~standard'];
  try {
    return standard?.jsonSchema?.input({
      target: 'draft-2020-12',
      libraryOptions: { unrepresentable: 'any' },
    }) as JsonSchemaDocument | undefined;
  } catch {
    return undefined;
  }
}

const isEventType = (value: unknown): value is EventType =>
  typeof value === 'object' &&
  value !== null &&
  'schema' in value &&
  'codec' in value &&
  typeof (value as EventType).decode === 'function';

function formatPath(path: readonly string[]): string {
  if (path.length === 0) return '(root)';
  return path.reduce(
    (out, segment) => (segment.startsWith('[') ? `${out}${segment}` : out ? `${out}.${segment}` : segment),
    '',
  );
}

function report(dir: Direction, path: readonly string[], rule: CompatibilityRule, message: string): void {
  dir.breaks.push({ path: formatPath(path), rule, direction: dir.name, message });
}

/** Follows `$ref`s (to the same document) until a schema with content. */
function deref(node: Node, root: JsonSchemaDocument, seen: string[] = []): Node {
  if (typeof node === 'boolean' || typeof node.$ref !== 'string' || seen.includes(node.$ref)) return node;
  const target = resolveRef(root, node.$ref);
  return target === undefined ? node : deref(target, root, [...seen, node.$ref]);
}

const TYPE_NAMES = ['null', 'boolean', 'object', 'array', 'number', 'integer', 'string'];

/** The JSON types a schema admits, from `type`, `const`/`enum` values or its union branches; undefined = any. */
function typesOf(node: Node, root: JsonSchemaDocument): Set<string> | undefined {
  const schema = deref(node, root);
  if (typeof schema === 'boolean') return schema ? undefined : new Set();
  if (typeof schema.type === 'string') return new Set([schema.type]);
  if (Array.isArray(schema.type)) return new Set(schema.type as string[]);
  const values = valuesOf(schema);
  if (values) return new Set(values.map(jsonType));
  const branches = (schema.anyOf ?? schema.oneOf) as Node[] | undefined;
  if (branches) {
    const all = new Set<string>();
    for (const branch of branches) {
      const types = typesOf(branch, root);
      if (!types) return undefined;
      for (const type of types) all.add(type);
    }
    return all;
  }
  if (schema.properties || schema.required) return new Set(['object']);
  if (schema.items || schema.prefixItems) return new Set(['array']);
  return undefined;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function valuesOf(schema: JsonSchemaDocument): unknown[] | undefined {
  if (Object.hasOwn(schema, 'const')) return [schema.const];
  return Array.isArray(schema.enum) ? (schema.enum as unknown[]) : undefined;
}

const readsType = (readerTypes: Set<string>, type: string) =>
  readerTypes.has(type) || (type === 'integer' && readerTypes.has('number'));
const show = (value: unknown) => JSON.stringify(value);

/**
 * Records every way the reader schema rejects values the writer schema admits. Sound for the
 * common evolutions (fields, types, enums, ranges, unions); it does not decide full JSON Schema
 * inclusion (`not`, `if`/`then`, patternProperties are ignored).
 */
function compare(readerNode: Node, writerNode: Node, path: string[], dir: Direction): void {
  if (
    typeof readerNode === 'object' &&
    typeof writerNode === 'object' &&
    (readerNode.$ref || writerNode.$ref)
  ) {
    const key = `${String(readerNode.$ref)}|${String(writerNode.$ref)}`;
    if (dir.seen.has(key)) return;
    dir.seen.add(key);
  }
  const reader = deref(readerNode, dir.readerRoot);
  const writer = deref(writerNode, dir.writerRoot);
  if (
    reader === true ||
    (typeof reader === 'object' &&
      Object.keys(reader).every(
        (k) => k.startsWith('$') || k === 'title' || k === 'description' || k === 'default',
      ))
  )
    return;
  if (writer === false) return;

  // A union on the writer side: every branch it can write must be readable.
  const writerBranches =
    typeof writer === 'object' ? ((writer.anyOf ?? writer.oneOf) as Node[] | undefined) : undefined;
  if (writerBranches && !(typeof writer === 'object' && writer.type)) {
    for (const branch of writerBranches) compare(reader, branch, path, dir);
    return;
  }
  // A union on the reader side: the writer's values must fit some branch; report the closest branch's breaks.
  const readerBranches =
    typeof reader === 'object' ? ((reader.anyOf ?? reader.oneOf) as Node[] | undefined) : undefined;
  if (readerBranches && !(typeof reader === 'object' && reader.type)) {
    const attempts = readerBranches.map((branch) => {
      const trial: Direction = { ...dir, breaks: [], seen: new Set(dir.seen) };
      compare(branch, writer, path, trial);
      return trial.breaks;
    });
    if (attempts.some((breaks) => breaks.length === 0)) return;
    const writerTypes = typesOf(writer, dir.writerRoot);
    const sameType = attempts.filter((_, i) => {
      const types = typesOf(readerBranches[i] as Node, dir.readerRoot);
      return writerTypes && types && [...writerTypes].some((t) => readsType(types, t));
    });
    if (sameType.length > 0) {
      const best = sameType.reduce((a, b) => (b.length < a.length ? b : a));
      dir.breaks.push(...best);
    } else {
      report(
        dir,
        path,
        'union-branch-missing',
        `the ${dir.reader} schema has no branch that reads ${describeTypes(writerTypes)} written by the ${dir.writer} schema`,
      );
    }
    return;
  }
  if (reader === false) {
    report(dir, path, 'type-changed', `the ${dir.reader} schema accepts nothing here`);
    return;
  }
  if (writer === true) {
    report(
      dir,
      path,
      'type-narrowed',
      `the ${dir.writer} schema allows any value here, the ${dir.reader} schema only ${describeTypes(typesOf(reader, dir.readerRoot))}`,
    );
    return;
  }

  // Types.
  const readerTypes = typesOf(reader, dir.readerRoot);
  const writerTypes = typesOf(writer, dir.writerRoot);
  if (readerTypes) {
    if (!writerTypes) {
      report(
        dir,
        path,
        'type-narrowed',
        `the ${dir.writer} schema allows any type here, the ${dir.reader} schema only ${describeTypes(readerTypes)}`,
      );
      return;
    }
    const unreadable = [...writerTypes].filter((type) => !readsType(readerTypes, type));
    if (unreadable.length > 0) {
      const narrowed = unreadable.length === 1 && unreadable[0] === 'number' && readerTypes.has('integer');
      report(
        dir,
        path,
        narrowed ? 'type-narrowed' : 'type-changed',
        `the ${dir.writer} schema writes ${describeTypes(writerTypes)} but the ${dir.reader} schema reads ${describeTypes(readerTypes)}`,
      );
      if (unreadable.length === writerTypes.size && !narrowed) return;
    }
  }

  // Enumerations and constants.
  const readerValues = valuesOf(reader);
  if (readerValues) {
    const writerValues = valuesOf(writer);
    if (!writerValues) {
      report(
        dir,
        path,
        'type-narrowed',
        `the ${dir.reader} schema only accepts ${readerValues.map(show).join(', ')}, the ${dir.writer} schema any ${describeTypes(writerTypes)}`,
      );
    } else {
      const known = new Set(readerValues.map(show));
      const unknown = writerValues.map(show).filter((value) => !known.has(value));
      if (unknown.length > 0) {
        const single = Object.hasOwn(reader, 'const') && Object.hasOwn(writer, 'const');
        const rule: CompatibilityRule = single
          ? 'const-changed'
          : dir.reader === 'newer'
            ? 'enum-value-removed'
            : 'enum-value-added';
        const verb =
          dir.reader === 'newer'
            ? `the newer schema removed ${unknown.join(', ')}, which older producers still write`
            : `the newer schema added ${unknown.join(', ')}, which older consumers reject`;
        report(
          dir,
          path,
          rule,
          single
            ? `the value changed from ${unknown.join(', ')} to ${readerValues.map(show).join(', ')}`
            : verb,
        );
      }
    }
  }

  compareBounds(reader, writer, path, dir);
  if (
    readerTypes?.has('object') !== false &&
    (reader.properties || reader.required || reader.additionalProperties !== undefined)
  )
    compareObjects(reader, writer, path, dir);
  if (readerTypes?.has('array') !== false && (reader.items !== undefined || reader.prefixItems !== undefined))
    compareArrays(reader, writer, path, dir);
}

function describeTypes(types: Set<string> | undefined): string {
  if (!types) return 'any type';
  const names = [...types].sort((a, b) => TYPE_NAMES.indexOf(a) - TYPE_NAMES.indexOf(b));
  return names.length === 1 ? (names[0] as string) : names.join(' or ');
}

function compareBounds(
  reader: JsonSchemaDocument,
  writer: JsonSchemaDocument,
  path: string[],
  dir: Direction,
): void {
  // zod renders z.int() with the safe-integer bounds; those restate "integer", they are not a range.
  const num = (schema: JsonSchemaDocument, keyword: string) =>
    typeof schema[keyword] === 'number' && Math.abs(schema[keyword]) !== Number.MAX_SAFE_INTEGER
      ? schema[keyword]
      : undefined;
  const lower = (keyword: string, rule: CompatibilityRule, what: string) => {
    const r = num(reader, keyword);
    const w = num(writer, keyword);
    if (r !== undefined && (w === undefined || w < r))
      report(
        dir,
        path,
        rule,
        `the ${dir.reader} schema requires ${what} ≥ ${r}, the ${dir.writer} schema ${w === undefined ? 'has no lower bound' : `allows ${w}`}`,
      );
  };
  const upper = (keyword: string, rule: CompatibilityRule, what: string) => {
    const r = num(reader, keyword);
    const w = num(writer, keyword);
    if (r !== undefined && (w === undefined || w > r))
      report(
        dir,
        path,
        rule,
        `the ${dir.reader} schema requires ${what} ≤ ${r}, the ${dir.writer} schema ${w === undefined ? 'has no upper bound' : `allows ${w}`}`,
      );
  };
  lower('minimum', 'range-narrowed', 'the value');
  lower('exclusiveMinimum', 'range-narrowed', 'the value (exclusive)');
  upper('maximum', 'range-narrowed', 'the value');
  upper('exclusiveMaximum', 'range-narrowed', 'the value (exclusive)');
  lower('minLength', 'length-narrowed', 'the length');
  upper('maxLength', 'length-narrowed', 'the length');
  lower('minItems', 'length-narrowed', 'the item count');
  upper('maxItems', 'length-narrowed', 'the item count');
  if (typeof reader.pattern === 'string' && reader.pattern !== writer.pattern) {
    report(
      dir,
      path,
      'pattern-changed',
      `the ${dir.reader} schema requires the pattern /${reader.pattern}/, the ${dir.writer} schema ${typeof writer.pattern === 'string' ? `/${writer.pattern}/` : 'none'}`,
    );
  }
  if (typeof reader.format === 'string' && reader.format !== writer.format) {
    report(
      dir,
      path,
      'format-added',
      `the ${dir.reader} schema requires format "${reader.format}", the ${dir.writer} schema ${typeof writer.format === 'string' ? `"${writer.format}"` : 'any string'}`,
    );
  }
}

function compareObjects(
  reader: JsonSchemaDocument,
  writer: JsonSchemaDocument,
  path: string[],
  dir: Direction,
): void {
  const readerProps = (reader.properties ?? {}) as Record<string, Node>;
  const writerProps = (writer.properties ?? {}) as Record<string, Node>;
  const readerRequired = new Set((reader.required ?? []) as string[]);
  const writerRequired = new Set((writer.required ?? []) as string[]);
  const writerClosed = writer.additionalProperties === false || writer.unevaluatedProperties === false;

  for (const key of readerRequired) {
    if (writerRequired.has(key)) continue;
    const hasDefault = typeof readerProps[key] === 'object' && Object.hasOwn(readerProps[key], 'default');
    if (hasDefault) continue;
    const declared = Object.hasOwn(writerProps, key);
    if (dir.reader === 'newer') {
      report(
        dir,
        [...path, key],
        'required-field-added',
        `the newer schema requires "${key}", which ${declared ? 'is optional in' : 'is not in'} the older schema; give it a default or make it optional`,
      );
    } else if (!declared && writerClosed) {
      // Closed newer schema without the field: it can never be written, so older readers always fail.
      report(
        dir,
        [...path, key],
        'required-field-removed',
        `the newer schema removed "${key}", which older consumers require`,
      );
    } else {
      report(
        dir,
        [...path, key],
        'required-field-removed',
        `the newer schema ${declared ? 'made' : 'removed'} "${key}"${declared ? ' optional' : ''}, which older consumers require`,
      );
    }
  }

  for (const key of Object.keys(writerProps)) {
    const writerProp = writerProps[key] as Node;
    if (Object.hasOwn(readerProps, key)) {
      compare(readerProps[key] as Node, writerProp, [...path, key], dir);
      continue;
    }
    const extra = reader.additionalProperties ?? reader.unevaluatedProperties;
    if (extra === false) {
      report(
        dir,
        [...path, key],
        'additional-property-rejected',
        `the ${dir.writer} schema writes "${key}", which the ${dir.reader} schema does not declare and rejects (additionalProperties: false)`,
      );
    } else if (typeof extra === 'object' && extra !== null) {
      compare(extra as Node, writerProp, [...path, key], dir);
    }
  }

  const readerExtra = reader.additionalProperties ?? reader.unevaluatedProperties;
  const writerExtra = writer.additionalProperties ?? writer.unevaluatedProperties;
  if (readerExtra === false && writerExtra !== false) {
    report(
      dir,
      path,
      'closed-content-model',
      `the ${dir.reader} schema rejects undeclared properties but the ${dir.writer} schema allows them`,
    );
  } else if (
    typeof readerExtra === 'object' &&
    readerExtra !== null &&
    typeof writerExtra === 'object' &&
    writerExtra !== null
  ) {
    compare(readerExtra as Node, writerExtra as Node, [...path, '<additional>'], dir);
  }
}

function compareArrays(
  reader: JsonSchemaDocument,
  writer: JsonSchemaDocument,
  path: string[],
  dir: Direction,
): void {
  const readerPrefix = (reader.prefixItems ?? []) as Node[];
  const writerPrefix = (writer.prefixItems ?? []) as Node[];
  const readerItems = (Array.isArray(reader.items) ? undefined : reader.items) as Node | undefined;
  const writerItems = (Array.isArray(writer.items) ? undefined : writer.items) as Node | undefined;
  if (readerPrefix.length > 0 || writerPrefix.length > 0) {
    const length = Math.max(readerPrefix.length, writerPrefix.length);
    for (let i = 0; i < length; i++) {
      const r = readerPrefix[i] ?? readerItems ?? true;
      const w = writerPrefix[i] ?? writerItems;
      if (w === undefined) {
        if (i < readerPrefix.length)
          report(
            dir,
            [...path, `[${i}]`],
            'tuple-changed',
            `the ${dir.reader} schema reads a position ${i} that the ${dir.writer} schema leaves open`,
          );
        continue;
      }
      compare(r, w, [...path, `[${i}]`], dir);
    }
  }
  if (readerItems !== undefined) compare(readerItems, writerItems ?? true, [...path, '[]'], dir);
}
