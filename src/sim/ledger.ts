/**
 * Where a published message is in its life. The last four are terminal: `acked` (deleted, committed
 * or acknowledged after handling), `dead-lettered` (it reached a dead-letter queue, where it has an
 * entry of its own when it is a copy), `expired` (its TTL or retention passed), `rejected-by-broker`
 * (the broker refused or discarded it: a refused publish, an unroutable message, a purge or a deleted
 * queue, a rejection or dead-lettering with nowhere to go).
 */
export type MessageFate =
  'queued' | 'in-flight' | 'acked' | 'dead-lettered' | 'expired' | 'rejected-by-broker';

export interface LedgerEntry {
  readonly id: string;
  readonly broker: string;
  readonly origin: string;
  fate: MessageFate;
  deliveries: number;
}

/**
 * @internal A ledger entry. Its id (`m12`) is derived from its number when read, so a retained
 * message costs no id string; a model extends this class to keep its record and its ledger entry in
 * one object (as all three models do), and says which broker it is with a getter: a constant per
 * model, so no field per message (a delivery streams through millions of these).
 */
export abstract class Entry implements LedgerEntry {
  /** 1-based position in the ledger; set when the entry is opened. */
  seq = 0;
  fate: MessageFate = 'queued';
  deliveries = 0;
  abstract readonly broker: string;

  constructor(readonly origin: string) {}

  get id(): string {
    return `m${this.seq}`;
  }
}

/** An entry opened by {@link Ledger.open}, for a message no model record stands for. */
class OpenedEntry extends Entry {
  constructor(
    readonly broker: string,
    origin: string,
  ) {
    super(origin);
  }
}

/**
 * The simulator's own accounting, so it can prove it never loses a message: every message it
 * accepted is queued, in flight, acked, dead-lettered or expired — never nowhere. Entries live in an
 * array indexed by the number in their id (`m12` is entry 11): opening one is an append, on every
 * publish of every model.
 */
export class Ledger {
  private readonly entries: Entry[] = [];

  open(broker: string, origin: string): string {
    return this.add(new OpenedEntry(broker, origin)).id;
  }

  /** @internal Opens `entry` (a fresh {@link Entry}, possibly a model's subclass) and returns it. */
  add<E extends Entry>(entry: E): E {
    entry.seq = this.entries.push(entry);
    return entry;
  }

  set(id: string, fate: MessageFate): void {
    const entry = this.get(id);
    if (entry) entry.fate = fate;
  }

  delivered(id: string): void {
    const entry = this.get(id);
    if (entry) {
      entry.fate = 'in-flight';
      entry.deliveries++;
    }
  }

  get(id: string): LedgerEntry | undefined {
    return this.entries[Number(id.slice(1)) - 1];
  }

  /** Every entry so far, oldest first, as plain snapshots (own properties: they print and compare). */
  all(): LedgerEntry[] {
    return this.entries.map(({ id, broker, origin, fate, deliveries }) => ({
      id,
      broker,
      origin,
      fate,
      deliveries,
    }));
  }

  count(fate?: MessageFate): number {
    if (!fate) return this.entries.length;
    let n = 0;
    for (const e of this.entries) if (e.fate === fate) n++;
    return n;
  }
}
