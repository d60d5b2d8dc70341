/**
 * A Buffer with a copy of `bytes`: the same as `Buffer.from(bytes)` (a slice of the same pool for
 * small sizes), without its checks of what kind of value it was given. Each delivery gets one.
 */
export function copyOf(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafe(bytes.length);
  copy.set(bytes);
  return copy;
}
