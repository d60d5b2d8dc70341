import { Entry, type LedgerEntry } from '../ledger.js';
import type { Task } from '../scheduler.js';
import type { TraceKind } from '../trace.js';
import type { Simulation } from '../world.js';
import type { QueueConfig, ResolvedSqsOptions } from './options.js';
import { SQS_LIMITS } from './options.js';
import { RecurringChance } from '../recurring-chance.js';
import { Deque } from './deque.js';
import { Timeline, type TimelineNode } from './timeline.js';
import type { MessageAttributeValue } from './types.js';

/** Where a stored message is. @internal */
export const State = { Delayed: 0, Visible: 1, InFlight: 2, Gone: 3 } as const;
/** @internal */
export type State = (typeof State)[keyof typeof State];

/**
 * One stored copy of a message. A sent message is its own ledger entry, as the Kafka log's records
 * are: one object per message instead of two, and no id string made per send — every delivery
 * touches both. A copy (a duplicate delivery, a dead letter) points at the original's entry and
 * shares its ledger id and MessageId; its own entry fields are unused.
 *
 * Kept small, because a delivery is bound by memory traffic: the fields a delivery writes come first
 * (V8 lays them out in declaration order), and what most messages never have — FIFO ids, message
 * attributes, digests, a copy's original, a dead letter's source — lives in side objects made only
 * when needed. At 28 fields a stored message took about 250 bytes on Node's heap.
 * @internal
 */
export class StoredMessage extends Entry implements TimelineNode {
  state: State = State.Visible;
  receiveCount = 0;
  /** Nonce of the latest receive: a receipt handle is valid for deletes while it matches. */
  receipt = 0;
  receivedAt = 0;
  dueAt = 0;
  /** Its place in the delayed or in-flight timeline. */
  slot = -1;
  /** The FIFO group, on FIFO queues. */
  group: FifoGroup | undefined = undefined;
  /** What only some messages have; undefined for most. */
  rare: RareFields | undefined = undefined;
  declare readonly expiresAt: number;
  declare readonly body: string;
  declare readonly messageId: string;
  declare readonly serial: number;
  declare readonly sentAt: number;
  /** MessageGroupId, MessageDeduplicationId and SequenceNumber, when the message has any. */
  declare readonly ids: MessageIds | undefined;

  constructor(
    serial: number,
    /** The original's entry for a copy; undefined for a sent message, which is its own. */
    original: LedgerEntry | undefined,
    origin: string,
    messageId: string,
    body: string,
    attributes: Readonly<Record<string, MessageAttributeValue>> | undefined,
    groupId: string | undefined,
    deduplicationId: string | undefined,
    sequenceNumber: string | undefined,
    sentAt: number,
    expiresAt: number,
    duplicate: boolean,
  ) {
    super(origin);
    this.expiresAt = expiresAt;
    this.body = body;
    this.messageId = messageId;
    this.serial = serial;
    this.sentAt = sentAt;
    this.ids =
      groupId === undefined && deduplicationId === undefined && sequenceNumber === undefined
        ? undefined
        : { groupId, deduplicationId, sequenceNumber };
    if (original !== undefined || attributes !== undefined || duplicate) {
      const rare = this.more();
      rare.original = original;
      rare.attributes = attributes;
      rare.duplicate = duplicate;
    }
  }

  /** The ledger's broker: a constant of the model, not a field per message. */
  get broker(): string {
    return 'sqs';
  }

  /** The side object for rare fields, made on first use. */
  more(): RareFields {
    return (this.rare ??= {
      original: undefined,
      attributes: undefined,
      md5: undefined,
      deadLetterSourceArn: undefined,
      duplicate: false,
      firstReceiveAt: undefined,
      indexed: false,
    });
  }

  /** The ledger's entry: this message itself, or for a copy the original's. */
  get entry(): LedgerEntry {
    const rare = this.rare;
    return rare === undefined || rare.original === undefined ? this : rare.original;
  }

  get ledgerId(): string {
    return this.entry.id;
  }

  get attributes(): Readonly<Record<string, MessageAttributeValue>> | undefined {
    return this.rare?.attributes;
  }

  get groupId(): string | undefined {
    return this.ids?.groupId;
  }

  get deduplicationId(): string | undefined {
    return this.ids?.deduplicationId;
  }

  get sequenceNumber(): string | undefined {
    return this.ids?.sequenceNumber;
  }

  get duplicate(): boolean {
    return this.rare?.duplicate === true;
  }

  get deadLetterSourceArn(): string | undefined {
    return this.rare?.deadLetterSourceArn;
  }

  get md5(): string | undefined {
    return this.rare?.md5;
  }

  set md5(md5: string | undefined) {
    if (md5 !== undefined || this.rare !== undefined) this.more().md5 = md5;
  }

  /**
   * When it was first received. Not written per delivery: until a second receive (or for a copy) it
   * is the latest receive's time, 0 before any.
   */
  get firstReceiveAt(): number {
    return this.rare?.firstReceiveAt ?? this.receivedAt;
  }

  /** A copy takes over `source`'s receive count, first receive and digest. */
  inherit(source: StoredMessage): void {
    this.receiveCount = source.receiveCount;
    // Before any receive the copy's own first receive will set it, as for a sent message.
    if (source.receiveCount !== 0) this.more().firstReceiveAt = source.firstReceiveAt;
    this.md5 = source.md5;
  }

  /** Counts a receive at `now`, keeping the first receive's time once a second one comes. */
  received(now: number): void {
    if (this.receiveCount !== 0) {
      const rare = this.more();
      rare.firstReceiveAt ??= this.receivedAt;
    }
    this.receiveCount++;
    this.receivedAt = now;
  }
}

/** A stored message's FIFO ids (or a standard message's MessageGroupId). @internal */
export interface MessageIds {
  readonly groupId: string | undefined;
  readonly deduplicationId: string | undefined;
  readonly sequenceNumber: string | undefined;
}

/** The fields of a stored message that most messages never need. @internal */
export interface RareFields {
  /** A copy's original ledger entry. */
  original: LedgerEntry | undefined;
  attributes: Readonly<Record<string, MessageAttributeValue>> | undefined;
  md5: string | undefined;
  deadLetterSourceArn: string | undefined;
  duplicate: boolean;
  /** Set at the second receive, or for a copy of a received message. */
  firstReceiveAt: number | undefined;
  /** In the queue's receipt index: only once someone read a receipt handle of it. */
  indexed: boolean;
}

/** The messages of one FIFO message group, oldest first, in flight or not. @internal */
export interface FifoGroup {
  readonly id: string;
  readonly messages: Deque<StoredMessage>;
  inFlight: number;
  queued: boolean;
}

/** Someone waiting for messages on a queue: a long poll or a parked consumer. @internal */
export interface Waiter {
  /** Called when messages may be available; returns false to stay parked. */
  serve(): boolean;
}

/**
 * What a queue needs from its model. A class, not an object of closures: a closure per model is a
 * new call target in every simulation, and optimized delivery code deoptimized at each new one.
 * @internal
 */
export class QueueHost {
  #serial = 0;
  #receipt = 0;

  constructor(
    readonly sim: Simulation,
    readonly options: ResolvedSqsOptions,
    readonly tracing: boolean,
    private readonly byArn: ReadonlyMap<string, SimQueue>,
  ) {}

  queueByArn(arn: string): SimQueue | undefined {
    return this.byArn.get(arn);
  }

  /** Numbers stored messages, copies included: the middle part of a receipt handle. */
  nextSerial(): number {
    return ++this.#serial;
  }

  nextReceipt(): number {
    return ++this.#receipt;
  }
}

/**
 * One SQS queue: standard (at-least-once, best-effort order, every deviation a recorded decision) or
 * FIFO (message groups in order, a group blocked while any of its messages is in flight,
 * deduplication within 5 minutes). Time-driven changes — delays ending, visibility timeouts expiring
 * — go through a single scheduler task per queue, armed for the earliest due message.
 * @internal
 */
/** What a FIFO queue remembers of a deduplication id, for the deduplication interval. */
interface DeduplicationEntry {
  readonly messageId: string;
  readonly sequenceNumber: string | undefined;
  readonly expiresAt: number;
}

export class SimQueue {
  readonly ready = new Deque<StoredMessage>();
  private readonly readyGroups = new Deque<FifoGroup>();
  readonly delayed = new Timeline<StoredMessage>();
  readonly #inFlight = new Timeline<StoredMessage>();
  /**
   * A quiet consumer's receive while its handlers run (`takeInHand`): messages in flight but not yet
   * in the timeline, `hand[handFrom..handTo)`. Undefined when nothing is in hand.
   */
  #hand: StoredMessage[] | undefined;
  #handFrom = 0;
  #handTo = 0;
  /** Messages in hand not yet removed: with the timeline's, what decides when the timer goes. */
  #handLive = 0;
  /** The timer's place in the scheduler when it is reserved for the hand (`armForHand`), or -1. */
  #reservedSeq = -1;
  #reservedAt = 0;
  // Tables made on first use: FIFO groups and deduplication only on FIFO queues, the receipt-handle
  // index only once a handle is read. A scenario makes its queues anew for every schedule.
  #groups: Map<string, FifoGroup> | undefined;
  #live: Map<number, StoredMessage> | undefined;
  #deduplication: Map<string, DeduplicationEntry> | undefined;
  visible = 0;
  sequence = 0;
  deleted = false;
  lastPurgeAt = Number.NEGATIVE_INFINITY;
  modifiedAt: number;
  private timer: Task | undefined;
  private waiters: Waiter[] = [];
  private serveTask: Task | undefined;
  private readonly onTimer = () => this.fire();
  private readonly onServe = () => this.serveWaiters();
  /**
   * A standard queue's best-effort order and at-least-once delivery: whether the message taken is
   * not the oldest (at each message taken while several are visible), whether a received message
   * leaves a copy behind (at each message received). Decided a window of messages at a time.
   */
  readonly #reorders: RecurringChance;
  readonly #duplicates: RecurringChance;
  /** The labels of the queue's tasks, made once: the timer is armed at every receive. */
  readonly #labels: { readonly timer: string; readonly serve: string };

  constructor(
    private readonly host: QueueHost,
    readonly serial: number,
    readonly name: string,
    readonly url: string,
    readonly arn: string,
    public config: QueueConfig,
    readonly createdAt: number,
  ) {
    this.modifiedAt = createdAt;
    this.#labels = { timer: `sqs ${name} timer`, serve: `sqs ${name} serve` };
    const { decisions } = host.sim;
    this.#reorders = new RecurringChance(decisions, 'sqs:reorder', host.options.reorderRate);
    this.#duplicates = new RecurringChance(decisions, 'sqs:duplicate', host.options.duplicateRate);
  }

  /** What a send to this queue is called in its errors; made once per queue, not per send. */
  get sendAction(): string {
    return (this.#sendAction ??= `send a message to '${this.name}'`);
  }
  #sendAction: string | undefined;

  /**
   * The messages in flight, earliest due first. Reading it puts the messages in hand in first, so
   * whatever looks at or changes the timeline — a receive, a delete by handle, a visibility change,
   * the counts, the timer — sees every message in flight, in the order they were received.
   */
  get inFlight(): Timeline<StoredMessage> {
    if (this.#hand !== undefined) this.settleHand();
    return this.#inFlight;
  }

  get groups(): Map<string, FifoGroup> {
    return (this.#groups ??= new Map());
  }

  get live(): Map<number, StoredMessage> {
    return (this.#live ??= new Map());
  }

  get deduplication(): Map<string, DeduplicationEntry> {
    return (this.#deduplication ??= new Map());
  }

  get fifo(): boolean {
    return this.config.fifo;
  }

  /** Whether a receive would find something: on FIFO queues, visible messages of blocked groups do not count. */
  available(): boolean {
    return this.config.fifo ? this.readyGroups.length > 0 : this.visible > 0;
  }

  // ── storing ─────────────────────────────────────────────────────────────────────────────────────

  /** Stores a message that was accepted; visible now or after `delayMs`. */
  store(message: StoredMessage, delayMs: number): void {
    if (this.fifo) {
      let group = this.groups.get(message.groupId!);
      if (!group) {
        group = { id: message.groupId!, messages: new Deque<StoredMessage>(), inFlight: 0, queued: false };
        this.groups.set(group.id, group);
      }
      message.group = group;
      group.messages.push(message);
    }
    if (delayMs > 0) {
      message.state = State.Delayed;
      message.dueAt = this.host.sim.now() + delayMs;
      this.delayed.insert(message);
      this.arm();
    } else {
      this.becomeVisible(message);
    }
  }

  private becomeVisible(message: StoredMessage): void {
    message.state = State.Visible;
    this.visible++;
    if (this.fifo) {
      const group = message.group!;
      if (group.inFlight === 0 && group.messages.at(0) === message) this.queueGroup(group);
    } else {
      this.ready.push(message);
    }
    this.wake();
  }

  /** Schedules serving the waiters when someone waits and a receive would find something. */
  private wake(): void {
    if (this.waiters.length > 0 && this.serveTask === undefined && this.available())
      this.serveTask = this.host.sim.schedule(0, this.#labels.serve, this.onServe);
  }

  private queueGroup(group: FifoGroup): void {
    if (group.queued) return;
    group.queued = true;
    this.readyGroups.push(group);
  }

  /** Takes a message out of the queue for good: deleted, dead-lettered, expired or purged. */
  remove(message: StoredMessage): void {
    if (this.#hand !== undefined) this.settleHand();
    const state = message.state;
    if (state === State.Gone) return;
    if (state === State.InFlight) this.inFlight.remove(message);
    else if (state === State.Delayed) this.delayed.remove(message);
    else {
      this.visible--;
      if (!this.fifo) {
        const index = this.ready.indexOf(message);
        if (index >= 0) this.ready.removeAt(index);
      }
    }
    // Nothing left to time: drop the timer so an idle world does not jump to a stale deadline.
    if (this.timer !== undefined && this.inFlight.size === 0 && this.delayed.size === 0) {
      this.host.sim.cancel(this.timer);
      this.timer = undefined;
    }
    message.state = State.Gone;
    if (message.rare?.indexed === true) this.live.delete(message.serial);
    const group = message.group;
    if (group) this.leaveGroup(group, message, state);
  }

  /** Takes a removed message out of its FIFO group, which is queued again if it can be received. */
  private leaveGroup(group: FifoGroup, message: StoredMessage, state: State): void {
    if (state === State.InFlight) group.inFlight--;
    const index = group.messages.indexOf(message);
    if (index >= 0) group.messages.removeAt(index);
    if (group.messages.length === 0) {
      if (group.inFlight === 0) this.groups.delete(group.id);
    } else if (group.inFlight === 0 && group.messages.at(0)!.state === State.Visible) {
      this.queueGroup(group);
      this.wake();
    }
  }

  // ── receiving ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Receives up to `max` messages into `out` and returns how many: each becomes in flight for
   * `visibilityMs`. Expired messages are expired and messages past the redrive policy's
   * maxReceiveCount are moved to the dead-letter queue on the way, as SQS does on receive.
   */
  take(out: StoredMessage[], max: number, visibilityMs: number, shortPoll: boolean): number {
    this.refresh();
    if (this.visible === 0) return 0;
    const options = this.host.options;
    const decisions = this.host.sim.decisions;
    if (shortPoll && !this.fifo && options.shortPollPartialRate > 0 && max > 1 && this.visible > 1) {
      if (decisions.chance('sqs:short-poll', options.shortPollPartialRate))
        max = decisions.choose('sqs:short-poll-count', Math.min(max, this.visible));
    }
    return this.fifo ? this.takeFifo(out, max, visibilityMs) : this.takeStandard(out, max, visibilityMs);
  }

  private takeStandard(out: StoredMessage[], max: number, visibilityMs: number): number {
    const { sim, options } = this.host;
    const faults = sim.faults;
    const checkFaults = faults.active.length > 0;
    let n = 0;
    while (n < max && this.ready.length > 0) {
      let index = 0;
      if (this.ready.length > 1) {
        const shuffle =
          (options.reorderRate > 0 && this.#reorders.next()) ||
          (checkFaults && faults.fires('reorder', 'sqs', this.name) !== undefined);
        if (shuffle) index = sim.decisions.choose('sqs:pick', Math.min(this.ready.length, 10));
      }
      const message = this.ready.takeSwapped(index)!;
      this.visible--;
      message.state = State.InFlight; // transiently, so the checks below can remove it consistently
      if (this.discard(message)) continue;
      this.deliver(message, visibilityMs);
      out[n++] = message;
      if (
        (options.duplicateRate > 0 && this.#duplicates.next()) ||
        (checkFaults && faults.fires('duplicate', 'sqs', this.name) !== undefined)
      ) {
        this.duplicate(message);
      }
    }
    return n;
  }

  private takeFifo(out: StoredMessage[], max: number, visibilityMs: number): number {
    let n = 0;
    while (n < max && this.readyGroups.length > 0) {
      const group = this.readyGroups.removeAt(0)!;
      group.queued = false;
      if (group.inFlight > 0) continue;
      let i = 0;
      while (n < max && i < group.messages.length) {
        const message = group.messages.at(i)!;
        if (message.state !== State.Visible) break;
        this.visible--;
        message.state = State.InFlight;
        group.inFlight++;
        if (this.discard(message)) continue; // removed from group.messages: index i is the next one
        this.deliver(message, visibilityMs);
        out[n++] = message;
        i++;
      }
    }
    return n;
  }

  /**
   * `take` for a consumer (no short poll) when nothing is traced and no fault is active: the same
   * steps in the same order with the same decisions, fused into one method, since at this size a
   * call per step costs more than the step.
   *
   * The messages taken are in flight but held in hand, in `out`, instead of in the timeline: the
   * consumer runs their handlers synchronously next, and each one that succeeds is deleted with
   * `removeFromHand`, so most never enter the timeline. The consumer calls `settleHand` when its
   * handlers have run, and anything that reads the timeline before then (`inFlight`, `arm`, `remove`)
   * settles the hand first. Nothing in this method reads it after the first delivery, so the hand is
   * registered once, at the end.
   *
   * Everything else happens when it did with the timeline: the timer takes its place in the
   * scheduler's order at the first delivery, counting the hand's due time (`armForHand`), and is
   * dropped when the last message in flight is removed, so every task keeps its place. The messages
   * left in hand enter the timeline when it is next read, before anything else can enter it, so its
   * order is the same too.
   */
  takeInHand(out: StoredMessage[], max: number, visibilityMs: number): number {
    if (this.#hand !== undefined) this.settleHand();
    const n = this.takeQuiet(out, max, visibilityMs);
    if (n > 0) {
      this.#hand = out;
      this.#handFrom = 0;
      this.#handTo = n;
      this.#handLive = n;
    }
    return n;
  }

  /**
   * Puts the messages in hand that are still in flight into the timeline, in order, and schedules the
   * timer reserved for them, if any.
   */
  settleHand(): void {
    const hand = this.#hand;
    if (hand === undefined) return;
    this.#hand = undefined;
    for (let i = this.#handFrom; i < this.#handTo; i++) {
      const message = hand[i]!;
      if (message.state === State.InFlight) this.#inFlight.insert(message);
    }
    if (this.#reservedSeq >= 0) {
      this.timer = this.host.sim.scheduleReserved(
        this.#reservedSeq,
        this.#reservedAt,
        this.#labels.timer,
        this.onTimer,
      );
      this.#reservedSeq = -1;
    }
  }

  /**
   * `remove` for a message in hand whose handler succeeded: it is not in the timeline, so there is
   * nothing to take it out of. Falls back to `remove` when the hand was settled meanwhile.
   */
  removeFromHand(message: StoredMessage): void {
    if (this.#hand === undefined) {
      this.remove(message);
      return;
    }
    // As remove(): nothing left to time, no timer.
    if (--this.#handLive === 0 && this.#inFlight.size === 0 && this.delayed.size === 0) {
      if (this.timer !== undefined) {
        this.host.sim.cancel(this.timer);
        this.timer = undefined;
      }
      this.#reservedSeq = -1;
    }
    message.state = State.Gone;
    if (message.rare?.indexed === true) this.live.delete(message.serial);
    const group = message.group;
    if (group) this.leaveGroup(group, message, State.InFlight);
  }

  /** The messages of one receive, in flight (see `takeInHand`). */
  private takeQuiet(out: StoredMessage[], max: number, visibilityMs: number): number {
    const now = this.host.sim.now();
    // refresh() changes nothing unless a timeline's head is due.
    const delayedHead = this.delayed.head;
    const inFlightHead = this.inFlight.head;
    if (
      (delayedHead !== undefined && delayedHead.dueAt <= now) ||
      (inFlightHead !== undefined && inFlightHead.dueAt <= now)
    )
      this.refresh();
    if (this.visible === 0) return 0;
    // One method per queue type, so each loop has V8's inlining budget (about 920 bytes of bytecode
    // per function) to itself when a process runs both.
    return this.config.fifo
      ? this.takeQuietFifo(out, max, now, now + visibilityMs)
      : this.takeQuietStandard(out, max, now, now + visibilityMs);
  }

  /**
   * The visibility timer is armed after the loop, once, but with the place in the scheduler's order
   * taken at the first delivery, where `take` arms it: nothing in between touches this queue's
   * timer or timelines, so the outcome is the same, and the rare arming stays out of the loop.
   */
  private takeQuietStandard(out: StoredMessage[], max: number, now: number, dueAt: number): number {
    const { reorderRate, duplicateRate } = this.host.options;
    const sim = this.host.sim;
    const redrive = this.config.redrive;
    const ready = this.ready;
    let seq = -1;
    let n = 0;
    while (n < max && ready.length > 0) {
      let index = 0;
      if (ready.length > 1 && reorderRate > 0 && this.#reorders.next())
        index = sim.decisions.choose('sqs:pick', Math.min(ready.length, 10));
      const message = ready.takeSwapped(index)!;
      this.visible--;
      message.state = State.InFlight;
      if (
        (now >= message.expiresAt || (redrive && message.receiveCount >= redrive.maxReceiveCount)) &&
        this.discard(message)
      )
        continue;
      this.deliverQuiet(message, now, dueAt);
      if (seq < 0) seq = sim.reserve();
      out[n++] = message;
      if (duplicateRate > 0 && this.#duplicates.next()) this.duplicate(message);
    }
    if (n > 0) this.armForHand(dueAt, seq);
    return n;
  }

  /** takeQuietStandard's FIFO twin: whole groups in order, a group blocked while one is in flight. */
  private takeQuietFifo(out: StoredMessage[], max: number, now: number, dueAt: number): number {
    const sim = this.host.sim;
    const redrive = this.config.redrive;
    const groups = this.readyGroups;
    let seq = -1;
    let n = 0;
    while (n < max && groups.length > 0) {
      const group = groups.removeAt(0)!;
      group.queued = false;
      if (group.inFlight > 0) continue;
      const messages = group.messages;
      let i = 0;
      while (n < max && i < messages.length) {
        const message = messages.at(i)!;
        if (message.state !== State.Visible) break;
        this.visible--;
        message.state = State.InFlight;
        group.inFlight++;
        // discard(), called only when it could take the message away.
        if (
          (now >= message.expiresAt || (redrive && message.receiveCount >= redrive.maxReceiveCount)) &&
          this.discard(message)
        )
          continue; // removed from group.messages: index i is the next one
        this.deliverQuiet(message, now, dueAt);
        if (seq < 0) seq = sim.reserve();
        out[n++] = message;
        i++;
      }
    }
    if (n > 0) this.armForHand(dueAt, seq);
    return n;
  }

  /** deliver(), untraced, for `takeQuiet`: the message stays in hand, out of the timeline. */
  private deliverQuiet(message: StoredMessage, now: number, dueAt: number): void {
    message.received(now);
    message.receipt = this.host.nextReceipt();
    message.dueAt = dueAt;
    const entry = message.entry;
    entry.fate = 'in-flight';
    entry.deliveries++;
  }

  /** Expires or dead-letters a message picked for delivery; true when it was taken away. */
  private discard(message: StoredMessage): boolean {
    const now = this.host.sim.now();
    if (now >= message.expiresAt) {
      this.detachInFlight(message);
      this.finish(message, 'expire', 'expired', `retention ${this.config.retentionMs / 1000}s passed`);
      return true;
    }
    const redrive = this.config.redrive;
    if (redrive && message.receiveCount >= redrive.maxReceiveCount) {
      const target = this.host.queueByArn(redrive.deadLetterTargetArn);
      if (target && !target.deleted) {
        this.detachInFlight(message);
        this.finish(
          message,
          'dead-letter',
          'dead-lettered',
          `→ ${target.name} after ${message.receiveCount} receives (maxReceiveCount ${redrive.maxReceiveCount})`,
        );
        target.adoptDeadLetter(message, this);
        return true;
      }
    }
    return false;
  }

  /** Undo the transient in-flight marking of `take` before removing the message. */
  private detachInFlight(message: StoredMessage): void {
    message.state = State.Gone;
    if (message.rare?.indexed === true) this.live.delete(message.serial);
    const group = message.group;
    if (group) {
      group.inFlight--;
      const index = group.messages.indexOf(message);
      if (index >= 0) group.messages.removeAt(index);
      if (group.messages.length === 0 && group.inFlight === 0) this.groups.delete(group.id);
    }
  }

  private finish(
    message: StoredMessage,
    kind: TraceKind,
    fate: 'expired' | 'dead-lettered',
    detail: string,
  ): void {
    message.entry.fate = fate;
    this.trace(kind, message, detail);
  }

  /** Receives a moved message as the dead-letter queue: visible at once, counts kept. */
  adoptDeadLetter(source: StoredMessage, from: SimQueue): void {
    const now = this.host.sim.now();
    const copy = new StoredMessage(
      this.host.nextSerial(),
      source.entry,
      this.name,
      source.messageId,
      source.body,
      source.attributes,
      this.fifo ? (source.groupId ?? source.messageId) : source.groupId,
      source.deduplicationId,
      this.fifo ? this.nextSequenceNumber() : undefined,
      source.sentAt,
      // Standard queues keep the original enqueue time for retention; FIFO queues restart it.
      (this.fifo ? now : source.sentAt) + this.config.retentionMs,
      source.duplicate,
    );
    copy.inherit(source);
    copy.more().deadLetterSourceArn = from.arn;
    this.store(copy, 0);
  }

  private deliver(message: StoredMessage, visibilityMs: number): void {
    const { sim } = this.host;
    const now = sim.now();
    message.state = State.InFlight;
    message.received(now);
    message.receipt = this.host.nextReceipt();
    message.dueAt = now + visibilityMs;
    this.inFlight.insert(message);
    message.entry.fate = 'in-flight';
    message.entry.deliveries++;
    if (this.host.tracing)
      this.trace(
        message.receiveCount > 1 ? 'redeliver' : 'deliver',
        message,
        `receive #${message.receiveCount}${message.duplicate ? ' (duplicate copy)' : ''}`,
      );
    this.arm();
  }

  private duplicate(message: StoredMessage): void {
    const copy = new StoredMessage(
      this.host.nextSerial(),
      message.entry,
      this.name,
      message.messageId,
      message.body,
      message.attributes,
      message.groupId,
      message.deduplicationId,
      message.sequenceNumber,
      message.sentAt,
      message.expiresAt,
      true,
    );
    copy.inherit(message);
    this.trace('fault', message, 'at-least-once: a second copy stays in the queue');
    this.store(copy, 0);
  }

  // ── acknowledging ───────────────────────────────────────────────────────────────────────────────

  /** Deletes a received message; the ledger records it acked. */
  delete(message: StoredMessage, detail: string): void {
    this.remove(message);
    message.entry.fate = 'acked';
    if (this.host.tracing) this.trace('ack', message, detail);
  }

  /** Moves a received message's visibility deadline to now + `visibilityMs` (0: visible at once). */
  changeVisibility(message: StoredMessage, visibilityMs: number): void {
    this.inFlight.remove(message);
    if (visibilityMs === 0) {
      this.returnToQueue(message, 'visibility set to 0');
      return;
    }
    message.dueAt = this.host.sim.now() + visibilityMs;
    this.inFlight.insert(message);
    this.arm();
  }

  private returnToQueue(message: StoredMessage, why: string): void {
    if (message.group) message.group.inFlight--;
    message.entry.fate = 'queued';
    this.trace('requeue', message, why);
    this.becomeVisible(message);
    const group = message.group;
    if (group && group.inFlight === 0 && group.messages.at(0)?.state === State.Visible) {
      this.queueGroup(group);
      this.wake();
    }
  }

  // ── time ────────────────────────────────────────────────────────────────────────────────────────

  /** Applies every delay end and visibility timeout due by now. */
  refresh(): void {
    const now = this.host.sim.now();
    let due = this.delayed.head;
    while (due !== undefined && due.dueAt <= now) {
      this.delayed.remove(due);
      this.becomeVisible(due);
      due = this.delayed.head;
    }
    due = this.inFlight.head;
    while (due !== undefined && due.dueAt <= now) {
      this.inFlight.remove(due);
      this.returnToQueue(due, 'visibility timeout expired');
      due = this.inFlight.head;
    }
  }

  /**
   * arm() for a receive taken into hand, due at `dueAt`, with the place in the scheduler's order
   * (`Simulation.reserve`) taken at its first delivery, where `take` arms. When nothing is due sooner,
   * the task is only scheduled when the hand is settled; a handler that deletes the last message in
   * flight drops it, where the task would have been cancelled. Most receives are deleted whole by
   * their handlers, and a task made and cancelled at every receive cost more than the rest of it.
   */
  private armForHand(dueAt: number, seq: number): void {
    const delayed = this.delayed.head;
    const inFlight = this.#inFlight.head;
    let next = dueAt;
    if (delayed !== undefined && delayed.dueAt < next) next = delayed.dueAt;
    if (inFlight !== undefined && inFlight.dueAt < next) next = inFlight.dueAt;
    const timer = this.timer;
    if (timer !== undefined && !timer.cancelled && timer.time <= next) return;
    if (timer !== undefined) this.host.sim.cancel(timer);
    this.timer = undefined;
    if (next < dueAt) {
      this.timer = this.host.sim.scheduleReserved(seq, next, this.#labels.timer, this.onTimer);
      return;
    }
    this.#reservedSeq = seq;
    this.#reservedAt = dueAt;
  }

  /** Keeps one scheduler task, at the earliest moment something becomes visible. */
  arm(): void {
    if (this.#hand !== undefined) this.settleHand();
    const delayed = this.delayed.head;
    const inFlight = this.inFlight.head;
    let next = delayed === undefined ? Number.POSITIVE_INFINITY : delayed.dueAt;
    if (inFlight !== undefined && inFlight.dueAt < next) next = inFlight.dueAt;
    const timer = this.timer;
    if (timer !== undefined && !timer.cancelled && timer.time <= next) return;
    if (timer !== undefined) this.host.sim.cancel(timer);
    this.timer =
      next === Number.POSITIVE_INFINITY
        ? undefined
        : this.host.sim.schedule(next - this.host.sim.now(), this.#labels.timer, this.onTimer);
  }

  private fire(): void {
    this.timer = undefined;
    if (this.deleted) return;
    this.refresh();
    this.arm();
  }

  // ── waiting ─────────────────────────────────────────────────────────────────────────────────────

  park(waiter: Waiter): void {
    this.waiters.push(waiter);
    this.wake();
  }

  unpark(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }

  /** Hands available messages to waiters; which waiter goes first is a recorded decision. */
  private serveWaiters(): void {
    this.serveTask = undefined;
    this.refresh();
    // Serve only those waiting now: a waiter that finds nothing (its group blocked, say) must not spin.
    const waiting = this.waiters;
    this.waiters = [];
    const keep: Waiter[] = [];
    while (waiting.length > 0 && this.available()) {
      const index = waiting.length > 1 ? this.host.sim.decisions.choose('sqs:waiter', waiting.length) : 0;
      const waiter = waiting.splice(index, 1)[0]!;
      if (!waiter.serve()) keep.push(waiter);
    }
    this.waiters.push(...keep, ...waiting);
  }

  /** Wakes every waiter with nothing, for a deleted queue. */
  dropWaiters(): Waiter[] {
    if (this.#hand !== undefined) this.settleHand();
    const all = this.waiters;
    this.waiters = [];
    if (this.timer) this.host.sim.cancel(this.timer);
    if (this.serveTask) this.host.sim.cancel(this.serveTask);
    return all;
  }

  // ── housekeeping ────────────────────────────────────────────────────────────────────────────────

  nextSequenceNumber(): string {
    return `1${String(++this.sequence).padStart(19, '0')}`;
  }

  /** Forgets deduplication ids older than 5 minutes (the map is in insertion order, i.e. time order). */
  pruneDeduplication(now: number): void {
    for (const [key, entry] of this.deduplication) {
      if (entry.expiresAt > now) break;
      this.deduplication.delete(key);
    }
  }

  /** Every stored message, for purge, delete and inspection. */
  all(): StoredMessage[] {
    const all: StoredMessage[] = [];
    if (this.fifo) {
      for (const group of this.groups.values())
        for (let i = 0; i < group.messages.length; i++) all.push(group.messages.at(i)!);
    } else {
      for (let i = 0; i < this.ready.length; i++) all.push(this.ready.at(i)!);
      // Not push(...): a spread of a long timeline would overflow the call's argument limit.
      for (const m of this.delayed.all()) all.push(m);
      for (const m of this.inFlight.all()) all.push(m);
    }
    return all;
  }

  /** Makes a message findable by its receipt handle (done when a handle is first read). */
  index(message: StoredMessage): void {
    if (message.state === State.Gone) return;
    const rare = message.more();
    if (rare.indexed) return;
    rare.indexed = true;
    this.live.set(message.serial, message);
  }

  counts(): { visible: number; inFlight: number; delayed: number } {
    this.refresh();
    return { visible: this.visible, inFlight: this.inFlight.size, delayed: this.delayed.size };
  }

  trace(kind: TraceKind, message: StoredMessage | undefined, detail: string): void {
    if (!this.host.tracing) return;
    const sim = this.host.sim;
    sim.trace.add({
      time: sim.now(),
      kind,
      broker: 'sqs',
      where: this.name,
      message: message?.ledgerId,
      key: message?.groupId,
      detail,
    });
  }
}

/** The deduplication key of a FIFO message under the queue's DeduplicationScope. @internal */
export const deduplicationKey = (queue: SimQueue, groupId: string, deduplicationId: string): string =>
  queue.config.deduplicationScope === 'messageGroup' ? `${groupId}\u0000${deduplicationId}` : deduplicationId;

/** @internal */
export const DEDUPLICATION_WINDOW_MS = SQS_LIMITS.deduplicationWindowMs;
