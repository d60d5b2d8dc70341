/**
 * A strict structural comparison for round trips: unlike deep-equal helpers it tells -0 from 0,
 * a Date from its ISO string, a missing key from one holding undefined, a Map from an object and a
 * bigint from a number — exactly the differences a codec introduces.
 */

/** Marks a key that is absent, as opposed to present with the value undefined. */
export const MISSING: unique symbol = Symbol('missing');

/** Where two values first differ, and what each side holds there. */
export interface Difference {
  readonly path: readonly PropertyKey[];
  readonly before: unknown;
  readonly after: unknown;
}

const isPlainObject = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

const kindOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'Date';
  if (value instanceof Map) return 'Map';
  if (value instanceof Set) return 'Set';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return isPlainObject(value) ? 'object' : `${value.constructor?.name ?? 'object'} instance`;
};

/** The first difference between two values, depth first, or undefined when they are the same. */
export function firstDifference(
  before: unknown,
  after: unknown,
  path: readonly PropertyKey[] = [],
): Difference | undefined {
  if (Object.is(before, after)) return undefined;
  const here = { path, before, after };
  if (typeof before !== 'object' || typeof after !== 'object' || before === null || after === null)
    return here;
  const kind = kindOf(before);
  if (kind !== kindOf(after)) return here;
  if (before instanceof Date)
    return Object.is(before.getTime(), (after as Date).getTime()) ? undefined : here;
  if (ArrayBuffer.isView(before)) {
    const a = new Uint8Array(before.buffer, before.byteOffset, before.byteLength);
    const b = new Uint8Array(
      (after as ArrayBufferView).buffer,
      (after as ArrayBufferView).byteOffset,
      (after as ArrayBufferView).byteLength,
    );
    return a.length === b.length && a.every((byte, i) => byte === b[i]) ? undefined : here;
  }
  if (before instanceof Map)
    return compareEntries([...before], [...(after as Map<unknown, unknown>)], path, here, true);
  if (before instanceof Set)
    return compareEntries(
      [...(before as Set<unknown>)].map((v): unknown[] => [v, v]),
      [...(after as Set<unknown>)].map((v): unknown[] => [v, v]),
      path,
      here,
      false,
    );
  if (Array.isArray(before)) {
    const other = after as unknown[];
    const length = Math.max(before.length, other.length);
    for (let i = 0; i < length; i++) {
      const diff = firstDifference(
        i < before.length ? before[i] : MISSING,
        i < other.length ? other[i] : MISSING,
        [...path, i],
      );
      if (diff) return diff;
    }
    return undefined;
  }
  const left = before as Record<PropertyKey, unknown>;
  const right = after as Record<PropertyKey, unknown>;
  for (const key of Reflect.ownKeys(left)) {
    const diff = firstDifference(left[key], Object.hasOwn(right, key) ? right[key] : MISSING, [...path, key]);
    if (diff) return diff;
  }
  for (const key of Reflect.ownKeys(right)) {
    if (!Object.hasOwn(left, key)) return { path: [...path, key], before: MISSING, after: right[key] };
  }
  return undefined;
}

function compareEntries(
  left: unknown[][],
  right: unknown[][],
  path: readonly PropertyKey[],
  here: Difference,
  keyed: boolean,
): Difference | undefined {
  if (left.length !== right.length) return here;
  for (let i = 0; i < left.length; i++) {
    const [key, value] = left[i] as [unknown, unknown];
    const [otherKey, otherValue] = right[i] as [unknown, unknown];
    if (firstDifference(key, otherKey) !== undefined) return here;
    if (keyed) {
      const diff = firstDifference(value, otherValue, [...path, `get(${describe(key)})`]);
      if (diff) return diff;
    }
  }
  return undefined;
}

/** A short plain-words rendering: `-0`, `string "2020-…"`, `Date 2020-…`, `bigint 12n`, `missing`. */
export function describe(value: unknown): string {
  if (value === MISSING) return 'missing';
  if (value === undefined || value === null) return String(value);
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `bigint ${value}n`;
    case 'string':
      return `string ${truncate(JSON.stringify(value))}`;
    case 'boolean':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'function':
      return 'a function';
  }
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Date (invalid)' : `Date ${value.toISOString()}`;
  if (value instanceof Map) return `Map with ${value.size} ${value.size === 1 ? 'entry' : 'entries'}`;
  if (value instanceof Set) return `Set with ${value.size} ${value.size === 1 ? 'value' : 'values'}`;
  if (Array.isArray(value)) return `array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.byteLength})`;
  const keys = Object.keys(value);
  const kind = kindOf(value);
  return `${kind === 'object' ? 'object' : kind} {${truncate(keys.join(', '), 40)}}`;
}

const truncate = (text: string, max = 60) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** `items[0].price`, `tags.get("a")`, `(root)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'symbol') out += `[${segment.toString()}]`;
    else if (segment.startsWith('get(')) out += `.${segment}`;
    else
      out += /^[A-Za-z_$][\w$]*$/.test(segment)
        ? `${out ? '.' : ''}${segment}`
        : `[${JSON.stringify(segment)}]`;
  }
  return out.startsWith('.') ? out.slice(1) : out;
}

/** `createdAt: Date 2020-01-01T00:00:00.000Z became string "2020-01-01T00:00:00.000Z"`. */
export function explainDifference(diff: Difference): string {
  return `${formatPath(diff.path)}: ${describe(diff.before)} became ${describe(diff.after)}`;
}
