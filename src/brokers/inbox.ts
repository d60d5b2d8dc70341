import type { Headers } from '../contracts/types.js';
import type { ReceivedMessage } from './probe.js';
import { receivedMessage } from './received.js';

/**
 * One delivery as a probe hands it to {@link Inbox.arrive}: what the broker supplies of a message.
 * @internal
 */
export interface Arrival {
  readonly value: Uint8Array;
  readonly headers: Headers;
  readonly key: string | undefined;
  readonly properties: Record<string, unknown>;
  /** `Date.now()` when it arrived. */
  readonly at: number;
}

/**
 * Everything a probe has read from one destination, in arrival order, plus what went wrong while
 * reading (so a timeout can say "the connection was reset at …" instead of only "nothing came").
 * @internal
 */
export class Inbox {
  readonly destination: string;
  private readonly messages: ReceivedMessage[] = [];
  /** Messages an earlier `toReceive` returned: they are not matched or counted again. */
  readonly claimed = new Set<ReceivedMessage>();
  /** What went wrong while reading, with `Date.now()` of each. */
  readonly problems: { readonly at: number; readonly text: string }[] = [];
  /** When the last assertion on this inbox ended; problems before it were already reported. */
  reportedUntil = 0;
  private readonly listeners = new Set<() => void>();
  /** Deliveries handed to `arrive`, built into messages when the inbox is next read. */
  private pending: (() => Arrival)[] = [];

  constructor(destination: string) {
    this.destination = destination;
  }

  add(value: Uint8Array, headers: Headers, key: string | undefined, properties: Record<string, unknown>) {
    this.build();
    this.messages.push(
      receivedMessage(this.destination, this.messages.length + 1, value, headers, key, properties),
    );
    this.notify();
  }

  /**
   * Takes a delivery to build into a message when the inbox is next read. A probe learns of it
   * inside its client's socket callback, which may also carry the code under test's traffic (a
   * publisher confirm that the next publish waits for); copying the bytes and normalising the
   * headers there holds that back. An assertion waiting for `count` messages reads the inbox only
   * once `size` says that many could be there.
   */
  arrive(delivery: () => Arrival): void {
    this.pending.push(delivery);
    this.notify();
  }

  /** How many messages arrived, built or not. */
  get size(): number {
    return this.messages.length + this.pending.length;
  }

  problem(error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    const at = Date.now();
    this.problems.push({ at, text: `${new Date(at).toISOString().slice(11, 23)} ${reason}` });
    this.notify();
  }

  all(): readonly ReceivedMessage[] {
    this.build();
    return this.messages;
  }

  unclaimed(): ReceivedMessage[] {
    return this.all().filter((message) => !this.claimed.has(message));
  }

  /** Calls `listener` after every arrival or problem until the returned function is called. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private build(): void {
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    for (const delivery of pending) {
      const { value, headers, key, properties, at } = delivery();
      const sequence = this.messages.length + 1;
      this.messages.push(receivedMessage(this.destination, sequence, value, headers, key, properties, at));
    }
  }

  private notify() {
    // A Set's iteration skips a listener removed meanwhile (an assertion that finished), so no copy.
    for (const listener of this.listeners) listener();
  }
}
