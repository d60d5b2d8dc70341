import type { AssignorName } from './options.js';

export interface AssignMember {
  /** Member id; members are ordered by `order` (join order), as Kafka orders them by member id. */
  readonly id: string;
  readonly order: number;
  readonly topics: ReadonlySet<string>;
  /** Partitions the member owned before this rebalance, as `topic/partition` (cooperative-sticky keeps them). */
  readonly owned: readonly string[];
}

/** member id → `topic/partition` list, each list sorted by topic then partition. */
export type Assignment = Map<string, string[]>;

/**
 * `topic/partition`. Every schedule of a scenario assigns the same few partitions: their names are
 * made once and shared (strings are immutable), and keep the hash a Map lookup computes.
 */
export function tp(topic: string, partition: number): string {
  let names = TP_NAMES.get(topic);
  if (names === undefined) {
    if (TP_NAMES.size >= 256) TP_NAMES.clear();
    TP_NAMES.set(topic, (names = []));
  }
  if (partition >= 64 || !Number.isInteger(partition) || partition < 0) return `${topic}/${partition}`;
  return (names[partition] ??= `${topic}/${partition}`);
}
const TP_NAMES = new Map<string, string[]>();

/**
 * Divides the partitions of the subscribed topics among a group's members, the way Kafka's
 * assignors do: range per topic, round-robin over all partitions, or cooperative-sticky (balanced,
 * keeping as many previously owned partitions in place as it can).
 */
export function assign(
  name: AssignorName,
  members: readonly AssignMember[],
  partitions: ReadonlyMap<string, number>,
): Assignment {
  // One member takes every partition of its topics, whichever the assignor (a group of one is the
  // usual case, and a scenario makes one per schedule).
  if (members.length === 1) {
    const only = members[0]!;
    const list: string[] = [];
    for (const topic of [...only.topics].sort()) {
      const count = partitions.get(topic) ?? 0;
      for (let p = 0; p < count; p++) list.push(tp(topic, p));
    }
    return new Map([[only.id, list]]);
  }
  const sorted = [...members].sort((a, b) => a.order - b.order);
  const out: Assignment = new Map(sorted.map((m) => [m.id, []]));
  if (name === 'range') range(sorted, partitions, out);
  else if (name === 'roundrobin') roundRobin(sorted, partitions, out);
  else sticky(sorted, partitions, out);
  for (const list of out.values()) list.sort(compareTp);
  return out;
}

function range(
  members: readonly AssignMember[],
  partitions: ReadonlyMap<string, number>,
  out: Assignment,
): void {
  for (const topic of [...partitions.keys()].sort()) {
    const count = partitions.get(topic)!;
    const eligible = members.filter((m) => m.topics.has(topic));
    if (eligible.length === 0) continue;
    const each = Math.floor(count / eligible.length);
    const extra = count % eligible.length;
    let next = 0;
    eligible.forEach((member, i) => {
      const n = each + (i < extra ? 1 : 0);
      for (let k = 0; k < n; k++) out.get(member.id)!.push(tp(topic, next++));
    });
  }
}

function roundRobin(
  members: readonly AssignMember[],
  partitions: ReadonlyMap<string, number>,
  out: Assignment,
): void {
  if (members.length === 0) return;
  let cursor = 0;
  for (const topic of [...partitions.keys()].sort()) {
    const count = partitions.get(topic)!;
    if (!members.some((m) => m.topics.has(topic))) continue;
    for (let p = 0; p < count; p++) {
      // Walk the circle of members to the next one subscribed to this topic.
      while (!members[cursor % members.length]!.topics.has(topic)) cursor++;
      out.get(members[cursor % members.length]!.id)!.push(tp(topic, p));
      cursor++;
    }
  }
}

function sticky(
  members: readonly AssignMember[],
  partitions: ReadonlyMap<string, number>,
  out: Assignment,
): void {
  const all: string[] = [];
  for (const topic of [...partitions.keys()].sort()) {
    if (!members.some((m) => m.topics.has(topic))) continue;
    for (let p = 0; p < partitions.get(topic)!; p++) all.push(tp(topic, p));
  }
  if (members.length === 0 || all.length === 0) return;
  const minQuota = Math.floor(all.length / members.length);
  let maxSlots = all.length % members.length;
  const taken = new Set<string>();
  const valid = new Set(all);
  // Keep what each member owned, up to its fair share; the largest owners claim the extra slots first.
  const byOwned = [...members].sort((a, b) => b.owned.length - a.owned.length || a.order - b.order);
  for (const member of byOwned) {
    const keep = member.owned
      .filter((t) => valid.has(t) && !taken.has(t) && member.topics.has(topicOf(t)))
      .sort(compareTp);
    let quota = minQuota;
    if (keep.length > minQuota && maxSlots > 0) {
      quota = minQuota + 1;
      maxSlots--;
    }
    for (const t of keep.slice(0, quota)) {
      taken.add(t);
      out.get(member.id)!.push(t);
    }
  }
  // Hand out the rest, each to the eligible member with the fewest partitions (ties: join order).
  for (const t of all) {
    if (taken.has(t)) continue;
    const topic = topicOf(t);
    let best: AssignMember | undefined;
    for (const m of members) {
      if (!m.topics.has(topic)) continue;
      if (!best || out.get(m.id)!.length < out.get(best.id)!.length) best = m;
    }
    if (best) out.get(best.id)!.push(t);
  }
}

export const topicOf = (t: string): string => t.slice(0, t.lastIndexOf('/'));
export const partitionOf = (t: string): number => Number(t.slice(t.lastIndexOf('/') + 1));

function compareTp(a: string, b: string): number {
  const ta = topicOf(a);
  const tb = topicOf(b);
  return ta < tb ? -1 : ta > tb ? 1 : partitionOf(a) - partitionOf(b);
}
