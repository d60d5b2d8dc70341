import type { RecorderSink, RecordingView } from '../recording-publisher.js';

/** The `options` of amqplib `publish` / `sendToQueue` that matter to a recording. */
export interface AmqpPublishOptionsLike {
  readonly headers?: Record<string, unknown>;
  /** AMQP `type` property; when it names a known contract, the content is decoded with that contract. */
  readonly type?: string;
  readonly messageId?: string;
  readonly correlationId?: string;
  readonly contentType?: string;
  readonly persistent?: boolean;
  readonly [option: string]: unknown;
}

/**
 * An amqplib-shaped channel (also a ConfirmChannel) that records instead of publishing. `publish` and
 * `sendToQueue` return true as a channel with room in its buffer does.
 *
 * @example
 * ```ts
 * const channel = recordingPublisher({ events: [OrderCreated] }).amqp();
 * new RabbitOrderService(channel).createOrder(input);
 * expect(channel).toHavePublished(OrderCreated);
 * ```
 */
export interface AmqpChannelRecorder extends RecordingView {
  publish(
    exchange: string,
    routingKey: string,
    content: Uint8Array,
    options?: AmqpPublishOptionsLike,
    callback?: (error: unknown, ok?: unknown) => void,
  ): boolean;
  sendToQueue(
    queue: string,
    content: Uint8Array,
    options?: AmqpPublishOptionsLike,
    callback?: (error: unknown, ok?: unknown) => void,
  ): boolean;
  waitForConfirms(): Promise<void>;
  close(): Promise<void>;
}

/** @internal */
export function amqpRecorder(sink: RecorderSink): AmqpChannelRecorder {
  const record = (
    topic: string,
    routingKey: string | undefined,
    exchange: string,
    content: Uint8Array,
    options: AmqpPublishOptionsLike = {},
    callback?: (error: unknown, ok?: unknown) => void,
  ) => {
    const { headers, ...properties } = options;
    sink.capture({
      // The default exchange ('') routes by queue name, so the queue is the meaningful destination.
      topic,
      value: content,
      headers,
      key: routingKey,
      declaredType: options.type,
      properties: { exchange, ...properties },
    });
    // A ConfirmChannel acknowledges asynchronously; mirror that so callers awaiting it proceed.
    if (callback) queueMicrotask(() => callback(null));
    return true;
  };
  const view = sink.view;
  return {
    ...view,
    get published() {
      return view.published;
    },
    publish: (exchange, routingKey, content, options, callback) =>
      record(exchange === '' ? routingKey : exchange, routingKey, exchange, content, options, callback),
    sendToQueue: (queue, content, options, callback) =>
      record(queue, undefined, '', content, options, callback),
    waitForConfirms: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
