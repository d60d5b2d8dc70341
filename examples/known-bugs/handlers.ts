// Ten consumer bugs that pass a happy-path unit test, each beside its fix. Every pair is checked by
// one of eventproof's critical-scenario checks in catalogue.ts: the check must catch the bug within
// its default budget and pass the fix.
import { Ledger, type AccountCredited, type AccountOpened, type PriceChanged } from './events.js';

// 1. Non-idempotent insert ──────────────────────────────────────────────────────────────────────
export class InsertsEveryCredit {
  readonly rows: string[] = [];
  handle(event: AccountCredited) {
    this.rows.push(event.creditId);
  }
}
export class UpsertsByCreditId extends InsertsEveryCredit {
  override handle(event: AccountCredited) {
    if (!this.rows.includes(event.creditId)) this.rows.push(event.creditId);
  }
}

// 2. Last-write-wins without a version check ───────────────────────────────────────────────────────
export class LastPriceWins {
  price = 0;
  version = 0;
  handle(event: PriceChanged) {
    this.price = event.price;
    this.version = event.version;
  }
}
export class NewestPriceWins extends LastPriceWins {
  override handle(event: PriceChanged) {
    if (event.version <= this.version) return;
    super.handle(event);
  }
}

// 3. Ack before processing ─────────────────────────────────────────────────────────────────────────
export class AcksThenWrites {
  readonly ledger = new Ledger(1);
  handle(event: AccountCredited): void | Promise<void> {
    // Returns at once, so the broker gets its ack before the write has happened (or failed).
    this.ledger.write(event.creditId).catch(() => {});
  }
}
export class WritesThenAcks extends AcksThenWrites {
  override async handle(event: AccountCredited) {
    await this.ledger.write(event.creditId);
  }
}

// 4. Offset commit before the side effect ───────────────────────────────────────────────────────────
export class CommitsBeforeWriting {
  readonly ledger = new Ledger(1);
  readonly committed = new Set<string>();
  async handle(event: AccountCredited) {
    if (this.committed.has(event.creditId)) return;
    this.committed.add(event.creditId); // "commit" first …
    await this.ledger.write(event.creditId); // … so when this fails, the retry skips the message.
  }
}
export class CommitsAfterWriting extends CommitsBeforeWriting {
  override async handle(event: AccountCredited) {
    if (this.committed.has(event.creditId)) return;
    await this.ledger.write(event.creditId);
    this.committed.add(event.creditId);
  }
}

// 5. A dedup store not atomic with the effect ─────────────────────────────────────────────────────
class FlakyDedupStore {
  private readonly seen = new Set<string>();
  private writes = 0;
  has(id: string) {
    return this.seen.has(id);
  }
  async add(id: string) {
    await Promise.resolve();
    if (++this.writes === 1) throw new Error('dedup store timed out');
    this.seen.add(id);
  }
}
export class EffectThenDedupMark {
  balance = 0;
  protected readonly store = new FlakyDedupStore();
  async handle(event: AccountCredited) {
    if (this.store.has(event.creditId)) return;
    this.balance += event.amount; // the effect lands …
    await this.store.add(event.creditId); // … the mark fails, the retry applies it again.
  }
}
export class EffectAndMarkTogether extends EffectThenDedupMark {
  private readonly applied = new Map<string, number>();
  override async handle(event: AccountCredited) {
    // One record holds both the effect and the mark, as one database transaction would.
    if (this.applied.has(event.creditId)) return;
    this.applied.set(event.creditId, event.amount);
    this.balance = [...this.applied.values()].reduce((a, b) => a + b, 0);
    await Promise.resolve();
  }
}

// 6. Retry without a limit ─────────────────────────────────────────────────────────────────────────
const blocked = (event: AccountCredited) => event.accountId === 'blocked';
export class RetriesForever {
  readonly credited: string[] = [];
  async handle(event: AccountCredited) {
    for (;;) {
      try {
        if (blocked(event)) throw new Error('account is blocked');
        this.credited.push(event.creditId);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }
}
export class RetriesThreeTimes extends RetriesForever {
  override async handle(event: AccountCredited) {
    for (let attempt = 1; ; attempt++) {
      try {
        if (blocked(event)) throw new Error('account is blocked');
        this.credited.push(event.creditId);
        return;
      } catch (error) {
        if (attempt === 3) throw error; // let the consumer dead-letter it
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }
}
export const isBlocked = (event: unknown) => blocked(event as AccountCredited);

// 7. Poison retried forever: the consumer's policy, not the handler — see catalogue.ts (maxAttempts).
export class RejectsBlockedAccounts {
  readonly credited: string[] = [];
  handle(event: AccountCredited) {
    if (blocked(event)) throw new Error('account is blocked');
    this.credited.push(event.creditId);
  }
}

// 8. An out-of-order update dropped ────────────────────────────────────────────────────────────────
export class DropsEarlyCredits {
  readonly balances = new Map<string, number>();
  handle(event: AccountOpened | AccountCredited) {
    const balance = this.balances.get(event.accountId);
    if (!('creditId' in event)) {
      if (balance === undefined) this.balances.set(event.accountId, 0);
      return;
    }
    if (balance === undefined) return; // "account not found": the credit is silently dropped
    this.balances.set(event.accountId, balance + event.amount);
  }
}
export class KeepsEarlyCredits extends DropsEarlyCredits {
  private readonly applied = new Set<string>();
  override handle(event: AccountOpened | AccountCredited) {
    // A credit that overtakes its AccountOpened opens the account implicitly (and duplicates are ignored).
    const balance = this.balances.get(event.accountId) ?? 0;
    if (!('creditId' in event)) return void this.balances.set(event.accountId, balance);
    if (this.applied.has(event.creditId)) return;
    this.applied.add(event.creditId);
    this.balances.set(event.accountId, balance + event.amount);
  }
}

// 9. Per-key order broken by parallel processing ───────────────────────────────────────────────────
export class AppliesPricesInBackground {
  readonly applied: number[] = [];
  handle(event: PriceChanged): void | Promise<void> {
    // Fire-and-forget with a latency that depends on the payload: later versions can finish first.
    setTimeout(() => this.applied.push(event.version), 100 - event.version * 10);
  }
}
export class AppliesPricesInOrder extends AppliesPricesInBackground {
  override async handle(event: PriceChanged) {
    // Finish each change before acking the next, and skip versions already applied (redeliveries).
    await new Promise((resolve) => setTimeout(resolve, 100 - event.version * 10));
    if (event.version > (this.applied.at(-1) ?? 0)) this.applied.push(event.version);
  }
}

// 10. A replay that double-counts ──────────────────────────────────────────────────────────────────
export class RevenueProjection {
  total = 0;
  handle(event: AccountCredited) {
    this.total += event.amount;
  }
}
export class RevenueProjectionByCreditId extends RevenueProjection {
  private readonly seen = new Set<string>();
  override handle(event: AccountCredited) {
    if (this.seen.has(event.creditId)) return;
    this.seen.add(event.creditId);
    super.handle(event);
  }
}

// 11. A check-then-act race between concurrent copies (found by the SQS model in the example shop) ──
export class ChecksThenAwaitsThenMarks {
  readonly seen = new Set<string>();
  balance = 0;
  async handle(event: AccountCredited) {
    if (this.seen.has(event.creditId)) return;
    await Promise.resolve(); // e.g. a call to the payment service
    this.seen.add(event.creditId); // too late: a copy handled concurrently passed the check too
    this.balance += event.amount;
  }
}
export class ClaimsBeforeAwaiting extends ChecksThenAwaitsThenMarks {
  override async handle(event: AccountCredited) {
    if (this.seen.has(event.creditId)) return;
    this.seen.add(event.creditId); // claim first: concurrent copies see it taken
    await Promise.resolve();
    this.balance += event.amount;
  }
}
