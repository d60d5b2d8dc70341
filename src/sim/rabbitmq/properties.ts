import type { AmqpProperties, AmqpPublishOptions } from './types.js';

/**
 * What the broker stores of a message's properties: only what the publisher set, or undefined
 * when nothing was. Stored messages outlive many garbage collections, so they stay small; each
 * delivery gets a complete, fresh properties object (see {@link materialise}), as amqplib decodes
 * one per delivery — a handler that edits its headers cannot change another delivery's.
 */
export type StoredProperties = Partial<AmqpProperties> | undefined;

const NO_HEADERS: Readonly<Record<string, unknown>> = Object.freeze({});

/** Normalises amqplib's publish options into stored properties (amqplib encodes them at publish time). */
export function storeProperties(o: AmqpPublishOptions | undefined): StoredProperties {
  if (o === undefined) return undefined;
  const deliveryMode = o.persistent
    ? 2
    : typeof o.deliveryMode === 'number'
      ? o.deliveryMode
      : o.deliveryMode
        ? 2
        : undefined;
  if (
    o.headers === undefined &&
    deliveryMode === undefined &&
    o.messageId === undefined &&
    o.type === undefined &&
    o.contentType === undefined &&
    o.contentEncoding === undefined &&
    o.correlationId === undefined &&
    o.replyTo === undefined &&
    o.expiration === undefined &&
    o.priority === undefined &&
    o.timestamp === undefined &&
    o.appId === undefined &&
    o.userId === undefined
  ) {
    return undefined;
  }
  return {
    contentType: o.contentType,
    contentEncoding: o.contentEncoding,
    headers: o.headers === undefined ? undefined : { ...o.headers },
    deliveryMode,
    priority: o.priority,
    correlationId: o.correlationId,
    replyTo: o.replyTo,
    expiration: o.expiration === undefined ? undefined : String(o.expiration),
    messageId: o.messageId,
    timestamp: o.timestamp,
    type: o.type,
    userId: o.userId,
    appId: o.appId,
  };
}

/** The headers to route on (headers exchanges), without copying. */
export const headersOf = (p: StoredProperties): Readonly<Record<string, unknown>> => p?.headers ?? NO_HEADERS;

/**
 * A complete properties object for one delivery, with its own headers object. One object literal
 * for every case (fields of absent properties read as undefined): a delivery loop that inlines this
 * has a single allocation site, which V8 can then remove when the message does not outlive its handler.
 */
export function materialise(p: StoredProperties, extraHeader?: string, extraValue?: unknown): AmqpProperties {
  const headers: Record<string, unknown> = { ...p?.headers };
  if (extraHeader !== undefined) headers[extraHeader] = extraValue;
  return {
    contentType: p?.contentType,
    contentEncoding: p?.contentEncoding,
    headers,
    deliveryMode: p?.deliveryMode,
    priority: p?.priority,
    correlationId: p?.correlationId,
    replyTo: p?.replyTo,
    expiration: p?.expiration,
    messageId: p?.messageId,
    timestamp: p?.timestamp,
    type: p?.type,
    userId: p?.userId,
    appId: p?.appId,
    clusterId: p?.clusterId,
  };
}
