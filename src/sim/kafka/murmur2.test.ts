import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey, toPositive } from './murmur2.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('murmur2 (the Java client default partitioner hash)', () => {
  // Apache Kafka clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java, testMurmur2.
  const javaUtilsTest: Record<string, number> = {
    '21': -973932308,
    foobar: -790332482,
    'a-little-bit-long-string': -985981536,
    'a-little-bit-longer-string': -1486304829,
    lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8: -58897971,
    abc: 479470107,
  };
  // Values computed with Kafka's Utils.murmur2, as pinned by Akka's Murmur2Spec (keys of 1-5 bytes: every tail length).
  const akkaPinned: Record<string, number> = {
    '1': -1993445489,
    '12': 126087238,
    '123': -267702483,
    '1234': -1614185708,
    '12345': -1188365604,
  };

  it.each(Object.entries(javaUtilsTest))('hashes %j as the Java client does', (key, expected) => {
    expect(murmur2(bytes(key))).toBe(expected);
  });

  it.each(Object.entries(akkaPinned))(
    'hashes %j (tail length %#) as the Java client does',
    (key, expected) => {
      expect(murmur2(bytes(key))).toBe(expected);
    },
  );

  it('toPositive clears the sign bit, also for the minimum int', () => {
    expect(toPositive(-973932308)).toBe(-973932308 & 0x7fffffff);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(5)).toBe(5);
  });

  it('places a key in toPositive(murmur2(key)) % partitions, strings and bytes alike', () => {
    expect(partitionForKey('21', 7)).toBe((-973932308 & 0x7fffffff) % 7);
    expect(partitionForKey(bytes('foobar'), 3)).toBe(partitionForKey('foobar', 3));
    expect(partitionForKey('ünïcødé', 5)).toBe(toPositive(murmur2(Buffer.from('ünïcødé'))) % 5);
  });

  // Worked out apart from this code (in Python) from the pinned hashes above with Java's arithmetic, (h & 0x7fffffff) % n, written
  // out literally so the placement is checked against numbers, not against the same formula.
  const placements: [key: string, byPartitionCount: Record<number, number>][] = [
    ['21', { 3: 0, 6: 0, 10: 0, 12: 0 }],
    ['foobar', { 3: 0, 6: 0, 10: 6, 12: 6 }],
    ['a-little-bit-long-string', { 3: 2, 6: 2, 10: 2, 12: 8 }],
    ['a-little-bit-longer-string', { 3: 2, 6: 5, 10: 9, 12: 11 }],
    ['abc', { 3: 0, 6: 3, 10: 7, 12: 3 }],
    ['1', { 3: 0, 6: 3, 10: 9, 12: 3 }],
    ['12', { 3: 1, 6: 4, 10: 8, 12: 10 }],
    ['123', { 3: 2, 6: 5, 10: 5, 12: 5 }],
    ['12345', { 3: 2, 6: 2, 10: 4, 12: 8 }],
  ];

  it.each(placements)('places %j where the Java client does', (key, byPartitionCount) => {
    for (const [partitions, expected] of Object.entries(byPartitionCount))
      expect(partitionForKey(key, Number(partitions)), `${partitions} partitions`).toBe(expected);
  });

  it('a naive hash (Math.abs instead of toPositive) would place some keys differently', () => {
    const naive = (key: string, n: number) => Math.abs(murmur2(bytes(key))) % n;
    const differ = Object.keys(javaUtilsTest).filter((key) => naive(key, 10) !== partitionForKey(key, 10));
    expect(differ.length).toBeGreaterThan(0);
  });
});
