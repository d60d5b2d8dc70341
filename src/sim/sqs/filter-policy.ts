import { configError } from './errors.js';

/** A value a filter policy is matched against: strings, numbers, arrays of them, or missing. */
type Candidate =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'null' };

/** Reads a key path from a message; `empty` when the message has no attributes (or an empty body) at all. @internal */
export type Reader = ((path: readonly string[]) => Candidate[] | undefined) & { readonly empty: boolean };

/** A compiled filter policy: tests a message, given how to read a key path from it. @internal */
export type CompiledFilter = (read: Reader) => boolean;

const MAX_KEYS = 5;

/**
 * Compiles an SNS subscription filter policy (the JSON string of the `FilterPolicy` attribute):
 * exact strings and numbers, `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (values or a
 * prefix), `numeric` ranges, `exists`, nested keys for `MessageBody` scope and `$or`. Invalid
 * policies throw `InvalidParameter` as SNS rejects them.
 * @internal
 */
export function compileFilterPolicy(text: string): CompiledFilter {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    throw invalid(`it is not JSON: ${text.slice(0, 80)}`);
  }
  if (!isObject(policy)) throw invalid('it must be a JSON object');
  const keys = countLeafKeys(policy);
  if (keys > MAX_KEYS) throw invalid(`it has ${keys} keys; SNS allows at most ${MAX_KEYS}`);
  return compileObject(policy, []);
}

function compileObject(policy: Record<string, unknown>, path: readonly string[]): CompiledFilter {
  const parts: CompiledFilter[] = [];
  for (const [key, value] of Object.entries(policy)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject))
        throw invalid('$or takes an array of at least two policies');
      const options = value.map((option) => compileObject(option, path));
      parts.push((read) => options.some((option) => option(read)));
    } else if (Array.isArray(value)) {
      const keyPath = [...path, key];
      const conditions = value.map((condition) => compileCondition(condition, keyPath.join('.')));
      parts.push((read) => {
        const found = read(keyPath);
        return conditions.some((condition) => condition(found, read.empty));
      });
    } else if (isObject(value)) {
      parts.push(compileObject(value, [...path, key]));
    } else {
      throw invalid(
        `the value of '${[...path, key].join('.')}' must be an array of conditions, e.g. ["red"]`,
      );
    }
  }
  return (read) => parts.every((part) => part(read));
}

type Condition = (found: Candidate[] | undefined, empty?: boolean) => boolean;

function compileCondition(condition: unknown, key: string): Condition {
  if (typeof condition === 'string')
    return (found) => some(found, (c) => c.kind === 'string' && c.value === condition);
  if (typeof condition === 'number')
    return (found) => some(found, (c) => c.kind === 'number' && c.value === condition);
  if (condition === null) return (found) => some(found, (c) => c.kind === 'null');
  if (!isObject(condition)) throw invalid(`unsupported condition for '${key}': ${JSON.stringify(condition)}`);
  const entries = Object.entries(condition);
  if (entries.length !== 1)
    throw invalid(
      `a condition object for '${key}' has exactly one operator, got ${JSON.stringify(condition)}`,
    );
  const [operator, operand] = entries[0]!;
  switch (operator) {
    case 'prefix':
      if (typeof operand !== 'string') throw invalid(`prefix for '${key}' takes a string`);
      return (found) => some(found, (c) => c.kind === 'string' && c.value.startsWith(operand));
    case 'suffix':
      if (typeof operand !== 'string') throw invalid(`suffix for '${key}' takes a string`);
      return (found) => some(found, (c) => c.kind === 'string' && c.value.endsWith(operand));
    case 'equals-ignore-case':
      if (typeof operand !== 'string') throw invalid(`equals-ignore-case for '${key}' takes a string`);
      return (found) =>
        some(found, (c) => c.kind === 'string' && c.value.toLowerCase() === operand.toLowerCase());
    case 'exists':
      if (typeof operand !== 'boolean') throw invalid(`exists for '${key}' takes true or false`);
      // SNS: `exists: false` matches only a message that has some attribute (or body property) at all.
      return (found, empty) => (operand ? found !== undefined : found === undefined && empty !== true);
    case 'anything-but': {
      let excluded: Condition;
      if (isObject(operand)) excluded = compileCondition(operand, key);
      else {
        const values: unknown[] = Array.isArray(operand) ? operand : [operand];
        if (!values.every((v) => typeof v === 'string' || typeof v === 'number'))
          throw invalid(`anything-but for '${key}' takes strings or numbers`);
        excluded = (found) =>
          some(found, (c) => (c.kind === 'string' || c.kind === 'number') && values.includes(c.value));
      }
      // Matches when the key is present and none of its values is excluded.
      return (found) => found !== undefined && found.length > 0 && found.every((c) => !excluded([c]));
    }
    case 'numeric':
      return compileNumeric(operand, key);
    default:
      throw invalid(`unknown operator '${operator}' for '${key}'`);
  }
}

function compileNumeric(operand: unknown, key: string): Condition {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0)
    throw invalid(`numeric for '${key}' takes pairs like [">", 0, "<=", 100]`);
  const tests: ((n: number) => boolean)[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const op: unknown = operand[i];
    const bound: unknown = operand[i + 1];
    if (typeof bound !== 'number')
      throw invalid(`numeric for '${key}' compares with numbers, got ${JSON.stringify(bound)}`);
    const test = {
      '=': (n: number) => n === bound,
      '<': (n: number) => n < bound,
      '<=': (n: number) => n <= bound,
      '>': (n: number) => n > bound,
      '>=': (n: number) => n >= bound,
    }[String(op)];
    if (!test) throw invalid(`numeric for '${key}' has an unknown operator ${JSON.stringify(op)}`);
    tests.push(test);
  }
  return (found) => some(found, (c) => c.kind === 'number' && tests.every((test) => test(c.value)));
}

function some(found: Candidate[] | undefined, test: (candidate: Candidate) => boolean): boolean {
  return found !== undefined && found.some(test);
}

function countLeafKeys(policy: Record<string, unknown>): number {
  let n = 0;
  for (const [key, value] of Object.entries(policy)) {
    if (key === '$or' && Array.isArray(value))
      n += Math.max(0, ...value.filter(isObject).map((v) => countLeafKeys(v)));
    else if (isObject(value)) n += countLeafKeys(value);
    else n++;
  }
  return n;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const invalid = (reason: string) =>
  configError(
    'InvalidParameter',
    'set the FilterPolicy',
    `Invalid parameter: FilterPolicy: ${reason}`,
    'Write the policy as JSON like {"store":["example_corp"],"price":[{"numeric":[">",0]}]}',
  );

/** Reads message attributes (SNS `MessageAttributes` scope) as filter candidates. @internal */
export function attributeReader(
  attributes: Readonly<Record<string, { DataType: string; StringValue?: string | undefined }>> | undefined,
): Reader {
  const read = (path: readonly string[]): Candidate[] | undefined => {
    if (path.length !== 1) return undefined;
    const attribute = attributes?.[path[0]!];
    if (attribute === undefined) return undefined;
    const text = attribute.StringValue ?? '';
    if (attribute.DataType.startsWith('Number')) return [{ kind: 'number', value: Number(text) }];
    if (attribute.DataType === 'String.Array') {
      try {
        const parsed: unknown = JSON.parse(text);
        if (Array.isArray(parsed))
          return parsed.map(toCandidate).filter((c): c is Candidate => c !== undefined);
      } catch {
        return [];
      }
    }
    if (attribute.DataType.startsWith('Binary')) return [];
    return [{ kind: 'string', value: text }];
  };
  return Object.assign(read, { empty: attributes === undefined || Object.keys(attributes).length === 0 });
}

/** Reads a JSON body (SNS `MessageBody` scope) as filter candidates; a non-JSON body matches nothing. @internal */
export function bodyReader(body: string): Reader {
  let parsed: unknown;
  let ok = true;
  try {
    parsed = JSON.parse(body);
  } catch {
    ok = false;
  }
  const read = (path: readonly string[]): Candidate[] | undefined => {
    if (!ok) return undefined;
    let node: unknown = parsed;
    for (const key of path) {
      if (!isObject(node) || !(key in node)) return undefined;
      node = node[key];
    }
    const values: unknown[] = Array.isArray(node) ? node : [node];
    return values.map(toCandidate).filter((c): c is Candidate => c !== undefined);
  };
  return Object.assign(read, { empty: !ok || !isObject(parsed) || Object.keys(parsed).length === 0 });
}

function toCandidate(value: unknown): Candidate | undefined {
  if (typeof value === 'string') return { kind: 'string', value };
  if (typeof value === 'number') return { kind: 'number', value };
  if (value === null) return { kind: 'null' };
  return undefined;
}
