/**
 * Event names are written many ways: `OrderCreated`, `order.created`, `ORDER_CREATED`,
 * `OrderCreatedEvent`, `orderCreatedSchema`. They all meet at one key.
 */
const SUFFIXES = new Set(['event', 'schema', 'payload', 'message', 'dto', 'contract', 'type']);

const keys = new Map<string, string>();

/** The order of names in the report: `localeCompare` with the default locale (V8 has a fast path for it). */
export const compareText = (a: string, b: string): number => a.localeCompare(b);

/**
 * Each distinct string's place in `compareText` order (strings that compare equal share it): a sort
 * of many items over few distinct strings compares numbers, in exactly the same order.
 */
export function textRanks(strings: Iterable<string>): Map<string, number> {
  const distinct = [...new Set(strings)].sort(compareText);
  const ranks = new Map<string, number>();
  let rank = 0;
  for (let i = 0; i < distinct.length; i++) {
    if (i > 0 && compareText(distinct[i - 1]!, distinct[i]!) !== 0) rank++;
    ranks.set(distinct[i]!, rank);
  }
  return ranks;
}

export function eventKey(name: string): string {
  let key = keys.get(name);
  if (key === undefined) {
    key = computeKey(name);
    // Identifiers repeat across files; the cache is bounded so a huge repository cannot grow it forever.
    if (keys.size > 200_000) keys.clear();
    keys.set(name, key);
  }
  return key;
}

function computeKey(name: string): string {
  const w = words(name);
  // `OrderCreatedEvent` and `orderCreatedSchema` are `OrderCreated`; `ShopEvent` stays itself, or it would be `shop`.
  while (w.length > 2 && (SUFFIXES.has(w[w.length - 1]!) || /^v\d+$/.test(w[w.length - 1]!))) w.pop();
  return w.join('');
}

/**
 * Splits `OrderCreatedEvent` / `order_created` / `HTTPServerError` into lower-case words: `order
 * created event`, `http server error`. A word ends at anything but an ASCII letter or digit, before
 * an upper-case letter that follows a lower-case letter or digit, and before the last upper-case
 * letter of a run that goes on in lower case. One pass over the characters (this runs for every
 * declaration in large repositories).
 */
export function words(name: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const upper = c >= 65 && c <= 90;
    if (!upper && !(c >= 97 && c <= 122) && !(c >= 48 && c <= 57)) {
      if (start >= 0) out.push(name.slice(start, i).toLowerCase());
      start = -1;
    } else if (start < 0) start = i;
    else if (upper) {
      const prev = name.charCodeAt(i - 1);
      const next = i + 1 < name.length ? name.charCodeAt(i + 1) : 0;
      if (
        (prev >= 97 && prev <= 122) ||
        (prev >= 48 && prev <= 57) ||
        (prev >= 65 && prev <= 90 && next >= 97 && next <= 122)
      ) {
        out.push(name.slice(start, i).toLowerCase());
        start = i;
      }
    }
  }
  if (start >= 0) out.push(name.slice(start).toLowerCase());
  return out;
}

/** Past participles that do not end in -ed but name events (`PaymentSent`, `InvoicePaid`). */
const IRREGULAR = new Set([
  'sent',
  'paid',
  'sold',
  'lost',
  'won',
  'held',
  'bought',
  'begun',
  'written',
  'made',
  'built',
  'given',
  'taken',
  'shown',
  'done',
  'set',
  'put',
  'hit',
  'split',
  'quit',
  'overdue',
]);

/** Words ending in -ed that are not past tenses of something that happened. */
const NOT_EVENTS = new Set([
  'seed',
  'need',
  'feed',
  'speed',
  'embed',
  'bed',
  'shed',
  'red',
  'bred',
  'breed',
  'weed',
  'deed',
  'heed',
  'reed',
  'required',
  'shared',
  'nested',
  'limited',
  'extended',
  'detailed',
  'typed',
  'mixed',
  'based',
  'related',
  'supported',
  'deprecated',
  'unsupported',
  'unknown',
  'allowed',
  'expected',
  'computed',
  'derived',
  'parsed',
  'normalized',
  'normalised',
  'serialized',
  'serialised',
  'cached',
  'memoized',
  'wrapped',
  'tagged',
  'branded',
  'keyed',
  'indexed',
  'ordered',
  'sorted',
  'grouped',
  'paged',
  'paginated',
  'scoped',
  'mapped',
  'managed',
  'guarded',
  'augmented',
  'localized',
  'formatted',
  'encoded',
  'decoded',
  'compressed',
  'encrypted',
  'trimmed',
  'prefixed',
  'suffixed',
  'embedded',
  'inferred',
  'flattened',
  'mocked',
  'stubbed',
  'faked',
  'proxied',
  'bound',
  'readonly',
  'protected',
]);

/** Base classes and DOM events whose names end in `Event` without naming a domain event. */
const GENERIC_EVENT_NAMES = new Set([
  'event',
  'baseevent',
  'abstractevent',
  'domainevent',
  'integrationevent',
  'cloudevent',
  'customevent',
  'appevent',
  'applicationevent',
  'genericevent',
  'anyevent',
  'rawevent',
  'keyboardevent',
  'mouseevent',
  'pointerevent',
  'touchevent',
  'focusevent',
  'inputevent',
  'changeevent',
  'uievent',
  'dragevent',
  'wheelevent',
  'progressevent',
  'messageevent',
  'errorevent',
  'storageevent',
  'hashchangeevent',
  'popstateevent',
  'animationevent',
  'transitionevent',
  'clipboardevent',
  'compositionevent',
  'submitevent',
  'formevent',
  'toggleevent',
  'closeevent',
  'syntheticevent',
  'reactevent',
  'eventemitterevent',
  'systemevent',
  'outboxevent',
  'storedevent',
  'serializedevent',
  'eventenvelope',
]);

/** True when a type or schema name reads like a domain event: `OrderCreated`, `PaymentReceivedEvent`. */
export function marksEvent(name: string): boolean {
  const w = words(name);
  if (w.length < 2) return false;
  const lower = name.toLowerCase();
  if (
    GENERIC_EVENT_NAMES.has(lower) ||
    lower.startsWith('base') ||
    lower.startsWith('abstract') ||
    /^use[A-Z]/.test(name)
  )
    return false;
  let last = w[w.length - 1]!;
  if (last === 'event' || last === 'schema' || last === 'payload' || last === 'dto' || last === 'message') {
    if (last === 'event') return w.length >= 2 && !GENERIC_EVENT_NAMES.has(w.slice(-2).join(''));
    if (w.length < 3) return false;
    last = w[w.length - 2]!;
  }
  if (NOT_EVENTS.has(last)) return false;
  if (IRREGULAR.has(last)) return true;
  return last.length >= 5 && last.endsWith('ed') && !last.endsWith('eed');
}

/** The display name of an event found by its identifier: `OrderCreatedSchema` → `OrderCreated`. */
export function eventDisplayName(identifier: string): string {
  const stripped = identifier.replace(/(Schema|Payload|Dto|DTO|Contract)$/, '');
  const name = stripped.length >= 3 ? stripped : identifier;
  return name.charAt(0).toUpperCase() + name.slice(1);
}
