import {
  expectConvergent,
  expectIdempotent,
  expectNoLoss,
  expectOrdered,
  expectPoisonDeadLettered,
  expectReplayEquivalent,
  type HandlerLike,
} from 'eventproof';
import { credit, opened, price } from './events.js';
import * as h from './handlers.js';

/** A known consumer bug, the check that catches it, and the fix that passes the same check. */
export interface KnownBug {
  readonly bug: string;
  readonly buggy: () => HandlerLike;
  readonly fixed: () => HandlerLike;
  /** Consumer settings of the buggy run, when the bug is in the consumer's policy rather than the handler. */
  readonly buggyConsumer?: { readonly maxAttempts: number };
  check(
    handler: () => HandlerLike,
    options: { seed?: number; runs?: number; maxAttempts?: number },
  ): Promise<unknown>;
}

const credits = [credit('c1', 10), credit('c2', 20), credit('c3', 30)];
const state =
  <T>(pick: (handler: T) => unknown) =>
  (handler: HandlerLike) =>
    pick(handler as T);

export const knownBugs: readonly KnownBug[] = [
  {
    bug: 'non-idempotent insert',
    buggy: () => new h.InsertsEveryCredit(),
    fixed: () => new h.UpsertsByCreditId(),
    check: (handler, o) =>
      expectIdempotent({
        handler,
        events: credits,
        observe: state<h.InsertsEveryCredit>((x) => x.rows.length),
        ...o,
      }),
  },
  {
    bug: 'last-write-wins without a version check',
    buggy: () => new h.LastPriceWins(),
    fixed: () => new h.NewestPriceWins(),
    check: (handler, o) =>
      expectConvergent({
        handler,
        events: [price(1, 100), price(2, 120), price(3, 90)],
        observe: state<h.LastPriceWins>((x) => x.price),
        ...o,
      }),
  },
  {
    bug: 'ack before processing',
    buggy: () => new h.AcksThenWrites(),
    fixed: () => new h.WritesThenAcks(),
    check: (handler, o) =>
      expectNoLoss({
        handler,
        events: credits,
        observe: state<h.AcksThenWrites>((x) => new Set(x.ledger.entries).size),
        expected: 3,
        ...o,
      }),
  },
  {
    bug: 'offset commit before the side effect',
    buggy: () => new h.CommitsBeforeWriting(),
    fixed: () => new h.CommitsAfterWriting(),
    check: (handler, o) =>
      expectNoLoss({
        handler,
        events: credits,
        observe: state<h.CommitsBeforeWriting>((x) => new Set(x.ledger.entries).size),
        expected: 3,
        ...o,
      }),
  },
  {
    bug: 'a dedup store not atomic with the effect',
    buggy: () => new h.EffectThenDedupMark(),
    fixed: () => new h.EffectAndMarkTogether(),
    check: (handler, o) =>
      expectIdempotent({
        handler,
        events: credits,
        observe: state<h.EffectThenDedupMark>((x) => x.balance),
        expected: 60,
        ...o,
      }),
  },
  {
    bug: 'retry without a limit',
    buggy: () => new h.RetriesForever(),
    fixed: () => new h.RetriesThreeTimes(),
    check: (handler, o) =>
      expectPoisonDeadLettered({
        handler,
        events: [credit('c1', 10), credit('c2', 20, 'blocked'), credit('c3', 30)],
        poison: h.isBlocked,
        ...o,
      }),
  },
  {
    bug: 'poison retried forever',
    buggy: () => new h.RejectsBlockedAccounts(),
    fixed: () => new h.RejectsBlockedAccounts(),
    // The same handler; the bug is the consumer's retry policy: the buggy consumer never gives up.
    buggyConsumer: { maxAttempts: Number.POSITIVE_INFINITY },
    check: (handler, o) =>
      expectPoisonDeadLettered({
        handler,
        events: [credit('c1', 10), credit('c2', 20, 'blocked')],
        poison: h.isBlocked,
        ...o,
      }),
  },
  {
    bug: 'an out-of-order update dropped',
    buggy: () => new h.DropsEarlyCredits(),
    fixed: () => new h.KeepsEarlyCredits(),
    check: (handler, o) =>
      expectConvergent({
        handler,
        events: [opened(), credit('c1', 10), credit('c2', 20)],
        observe: state<h.DropsEarlyCredits>((x) => [...x.balances]),
        ...o,
      }),
  },
  {
    bug: 'per-key order broken by parallel processing',
    buggy: () => new h.AppliesPricesInBackground(),
    fixed: () => new h.AppliesPricesInOrder(),
    check: (handler, o) =>
      expectOrdered({
        handler,
        events: [price(1, 100), price(2, 120), price(3, 90)],
        observe: state<h.AppliesPricesInBackground>((x) => x.applied),
        expected: [1, 2, 3],
        ...o,
      }),
  },
  {
    bug: 'a check-then-act race between concurrent copies',
    buggy: () => new h.ChecksThenAwaitsThenMarks(),
    fixed: () => new h.ClaimsBeforeAwaiting(),
    // Ten messages in flight at once (an SQS batch, a RabbitMQ prefetch) let two copies meet.
    check: (handler, o) =>
      expectIdempotent({
        handler,
        events: credits,
        observe: state<h.ChecksThenAwaitsThenMarks>((x) => x.balance),
        concurrency: 10,
        ...o,
      }),
  },
  {
    bug: 'a replay that double-counts',
    buggy: () => new h.RevenueProjection(),
    fixed: () => new h.RevenueProjectionByCreditId(),
    check: (handler, o) =>
      expectReplayEquivalent({
        handler,
        events: credits,
        observe: state<h.RevenueProjection>((x) => x.total),
        ...o,
      }),
  },
];
