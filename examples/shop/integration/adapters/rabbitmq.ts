import amqp, { type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { ShopEvent } from '../../src/events.js';
import type { Publisher } from '../../src/publisher.js';
import { decodeShopEvent, encodeShopEvent } from './wire.js';

export interface RabbitMqPublisherOptions {
  /** `amqp://user:pass@host:port/vhost`; in the fault test, the fault proxy's URL. */
  readonly url: string;
  /** The queue a shop topic goes to (production code would publish to an exchange instead). */
  readonly route: (topic: string) => string;
  /** How long one publish may keep retrying before it gives up and throws. Default 10 s. */
  readonly giveUpAfterMs?: number;
  /** Called for every failed attempt that will be retried: for logs, metrics, and tests. */
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

/**
 * The shop's Publisher over amqplib, at least once: a publish resolves only when the broker has
 * confirmed the message (publisher confirms, persistent delivery mode). When the connection is
 * refused, reset or closed, it opens a new one and publishes again, with backoff, until
 * `giveUpAfterMs`. A confirm lost with the connection means the broker MAY have the message, so a
 * retry can duplicate it: consumers must be idempotent (OrderHandler is).
 */
export class RabbitMqPublisher implements Publisher {
  private connection: Promise<{ model: ChannelModel; channel: ConfirmChannel }> | undefined;
  private closed = false;

  constructor(private readonly options: RabbitMqPublisherOptions) {}

  async publish(
    topic: string,
    event: object,
    options?: { key?: string; headers?: Record<string, string> },
  ): Promise<void> {
    const wire = encodeShopEvent(event, options);
    const giveUpAt = Date.now() + (this.options.giveUpAfterMs ?? 10_000);
    for (let attempt = 1; ; attempt++) {
      try {
        const { channel } = await this.connect();
        channel.sendToQueue(this.options.route(topic), Buffer.from(wire.value), {
          headers: wire.headers,
          contentType: 'application/json',
          type: wire.type,
          messageId: wire.key,
          persistent: true,
        });
        await channel.waitForConfirms();
        return;
      } catch (error) {
        // Whatever broke, the connection is suspect: the next attempt opens a fresh one.
        this.drop();
        if (this.closed || Date.now() >= giveUpAt) throw error;
        this.options.onRetry?.(error, attempt);
        await backoff(attempt);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const current = this.connection;
    this.connection = undefined;
    await current?.then(({ model }) => closeWithin(model)).catch(() => undefined);
  }

  private connect(): Promise<{ model: ChannelModel; channel: ConfirmChannel }> {
    if (this.closed) return Promise.reject(new Error('publisher closed'));
    if (this.connection) return this.connection;
    const forget = () => {
      if (this.connection === pending) this.connection = undefined;
    };
    const pending = (async () => {
      // noDelay: without it Nagle's algorithm adds ~40 ms to every confirmed publish.
      const model = await amqp.connect(this.options.url, { noDelay: true });
      // A broken connection emits 'error' then 'close'; without a listener Node would crash.
      model.on('error', () => undefined);
      model.on('close', forget);
      const channel = await model.createConfirmChannel();
      channel.on('error', () => undefined);
      return { model, channel };
    })();
    this.connection = pending;
    pending.catch(forget);
    return pending;
  }

  private drop(): void {
    const current = this.connection;
    this.connection = undefined;
    // Closing is best effort: on a connection that already broke it never settles, so no one waits.
    void current?.then(({ model }) => model.close()).catch(() => undefined);
  }
}

export interface RabbitMqConsumerOptions {
  readonly url: string;
  readonly queue: string;
  readonly handle: (event: ShopEvent) => Promise<void>;
  /** Unacknowledged messages in flight at once. Default 10. */
  readonly prefetch?: number;
  readonly onReconnect?: (error: unknown) => void;
}

/**
 * Consumes a queue into a handler: decode, handle, then ack. A handler error nacks with requeue
 * (retry); a message that does not decode is rejected without requeue (poison: to the dead-letter
 * exchange when the queue has one). When the connection drops, unacked messages go back to the
 * queue on the broker and the consumer reconnects, so a message can be handled twice: handlers
 * must be idempotent.
 */
export async function consumeRabbitMq(options: RabbitMqConsumerOptions): Promise<{ close(): Promise<void> }> {
  let stopped = false;
  let model: ChannelModel | undefined;

  const start = async (): Promise<void> => {
    const connection = await amqp.connect(options.url, { noDelay: true });
    connection.on('error', () => undefined);
    // close() on a connection that already closed never settles: only an open one is kept.
    connection.on('close', (error: unknown) => {
      if (model === connection) model = undefined;
      if (!stopped) void restart(error);
    });
    if (stopped) {
      await connection.close();
      return;
    }
    model = connection;
    const channel: Channel = await connection.createChannel();
    channel.on('error', () => undefined);
    await channel.prefetch(options.prefetch ?? 10);
    await channel.consume(options.queue, (message) => {
      if (!message) return;
      let event: ShopEvent;
      try {
        event = decodeShopEvent(message.content, headersOf(message.properties.headers));
      } catch {
        channel.reject(message, false);
        return;
      }
      options.handle(event).then(
        () => channel.ack(message),
        () => channel.nack(message, false, true),
      );
    });
  };

  let restarting = false;
  const restart = async (error: unknown): Promise<void> => {
    if (restarting) return;
    restarting = true;
    options.onReconnect?.(error);
    try {
      for (let attempt = 1; !stopped; attempt++) {
        try {
          await start();
          return;
        } catch {
          await backoff(attempt);
        }
      }
    } finally {
      restarting = false;
    }
  };

  await start();
  return {
    async close() {
      stopped = true;
      if (model) await closeWithin(model);
    },
  };
}

/**
 * Closes a connection, waiting at most `ms`: a connection whose socket was cut while the close
 * handshake was under way never answers, and shutting down must not hang on it.
 */
async function closeWithin(model: ChannelModel, ms = 1000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    model.close().catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

/** AMQP header values can be numbers or buffers; the contracts read strings. */
function headersOf(raw: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(raw ?? {}).map(([k, v]) => [
      k.toLowerCase(),
      Buffer.isBuffer(v) ? v.toString('utf8') : String(v),
    ]),
  );
}

/** 20 ms, 40 ms, … capped at 250 ms: quick to recover, gentle on a broker that is coming back. */
export const backoff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.min(250, 10 * 2 ** attempt)));
