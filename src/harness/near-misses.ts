import type { EventType } from '../contracts/types.js';
import { checkWhere, type FieldDifference } from './compare.js';
import { describeRecord, show } from './format.js';
import type { PublishedRecord } from './types.js';

/** Something that was published instead of what was expected, and how far from it it is. */
export interface NearMiss {
  readonly record: PublishedRecord;
  /** True when it is the expected event type, only with other field values. */
  readonly sameType: boolean;
  /** The differing fields; `undefined` for poison, or when `where` is a predicate. */
  readonly differences: readonly FieldDifference[] | undefined;
}

const NEAR_MISSES_SHOWN = 10;

/**
 * Everything in `records` that does not match, nearest first: the expected type with the fewest
 * differing fields, then other types (compared with the same partial), then poison.
 * @internal
 */
export function nearMisses(
  records: readonly PublishedRecord[],
  type: EventType,
  where?: unknown,
): NearMiss[] {
  const misses: NearMiss[] = [];
  for (const record of records) {
    if (record.kind === 'poison') {
      misses.push({ record, sameType: false, differences: undefined });
      continue;
    }
    const sameType = record.event === type.name;
    // Another type never matches, but comparing its fields still tells how close it came.
    const result =
      sameType || typeof where !== 'function'
        ? checkWhere(where, record)
        : { matched: false, differences: undefined };
    if (sameType && result.matched) continue;
    misses.push({ record, sameType, differences: result.differences });
  }
  const rank = (miss: NearMiss) => [
    miss.sameType ? 0 : miss.record.kind === 'poison' ? 2 : 1,
    miss.differences?.length ?? Number.MAX_SAFE_INTEGER,
    miss.record.sequence,
  ];
  return misses.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) {
      const delta = (ra[i] ?? 0) - (rb[i] ?? 0);
      if (delta !== 0) return delta;
    }
    return 0;
  });
}

/** @internal One line per near miss, the first ten, with what differs. */
export function describeNearMisses(misses: readonly NearMiss[]): string[] {
  if (misses.length === 0) return ['Nothing else was published.'];
  const lines = ['Published instead, nearest first:'];
  for (const miss of misses.slice(0, NEAR_MISSES_SHOWN)) lines.push(`  ${describeMiss(miss)}`);
  if (misses.length > NEAR_MISSES_SHOWN) lines.push(`  … and ${misses.length - NEAR_MISSES_SHOWN} more`);
  return lines;
}

function describeMiss(miss: NearMiss): string {
  const { record } = miss;
  if (record.kind === 'poison') return describeRecord(record);
  const head = describeRecord(record);
  if (!miss.sameType) return `${head} (another type): ${show(record.payload)}`;
  if (miss.differences === undefined)
    return `${head}: the predicate returned false for ${show(record.payload)}`;
  return `${head}: ${describeDifferences(miss.differences)}`;
}

/** @internal `orderId: expected "1", received "2"; amount: expected 5, received 7` */
export function describeDifferences(found: readonly FieldDifference[]): string {
  return found.map((d) => `${d.path}: expected ${show(d.expected)}, received ${show(d.actual)}`).join('; ');
}
