import type { EventType } from '../contracts/types.js';
import { AssertionFailedError, DecodeError, TimeoutError, failure } from '../errors.js';
import { checkWhere } from '../harness/compare.js';
import { describeExpectation, describeRecord, show } from '../harness/format.js';
import { describeNearMisses, nearMisses, type NearMiss } from '../harness/near-misses.js';
import type { PublishedEvent, PublishedRecord, RecordedVia } from '../harness/types.js';
import type { Inbox } from './inbox.js';
import type {
  DestinationExpectation,
  ReceiveFilter,
  ReceiveMatch,
  ReceivedMessage,
  ReceiveNothingOptions,
  ReceiveOptions,
} from './probe.js';

/** What an expectation needs from its probe. @internal */
export interface Observation {
  readonly broker: 'kafka' | 'rabbitmq' | 'sqs';
  readonly inbox: Inbox;
  /** Starts reading the destination (idempotent). */
  start(): Promise<void>;
  /** Called when an assertion stops waiting, so pull-based probes can stop polling. */
  release?(): void;
  /**
   * Resolves once the probe has read everything the broker holds for the destination, or with why
   * it could not tell (a probe that cannot know resolves with nothing at its deadline).
   */
  caughtUp(timeoutMs: number): Promise<string | undefined>;
  /** Why the destination cannot be read any more (deleted while observed), if it cannot. */
  gone?(): string | undefined;
}

const ANY = '(message)';
const anyType = { name: ANY } as EventType;

interface Matcher {
  readonly type: EventType;
  readonly where: unknown;
  readonly label: string;
  matches(message: ReceivedMessage): boolean;
  record(message: ReceivedMessage): PublishedRecord;
  /** Why a message of the right type and payload still does not count (key, headers). */
  extraMiss(message: ReceivedMessage): string | undefined;
}

/** @internal */
export function destinationExpectation(observation: Observation): DestinationExpectation {
  const { inbox } = observation;
  const held = async <T>(body: () => Promise<T>): Promise<T> => {
    try {
      return await body();
    } finally {
      observation.release?.();
      inbox.reportedUntil = Date.now();
    }
  };
  return {
    received: () => inbox.all(),
    toReceive: <Payload>(match: ReceiveMatch<Payload>, options: ReceiveOptions = {}) =>
      held(() => receive<Payload>(observation, match, options)),
    toReceiveNothing: (options: ReceiveNothingOptions = {}) =>
      held(() => receiveNothing(observation, options)),
  };
}

async function receive<Payload>(
  observation: Observation,
  match: ReceiveMatch<Payload>,
  options: ReceiveOptions,
) {
  const { inbox } = observation;
  const timeoutMs = options.timeoutMs ?? 5000;
  const count = options.count ?? 1;
  const deadline = Date.now() + timeoutMs;
  const matcher = matcherOf(match as ReceiveMatch, observation.broker);
  await observation.start();
  const scan = scanner(inbox, (m) => matcher.matches(m));
  for (;;) {
    const found = await waitUntil(inbox, deadline, () => {
      const hits = scan(count);
      return hits.length >= count ? hits : undefined;
    });
    if (found === undefined) throw timeout(observation, matcher, count, timeoutMs, inbox.reportedUntil);
    if (!options.atLeast) {
      await observation.caughtUp(Math.max(deadline - Date.now(), 1000));
      const all = scan();
      if (all.length > count) {
        throw new AssertionFailedError(
          `${failure(
            `receive exactly ${count} × ${matcher.label} on ${JSON.stringify(inbox.destination)}`,
            `${all.length} arrived`,
            'Look for a duplicate publish or a redelivery, or pass { atLeast: true } if extras are fine',
          )}\n${all.map((m) => `  ${describeRecord(matcher.record(m))}`).join('\n')}`,
          all.length,
          count,
        );
      }
    }
    // Taken from a scan after the wait for caughtUp: a concurrent assertion may have claimed some of
    // `found` meanwhile, and a message is handed to one assertion only. Too few left: wait again.
    const taken = scan().slice(0, count);
    if (taken.length < count) continue;
    for (const message of taken) inbox.claimed.add(message);
    return taken as ReceivedMessage<Payload>[];
  }
}

async function receiveNothing(observation: Observation, options: ReceiveNothingOptions): Promise<void> {
  const { inbox } = observation;
  const withinMs = options.withinMs ?? 500;
  const matcher = options.match === undefined ? undefined : matcherOf(options.match, observation.broker);
  const counts = (m: ReceivedMessage) => matcher === undefined || matcher.matches(m);
  await observation.start();
  const scan = scanner(inbox, counts);
  const arrived = await waitUntil(inbox, Date.now() + withinMs, () => {
    const hits = scan();
    return hits.length > 0 ? hits : undefined;
  });
  // The window is over; whatever the broker already holds also arrived "within" it.
  let hits = arrived;
  let unread: string | undefined;
  if (hits === undefined) {
    unread = await observation.caughtUp(2000);
    hits = scan();
  }
  const gone = hits.length === 0 ? (observation.gone?.() ?? unread) : undefined;
  if (gone !== undefined)
    throw new AssertionFailedError(
      failure(
        `receive nothing on ${JSON.stringify(inbox.destination)} within ${withinMs} ms`,
        `the probe could not tell: ${gone}`,
        'While the probe could not read, nothing could arrive, so this proves nothing: check the queue still exists and the connection is up',
      ),
    );
  if (hits.length === 0) return;
  const shown = hits.map(
    (m) =>
      `  ${describeRecord((matcher ?? matcherOf(anyType, observation.broker)).record(m))}: ${show(m.payload)}`,
  );
  throw new AssertionFailedError(
    `${failure(
      `receive nothing${matcher ? ` matching ${matcher.label}` : ''} on ${JSON.stringify(inbox.destination)} within ${withinMs} ms`,
      `${hits.length} arrived`,
      'The code under test published when it should not have',
    )}\n${shown.join('\n')}`,
    hits.length,
    0,
  );
}

/**
 * The unclaimed messages that pass `test`, checking each arrival once: re-checking everything on
 * every arrival would make waiting for N messages cost N². Given `enough`, it tests nothing while
 * the hits and the untested arrivals together are fewer: they cannot be enough yet, and testing a
 * message (decoding it through a contract) as it arrives lengthens the broker client's callback that
 * delivered it, which also carries the code under test's traffic. Waiting for 1,000 messages thus
 * tests them together when the 1,000th arrives.
 */
function scanner(
  inbox: Inbox,
  test: (message: ReceivedMessage) => boolean,
): (enough?: number) => ReceivedMessage[] {
  let seen = 0;
  let hits: ReceivedMessage[] = [];
  // Another assertion may claim some of the hits meanwhile; claims only grow, so a size check suffices.
  let claims = inbox.claimed.size;
  return (enough = 0) => {
    if (hits.length + inbox.size - seen < enough) return hits;
    const all = inbox.all();
    for (; seen < all.length; seen++) {
      const message = all[seen];
      if (message !== undefined && !inbox.claimed.has(message) && test(message)) hits.push(message);
    }
    if (inbox.claimed.size !== claims) {
      claims = inbox.claimed.size;
      hits = hits.filter((m) => !inbox.claimed.has(m));
    }
    return hits;
  };
}

/**
 * Resolves with `check()`'s first defined answer, re-checking on every arrival, or undefined at the
 * deadline. A `check` that throws (a predicate, a `where` or a decode failing on some message) rejects
 * the wait and stops it: the throw must not escape into the broker client's callback that delivered
 * the message (amqplib would close its channel) or into the timer (an uncaught exception).
 */
function waitUntil<T>(inbox: Inbox, deadline: number, check: () => T | undefined): Promise<T | undefined> {
  let first: T | undefined;
  try {
    first = check();
  } catch (error) {
    return Promise.reject(asError(error));
  }
  if (first !== undefined) return Promise.resolve(first);
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (answer: () => T | undefined, atDeadline: boolean) => {
      if (done) return;
      let value: T | undefined;
      try {
        value = answer();
      } catch (error) {
        done = true;
        clearTimeout(timer);
        stop();
        reject(asError(error));
        return;
      }
      if (value === undefined && !atDeadline) return;
      done = true;
      clearTimeout(timer);
      stop();
      resolve(value);
    };
    const timer = setTimeout(() => finish(check, true), Math.max(0, deadline - Date.now()));
    const stop = inbox.onChange(() => finish(check, false));
  });
}

const asError = (thrown: unknown): Error => (thrown instanceof Error ? thrown : new Error(String(thrown)));

function timeout(
  observation: Observation,
  matcher: Matcher,
  count: number,
  timeoutMs: number,
  since: number,
): TimeoutError {
  const { inbox } = observation;
  const unclaimed = inbox.unclaimed();
  const got = unclaimed.filter((m) => matcher.matches(m)).length;
  const keyMisses = unclaimed
    .map((m) => ({ m, why: matcher.extraMiss(m) }))
    .filter((x): x is { m: ReceivedMessage; why: string } => x.why !== undefined);
  const keyMissSet = new Set(keyMisses.map((x) => x.m));
  const records = unclaimed
    .filter((m) => !matcher.matches(m) && !keyMissSet.has(m))
    .map((m) => matcher.record(m));
  const misses: NearMiss[] = nearMisses(records, matcher.type, matcher.where);
  const lines = [
    ...keyMisses.map(({ m, why }) => `  ${describeRecord(matcher.record(m))}: ${why}`),
    ...describeNearMisses(misses).slice(misses.length > 0 ? 1 : 0),
  ];
  const header =
    lines.length > 0 && unclaimed.length > 0
      ? 'Received instead, nearest first:'
      : 'Nothing else was received.';
  // Only what went wrong since the last assertion here ended: earlier trouble was its to report.
  const recent = inbox.problems.filter((p) => p.at > since);
  const problems =
    recent.length > 0
      ? `\nWhile waiting, the probe saw:\n${recent.map((p) => `  ${p.text}`).join('\n')}`
      : '';
  const body = unclaimed.length > 0 ? [header, ...lines.filter((l) => l.startsWith('  '))] : [header];
  const message = `${failure(
    `receive ${count === 1 ? '' : `${count} × `}${matcher.label} on ${JSON.stringify(inbox.destination)} (${observation.broker})`,
    `${got} of ${count} arrived within ${timeoutMs} ms`,
    'Check the code under test publishes to this destination and that the match is right',
  )}\n${body.join('\n')}${problems}`;
  return new TimeoutError(message, timeoutMs, [...keyMisses.map((x) => matcher.record(x.m)), ...misses]);
}

const isEventType = (value: unknown): value is EventType =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as EventType).decode === 'function' &&
  typeof (value as EventType).name === 'string';

function matcherOf(match: ReceiveMatch, broker: Observation['broker']): Matcher {
  const via: RecordedVia = broker === 'rabbitmq' ? 'amqp' : broker;
  if (typeof match === 'function' && !isEventType(match)) {
    const predicate = match;
    return {
      type: anyType,
      where: () => false,
      label: `a message matching the predicate${predicate.name ? ` ${predicate.name}()` : ''}`,
      matches: (m) => Boolean(predicate(m)),
      record: (m) => toRecord(m, undefined, via),
      extraMiss: () => undefined,
    };
  }
  const filter: ReceiveFilter = isEventType(match) ? { event: match } : match;
  const type = filter.event ?? anyType;
  // Only the records of messages that did not count are kept, for the near-miss report of a
  // timeout: a record kept for every arrival outlives the young generation, and the collector then
  // copies and promotes each one. A Map, not a WeakMap: it lives only as long as this matcher, and a
  // WeakMap entry per arrival costs the garbage collector far more than a plain one.
  const misses = new Map<ReceivedMessage, PublishedRecord>();
  const record = (m: ReceivedMessage) => misses.get(m) ?? toRecord(m, filter.event, via);
  const keyOrHeaderMiss = (m: ReceivedMessage): string | undefined => {
    if (filter.key === undefined && filter.headers === undefined) return undefined;
    const why: string[] = [];
    if (filter.key !== undefined && m.key !== filter.key)
      why.push(`key: expected ${show(filter.key)}, received ${show(m.key)}`);
    for (const [name, value] of Object.entries(filter.headers ?? {}))
      if (m.headers[name.toLowerCase()] !== value && m.headers[name] !== value)
        why.push(
          `header ${name}: expected ${show(value)}, received ${show(m.headers[name.toLowerCase()] ?? m.headers[name])}`,
        );
    return why.length > 0 ? why.join('; ') : undefined;
  };
  const isTypeAndPayload = (r: PublishedRecord) =>
    r.kind === 'event' &&
    r.event === type.name &&
    (filter.where === undefined || checkWhere(filter.where, r).matched);
  const typeAndPayload = (m: ReceivedMessage) => isTypeAndPayload(record(m));
  const parts = [
    filter.key === undefined ? '' : ` with key ${show(filter.key)}`,
    filter.headers ? ` with headers ${show(filter.headers)}` : '',
  ];
  const base =
    filter.event === undefined
      ? filter.where === undefined
        ? 'a message'
        : `a message matching ${typeof filter.where === 'function' ? 'the predicate' : show(filter.where)}`
      : describeExpectation(type, filter.where);
  return {
    type,
    where: filter.where,
    label: `${base}${parts.join('')}`,
    matches: (m) => {
      const r = record(m);
      if (isTypeAndPayload(r) && keyOrHeaderMiss(m) === undefined) return true;
      misses.set(m, r);
      return false;
    },
    record,
    extraMiss: (m) => (typeAndPayload(m) ? keyOrHeaderMiss(m) : undefined),
  };
}

/** The harness's record shape, so its near-miss ranking and wording apply to broker messages. */
function toRecord(m: ReceivedMessage, type: EventType | undefined, via: RecordedVia): PublishedRecord {
  if (type === undefined) return eventRecord(m, via, ANY, m.payload);
  try {
    return eventRecord(m, via, type.name, type.decode(m.value, m.headers));
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    if (m.eventType !== undefined && m.eventType !== type.name)
      return eventRecord(m, via, m.eventType, m.payload);
    return {
      ...eventRecord(m, via, '', undefined),
      kind: 'poison',
      event: undefined,
      payload: undefined,
      raw: m.value,
      error,
    };
  }
}

/** One literal, not a spread of a shared base object: this runs for every arrival. */
function eventRecord(m: ReceivedMessage, via: RecordedVia, event: string, payload: unknown): PublishedEvent {
  return {
    topic: m.destination,
    key: m.key,
    headers: m.headers,
    sequence: m.sequence,
    at: m.at,
    via,
    properties: m.properties,
    kind: 'event',
    event,
    payload,
  };
}
