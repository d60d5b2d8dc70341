import type { ScenarioContext } from './types.js';

export interface PublishedMessage {
  readonly id: string;
  readonly key: string | undefined;
  readonly seq: number;
  readonly poison: boolean;
  readonly order: number;
}

export interface HistoryEvent {
  readonly op: 'applied' | 'delivered' | 'dead-lettered';
  readonly id: string;
  readonly time: number;
  readonly step: number;
  readonly reason?: string | undefined;
}

type Op = HistoryEvent['op'];
type Tally = Record<Op, number>;
const NOTHING: Readonly<Tally> = Object.freeze({ applied: 0, delivered: 0, 'dead-lettered': 0 });

/** What happened to each logical message in one run, as the scenario reported it. */
export class History {
  readonly published = new Map<string, PublishedMessage>();
  readonly events: HistoryEvent[] = [];
  // Checkers ask "how many times did X happen to message id" for every message: counted as the
  // events arrive, so each question is one lookup instead of a scan of the whole history. One tally
  // per id for all three kinds: an event costs one lookup, not a lookup and a store.
  private readonly counts = new Map<string, Tally>();
  private readonly appliedEvents: HistoryEvent[] = [];
  private readonly deliveredEvents: HistoryEvent[] = [];
  private readonly deadLetteredEvents: HistoryEvent[] = [];
  /** Messages published so far per key, once a publish without a sequence number needs it. */
  private perKey: Map<string | undefined, number> | undefined;

  constructor(private readonly now: () => number) {}

  context(sim: ScenarioContext['sim']): ScenarioContext {
    // Bound methods rather than arrow functions: one is made per run, and named closures are
    // costlier to create than bound functions where names are kept (tsx, esbuild keepNames).
    return {
      sim,
      published: this.publish.bind(this),
      applied: this.applied.bind(this),
      delivered: this.delivered.bind(this),
      deadLettered: this.deadLettered.bind(this),
    };
  }

  private publish(id: string, meta: { key?: string; seq?: number; poison?: boolean } = {}): void {
    const key = meta.key;
    let seq = meta.seq;
    // The default sequence number counts the messages published with the same key so far; the
    // count per key is kept only once some publish needs it (scenarios that number their own
    // messages never do).
    if (seq === undefined || this.perKey) {
      const perKey = (this.perKey ??= this.countPerKey());
      seq ??= (perKey.get(key) ?? 0) + 1;
      // Republishing an id replaces its entry: it no longer counts for its old key.
      const previous = this.published.get(id);
      if (previous) perKey.set(previous.key, perKey.get(previous.key)! - 1);
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
    }
    this.published.set(id, { id, key, seq, poison: meta.poison ?? false, order: this.published.size });
  }

  private countPerKey(): Map<string | undefined, number> {
    const perKey = new Map<string | undefined, number>();
    for (const m of this.published.values()) perKey.set(m.key, (perKey.get(m.key) ?? 0) + 1);
    return perKey;
  }

  // Each kind of event goes to its own list and counter directly, not through a lookup by kind.
  private applied(id: string): void {
    this.appliedEvents.push(this.push('applied', id, undefined));
  }

  private delivered(id: string): void {
    this.deliveredEvents.push(this.push('delivered', id, undefined));
  }

  private deadLettered(id: string, reason?: string): void {
    this.deadLetteredEvents.push(this.push('dead-lettered', id, reason));
  }

  private push(op: Op, id: string, reason: string | undefined): HistoryEvent {
    const event: HistoryEvent = { op, id, time: this.now(), step: this.events.length, reason };
    this.events.push(event);
    const tally = this.counts.get(id);
    if (tally === undefined) {
      const fresh: Tally = { applied: 0, delivered: 0, 'dead-lettered': 0 };
      fresh[op] = 1;
      this.counts.set(id, fresh);
    } else tally[op]++;
    return event;
  }

  count(op: Op, id: string): number {
    return this.counts.get(id)?.[op] ?? 0;
  }

  /** How many times each kind of event happened to message `id` (all three counts in one lookup). */
  tally(id: string): Readonly<Tally> {
    return this.counts.get(id) ?? NOTHING;
  }

  /** The events of one kind, in order (the history's own array: do not modify). */
  of(op: Op): readonly HistoryEvent[] {
    return op === 'applied'
      ? this.appliedEvents
      : op === 'delivered'
        ? this.deliveredEvents
        : this.deadLetteredEvents;
  }
}
