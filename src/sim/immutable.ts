/**
 * True when `value` is a plain object that cannot change: frozen, with the plain object prototype (or
 * none), and only own data properties, so no getter or inherited property can answer differently
 * later. Nested objects are not looked at: callers check the ones they read. Such objects can be
 * checked once and remembered by identity.
 */
export function isImmutableRecord(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || !Object.isFrozen(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  const descriptors = Object.getOwnPropertyDescriptors(value);
  for (const key of Reflect.ownKeys(descriptors)) {
    if (!('value' in descriptors[key as keyof typeof descriptors]!)) return false;
  }
  return true;
}
