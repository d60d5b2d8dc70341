import type { AmqpProperties, AmqpPublishOptions } from './types.js';

/**
 * What the broker stores of a message's properties: only what the publisher set, or undefined
 * when nothing was. Stored messages outlive many garbage collections, so they stay small; each
 * delivery gets a complete, fresh properties object (see {@link materialise}), as amqplib decodes
 * one per delivery — a handler that edits its headers cannot change another delivery's.
 */
export type StoredProperties =
  (Partial<AmqpProperties> & { readonly copyHeaders?: HeadersCopier }) | undefined;

/** Makes a delivery's own headers object from the stored one: what `{ ...headers }` makes. */
export type HeadersCopier = (
  headers: Readonly<Record<string, unknown>> | undefined,
) => Record<string, unknown>;

const NO_HEADERS: Readonly<Record<string, unknown>> = Object.freeze({});
const noHeaders: HeadersCopier = () => ({});
const spreadHeaders: HeadersCopier = (headers) => ({ ...headers });
/** Copiers made so far, by their key list; a program uses a few key sets, so a few copiers. */
const copiers = new Map<string, HeadersCopier>();
const MAX_COPIERS = 256;
let canGenerate = true;

/**
 * The copier for headers with exactly these keys. A copy made with `{ ...headers }` is built by a
 * runtime call (CloneObjectIC) that always allocates and reads the stored headers; an object literal
 * with the same keys is one V8 can leave unallocated, and its reads undone, when the handler keeps
 * no reference to the headers (escape analysis). So each key set gets a function returning such a
 * literal, made once: `(h) => ({ "type": h["type"] })`. Keys are embedded as JSON string literals
 * (valid JavaScript for any string). Copies equal the spread's: same own keys in the same order,
 * same values, a plain object. Where a literal could differ or cannot be made, the spread is used:
 * `__proto__` (a literal would set the prototype), array-index keys (literals order them first, as
 * a spread does, but keep them apart), symbol keys (Object.keys omits them), many keys, many key
 * sets, and hosts that forbid code generation from strings.
 */
export function headersCopier(headers: Readonly<Record<string, unknown>>): HeadersCopier {
  if (hasLastKeys(headers) && Object.getOwnPropertySymbols(headers).length === 0) return lastCopier;
  const copier = findCopier(headers);
  if (copier !== noHeaders && copier !== spreadHeaders) {
    lastKeys = Object.keys(headers);
    lastCopier = copier;
  }
  return copier;
}

/** The keys of the last headers given a generated copier, and that copier: a program sends the same headers again and again. */
let lastKeys: readonly string[] = [];
let lastCopier: HeadersCopier = noHeaders;

/** Whether `headers` has exactly `lastKeys`, in order, checked without building an array. */
function hasLastKeys(headers: Readonly<Record<string, unknown>>): boolean {
  const keys = lastKeys;
  let i = 0;
  // for-in lists own keys in Object.keys order, then inherited enumerable ones (which do not match).
  for (const key in headers) if (i >= keys.length || key !== keys[i++]) return false;
  return i === keys.length && i > 0;
}

function findCopier(headers: Readonly<Record<string, unknown>>): HeadersCopier {
  const keys = Object.keys(headers);
  if (keys.length === 0) return noHeaders;
  if (!canGenerate || keys.length > 32 || Object.getOwnPropertySymbols(headers).length > 0)
    return spreadHeaders;
  for (const key of keys) if (key === '__proto__' || isArrayIndex(key)) return spreadHeaders;
  const id = JSON.stringify(keys);
  let copier = copiers.get(id);
  if (copier !== undefined) return copier;
  if (copiers.size >= MAX_COPIERS) return spreadHeaders;
  const body = keys.map((key) => `${JSON.stringify(key)}: h[${JSON.stringify(key)}]`).join(', ');
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the body is built from JSON string literals only (see above)
    copier = new Function('h', `return { ${body} };`) as HeadersCopier;
  } catch {
    canGenerate = false; // e.g. node --disallow-code-generation-from-strings
    return spreadHeaders;
  }
  copiers.set(id, copier);
  return copier;
}

const isArrayIndex = (key: string): boolean => /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 4294967295;

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
  const headers = o.headers === undefined ? undefined : { ...o.headers };
  return {
    // First, beside the object's map: a delivery reads both, and often nothing else of it.
    copyHeaders: headers === undefined ? noHeaders : headersCopier(headers),
    contentType: o.contentType,
    contentEncoding: o.contentEncoding,
    headers,
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
