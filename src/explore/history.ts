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

type PublishMeta = { key?: string; seq?: number; poison?: boolean };

/**
 * @internal Messages a scenario publishes first, in the same order, in every run: recorded once and
 * shared by the runs' histories (see {@link publishAll}) until one of them publishes more.
 */
export class PublishedSet {
  /** @internal */
  readonly byId: ReadonlyMap<string, PublishedMessage>;

  constructor(messages: readonly { readonly id: string; readonly meta?: PublishMeta }[]) {
    const scratch = new History(() => 0);
    for (const { id, meta } of messages) scratch.publishOne(id, meta);
    this.byId = scratch.published;
  }
}

/** The context made last and its history: the run a scenario's setup is building. */
let last: { readonly ctx: ScenarioContext; readonly history: History } | undefined;

/**
 * @internal The same as `ctx.published(id, meta)` for every message of `set`, in order; when `ctx`
 * is a run's own and nothing was published in it yet, the set's record is shared instead of made again.
 */
export function publishAll(ctx: ScenarioContext, set: PublishedSet): void {
  if (last !== undefined && ctx === last.ctx && last.history.published.size === 0) last.history.adopt(set);
  else for (const m of set.byId.values()) ctx.published(m.id, { key: m.key, seq: m.seq, poison: m.poison });
}

/** What happened to each logical message in one run, as the scenario reported it. */
export class History {
  #published = new Map<string, PublishedMessage>();
  /** True while `#published` is a {@link PublishedSet}'s, shared: it is copied before a change. */
  #shared = false;
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
    const ctx: ScenarioContext = {
      sim,
      published: this.publish.bind(this),
      applied: this.applied.bind(this),
      delivered: this.delivered.bind(this),
      deadLettered: this.deadLettered.bind(this),
    };
    last = { ctx, history: this };
    return ctx;
  }

  /** Every published message by id, in publish order. */
  get published(): ReadonlyMap<string, PublishedMessage> {
    return this.#published;
  }

  /** @internal Takes `set`'s messages as those published so far (there were none). */
  adopt(set: PublishedSet): void {
    this.#published = set.byId as Map<string, PublishedMessage>;
    this.#shared = true;
  }

  private publish(id: string, meta?: PublishMeta): void {
    this.publishOne(id, meta);
  }

  /** @internal */
  publishOne(id: string, meta: PublishMeta = {}): void {
    if (this.#shared) {
      this.#published = new Map(this.#published);
      this.#shared = false;
    }
    const key = meta.key;
    let seq = meta.seq;
    // The default sequence number counts the messages published with the same key so far; the
    // count per key is kept only once some publish needs it (scenarios that number their own
    // messages never do).
    if (seq === undefined || this.perKey) {
      const perKey = (this.perKey ??= this.countPerKey());
      seq ??= (perKey.get(key) ?? 0) + 1;
      // Republishing an id replaces its entry: it no longer counts for its old key.
      const previous = this.#published.get(id);
      if (previous) perKey.set(previous.key, perKey.get(previous.key)! - 1);
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
    }
    this.#published.set(id, { id, key, seq, poison: meta.poison ?? false, order: this.#published.size });
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
