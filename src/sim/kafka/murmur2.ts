/**
 * The Java Kafka client's key hash (`org.apache.kafka.common.utils.Utils.murmur2`): MurmurHash2,
 * 32-bit, seed 0x9747b28c, over the key's bytes, as a signed 32-bit integer. Written from the
 * algorithm's description; the tests pin it to the Java client's published vectors.
 *
 * @example
 * ```ts
 * murmur2(new TextEncoder().encode('21')); // -973932308, as in Kafka's UtilsTest
 * ```
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  // The tail falls through on purpose, as in the reference: 3 bytes mix in all three.
  switch (length & 3) {
    case 3:
      h ^= data[whole + 2]! << 16;
    // falls through
    case 2:
      h ^= data[whole + 1]! << 8;
    // falls through
    case 1:
      h ^= data[whole]!;
      h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not `Math.abs`, which fails for the minimum). */
export const toPositive = (n: number): number => n & 0x7fffffff;

/**
 * The partition the Java client's default partitioner (and kafkajs's `DefaultPartitioner`) picks for
 * a keyed record: `toPositive(murmur2(keyBytes)) % numPartitions`.
 *
 * @example
 * ```ts
 * partitionForKey('order-42', 6); // the partition real Kafka puts key 'order-42' in, of 6
 * ```
 */
export function partitionForKey(key: Uint8Array | string, numPartitions: number): number {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  return toPositive(murmur2(bytes)) % numPartitions;
}
