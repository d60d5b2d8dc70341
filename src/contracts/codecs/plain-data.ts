/**
 * Copies class instances made by binary decoders (avsc records, protobufjs messages) into plain
 * objects, so validators and structural comparisons see ordinary data. Buffers become Uint8Arrays.
 * @internal
 */
export function toPlainData(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Buffer.isBuffer(value)) return new Uint8Array(value);
  if (value instanceof Uint8Array || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map(toPlainData);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, toPlainData(v)]));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // Own data properties only; defineProperty keeps a '__proto__' field an ordinary field.
    Object.defineProperty(out, key, {
      value: toPlainData((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
