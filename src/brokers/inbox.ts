import type { Headers } from '../contracts/types.js';
import type { ReceivedMessage } from './probe.js';
import { receivedMessage } from './received.js';

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

  constructor(destination: string) {
    this.destination = destination;
  }

  add(value: Uint8Array, headers: Headers, key: string | undefined, properties: Record<string, unknown>) {
    this.messages.push(
      receivedMessage(this.destination, this.messages.length + 1, value, headers, key, properties),
    );
    this.notify();
  }

  problem(error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    const at = Date.now();
    this.problems.push({ at, text: `${new Date(at).toISOString().slice(11, 23)} ${reason}` });
    this.notify();
  }

  all(): readonly ReceivedMessage[] {
    return this.messages;
  }

  unclaimed(): ReceivedMessage[] {
    return this.messages.filter((message) => !this.claimed.has(message));
  }

  /** Calls `listener` after every arrival or problem until the returned function is called. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify() {
    for (const listener of [...this.listeners]) listener();
  }
}
