import { isDeepStrictEqual, inspect } from 'node:util';
import { contractOf } from '../contracts/define-event.js';
import { eventRegistry, type EventRegistry } from '../contracts/registry.js';
import type { EventType, WireMessage } from '../contracts/types.js';
import { failure, InvalidArgumentError } from '../errors.js';
import { check } from '../explore/explorer.js';
import { publishAll, PublishedSet } from '../explore/history.js';
import type { ExploreReport, Guarantees, Invariant, Scenario, ScenarioContext } from '../explore/types.js';
import type { FaultKind, FaultSpec } from '../sim/faults.js';
import { createSimulation } from '../sim/world.js';
import { kafkaTransport } from './transports/kafka.js';
import { rabbitMqTransport } from './transports/rabbitmq.js';
import { sqsTransport } from './transports/sqs.js';
import type { BrokerName, TransportFactory } from './transport.js';
import type { BrokerCapabilities } from '../sim/capabilities.js';
import { kafkaCapabilities } from '../sim/kafka/kafka.js';
import { rabbitMqCapabilities } from '../sim/rabbitmq/rabbitmq.js';
import { sqsCapabilities } from '../sim/sqs/sqs.js';

/** What each model promises, so a check runs where its promise can hold. */
const capabilities: Record<BrokerName, BrokerCapabilities> = {
  kafka: kafkaCapabilities,
  rabbitmq: rabbitMqCapabilities,
  sqs: sqsCapabilities('standard'),
  'sqs-fifo': sqsCapabilities('fifo'),
};

/** A consumer under test: a function, or an object with `handle(event)`. */
export type HandlerLike = ((event: never) => unknown) | { handle(event: never): unknown };

/** Options every critical-scenario check takes. */
export interface ScenarioCheckOptions<H extends HandlerLike> {
  /** Makes a fresh handler for each schedule (state must not leak between runs). */
  readonly handler: () => H;
  /** Payloads made by contracts' `create` (or decoded); raw bytes or strings are poison. */
  readonly events: readonly unknown[];
  /** The handler's observable state, compared with the state of a clean in-order run. */
  readonly observe?: (handler: H) => unknown;
  /** Broker models to run on. Default: every model that promises what the check needs. */
  readonly broker?: BrokerName | readonly BrokerName[];
  /** Schedules per broker. Default 200. */
  readonly runs?: number;
  readonly seed?: number;
  /** Handler failures before a message is dead-lettered. Default 5. */
  readonly maxAttempts?: number;
  /** Extra contracts the consumer knows (besides those of `events`). */
  readonly contracts?: readonly EventType[];
  /**
   * The state the system must end in, when you know it. Default: the state of a clean run (each
   * event once, in order) — state it explicitly when the handler's own logic is what you doubt.
   */
  readonly expected?: unknown;
  /**
   * Messages the consumer handles at once (RabbitMQ prefetch, SQS batch size, Kafka partitions in
   * parallel). Default 1; raise it to find check-then-act races between copies of a message.
   */
  readonly concurrency?: number;
  /** Valid-looking events the handler must refuse (business poison); they must be dead-lettered. */
  readonly poison?: (event: unknown) => boolean;
}

export const transports: Record<BrokerName, TransportFactory> = {
  kafka: kafkaTransport,
  rabbitmq: rabbitMqTransport,
  sqs: sqsTransport(false),
  'sqs-fifo': sqsTransport(true),
};

const SCENARIO_ID = 'x-eventproof-scenario-id';

export interface HandlerState<H> {
  readonly handler: H;
  readonly deadLettered: { id: string; reason: string }[];
  /** The order messages were published in, by scenario id. */
  readonly published: string[];
  /** Every hand-over to the handler, in order, duplicates included. */
  readonly handed: string[];
  /** Broker faults that fired, as the trace describes them (empty while exploring without a trace). */
  readonly faults: () => string[];
}

export interface HandlerScenarioSpec<H extends HandlerLike> {
  readonly name: string;
  readonly options: ScenarioCheckOptions<H>;
  readonly faults: readonly (FaultKind | FaultSpec)[];
  readonly guarantees: Guarantees;
  readonly eventually?: Record<string, Invariant<HandlerState<H>>>;
  /** Let the simulation choose the publish order (producers racing) instead of the given order. */
  readonly shufflePublish?: boolean;
  /** What a broker must promise for this check to apply; models that do not are skipped by default. */
  readonly requires?: (capabilities: BrokerCapabilities) => boolean;
  /** The requirement in words, for errors. */
  readonly requirement?: string;
}

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') &&
  value !== null &&
  typeof (value as PromiseLike<unknown>).then === 'function';

export function invoke(handler: HandlerLike, event: unknown): unknown {
  const target = handler as unknown as ((e: unknown) => unknown) | { handle(e: unknown): unknown };
  return typeof target === 'function' ? target(event) : target.handle(event);
}

/**
 * The state a clean run produces: each valid event once, in the given order, no broker, every
 * failure retried (up to `maxAttempts`) and all of the handler's background work (virtual timers)
 * finished before the next event — the state the system promises to end in.
 */
export async function referenceState<H extends HandlerLike>(
  options: ScenarioCheckOptions<H>,
): Promise<unknown> {
  if ('expected' in options) return options.expected;
  const handler = options.handler();
  const valid = options.events.filter((event) => !isRaw(event) && !options.poison?.(event));
  await applyInOrder(handler, valid, options.maxAttempts ?? 5);
  return options.observe?.(handler);
}

/** Applies events one at a time inside a simulation, letting background work finish between them. */
export async function applyInOrder(
  handler: HandlerLike,
  events: readonly unknown[],
  maxAttempts: number,
): Promise<void> {
  const sim = createSimulation({ seed: 0 });
  for (const event of events) {
    sim.schedule(0, 'reference', () =>
      sim.track(
        (async () => {
          for (let attempt = 1; ; attempt++) {
            try {
              await invoke(handler, event);
              return;
            } catch (error) {
              if (attempt >= maxAttempts) throw error;
            }
          }
        })(),
        'reference',
      ),
    );
    await sim.runUntilIdle();
  }
}

const isRaw = (event: unknown): event is Uint8Array | string =>
  event instanceof Uint8Array || typeof event === 'string';

export function encodeAll(
  events: readonly unknown[],
  isPoison: (event: unknown) => boolean = () => false,
): { wires: WireMessage[]; contracts: EventType[] } {
  const contracts = new Set<EventType>();
  const wires = events.map((event, i) => {
    if (isRaw(event))
      return {
        value: typeof event === 'string' ? Buffer.from(event) : event,
        headers: { [SCENARIO_ID]: `poison${i + 1}` },
      };
    const contract = contractOf(event);
    if (!contract) {
      throw new InvalidArgumentError(
        failure(
          'build the scenario',
          `event #${i + 1} (${inspect(event, { depth: 1 })}) was not made by a contract`,
          'Create events with their contract: OrderCreated.create({ … })',
        ),
      );
    }
    contracts.add(contract);
    const wire = contract.encode(event);
    const id = `${isPoison(event) ? 'poison:' : ''}${contract.name}#${i + 1}`;
    return { ...wire, headers: { ...wire.headers, [SCENARIO_ID]: id } };
  });
  return { wires, contracts: [...contracts] };
}

/**
 * One schedule's consumer: hands each delivery to the handler and tells the explorer what happened.
 * A class with bound methods, not closures: one is made per schedule.
 */
class HandlerRun<H extends HandlerLike> {
  readonly state: HandlerState<H>;

  constructor(
    private readonly ctx: ScenarioContext,
    private readonly registry: EventRegistry,
    handler: H,
  ) {
    this.state = {
      handler,
      deadLettered: [],
      published: [],
      handed: [],
      faults: this.faults.bind(this),
    };
  }

  private faults(): string[] {
    return this.ctx.sim.trace.events
      .filter((e) => e.kind === 'fault')
      .map((e) => `${e.detail ?? e.kind} at ${e.time}ms`);
  }

  /**
   * Hands one message to the handler. Synchronous when the handler is: it returns a promise only when
   * the handler did, so a broker model settles a synchronous handler within the same step instead of
   * waiting on promise turns. A decode failure throws.
   */
  handle(wire: WireMessage): Promise<void> | undefined {
    const id = wire.headers[SCENARIO_ID] ?? '?';
    const { payload } = this.registry.decode(wire);
    this.state.handed.push(id);
    this.ctx.delivered(id);
    const result = invoke(this.state.handler, payload);
    if (isPromiseLike(result)) return Promise.resolve(result).then(() => this.ctx.applied(id));
    this.ctx.applied(id);
    return undefined;
  }

  onDeadLetter(wire: WireMessage, reason: string): void {
    const id = wire.headers[SCENARIO_ID] ?? '?';
    this.state.deadLettered.push({ id, reason });
    this.ctx.deadLettered(id, reason);
  }
}

/** Builds the explorer scenario: publish the events through a broker model, consume with the handler. */
export function handlerScenario<H extends HandlerLike>(
  spec: HandlerScenarioSpec<H>,
  broker: BrokerName,
): Scenario<HandlerState<H>> {
  const factory = transports[broker];
  const { wires, contracts } = encodeAll(spec.options.events, spec.options.poison);
  const registry = eventRegistry([...contracts, ...(spec.options.contracts ?? [])]);
  // What every schedule publishes is the same: the ids and per-key sequence numbers are worked out once.
  const perKey = new Map<string, number>();
  const ids = wires.map((wire) => wire.headers[SCENARIO_ID]!);
  const published = wires.map((wire, i) => {
    const seq = (perKey.get(wire.key ?? '') ?? 0) + 1;
    perKey.set(wire.key ?? '', seq);
    return { id: ids[i]!, meta: { key: wire.key, seq, poison: ids[i]!.startsWith('poison') } };
  });
  const publishedSet = new PublishedSet(published);
  const maxAttempts = spec.options.maxAttempts ?? 5;
  const concurrency = spec.options.concurrency ?? 1;
  return {
    name: `${spec.name} on ${broker}`,
    // A broker that does not promise per-key order cannot be blamed on the handler for breaking it.
    // A frozen copy: the explorer then fills in the defaults once, not per schedule.
    guarantees: Object.freeze(
      capabilities[broker].perKeyOrder
        ? { ...spec.guarantees }
        : { ...spec.guarantees, order: 'none' as const },
    ),
    eventually: spec.eventually,
    // Handler scenarios are a few messages: a world still busy after this many steps never quiesces.
    maxSteps: 20_000,
    maxVirtualMs: 10 * 60_000,
    async setup(ctx) {
      const transport = await factory(ctx.sim);
      const run = new HandlerRun<H>(ctx, registry, spec.options.handler());
      publishAll(ctx, publishedSet);
      await transport.consume(run.handle.bind(run), {
        maxAttempts,
        concurrency,
        onDeadLetter: run.onDeadLetter.bind(run),
      });
      const state = run.state;
      let order = wires;
      if (spec.shufflePublish) {
        const pool = [...wires];
        order = [];
        while (pool.length > 0)
          order.push(pool.splice(ctx.sim.decisions.choose('publish-order', pool.length), 1)[0]!);
        for (const wire of order) state.published.push(wire.headers[SCENARIO_ID] ?? '?');
      } else state.published.push(...ids);
      ctx.sim.schedule(0, 'publish', () => ctx.sim.track(transport.publish(order), 'producer'));
      return state;
    },
  };
}

/** Runs a handler scenario on every requested broker model; throws the report on the first failure. */
export async function checkOnBrokers<H extends HandlerLike>(
  spec: HandlerScenarioSpec<H>,
): Promise<ExploreReport[]> {
  const all = Object.keys(capabilities) as BrokerName[];
  const suits = (broker: BrokerName) => spec.requires?.(capabilities[broker]) ?? true;
  const asked =
    spec.options.broker === undefined
      ? undefined
      : typeof spec.options.broker === 'string'
        ? [spec.options.broker]
        : spec.options.broker;
  for (const broker of asked ?? []) {
    if (!(broker in capabilities)) {
      throw new InvalidArgumentError(
        failure(
          `run "${spec.name}"`,
          `unknown broker model '${String(broker)}'`,
          `Use one of: ${all.join(', ')}`,
        ),
      );
    }
    if (!suits(broker)) {
      throw new InvalidArgumentError(
        failure(
          `run "${spec.name}" on ${broker}`,
          `${broker} does not promise what this check needs (${spec.requirement ?? 'a capability'})`,
          `Use one of: ${all.filter(suits).join(', ')}`,
        ),
      );
    }
  }
  // By default every model that promises what the check needs: the handler must cope with each.
  const brokers = asked ?? all.filter(suits);
  const reports: ExploreReport[] = [];
  for (const broker of brokers) {
    reports.push(
      await check(handlerScenario(spec, broker), {
        runs: spec.options.runs ?? 200,
        seed: spec.options.seed,
        faults: spec.faults,
      }),
    );
  }
  return reports;
}

/** An invariant: the handler's observed state equals the clean run's. */
export function matchesReference<H extends HandlerLike>(
  options: ScenarioCheckOptions<H>,
  reference: unknown,
  what: string,
): Invariant<HandlerState<H>> {
  return (state) => {
    if (!options.observe) return true;
    const actual = options.observe(state.handler);
    if (isDeepStrictEqual(actual, reference)) return true;
    const show = (value: unknown) => inspect(value, { depth: 4, breakLength: Infinity });
    return `${what}: observed ${show(actual)}, but a clean in-order run gives ${show(reference)}. ${explainDeliveries(state)}`;
  };
}

/**
 * Says how this run's deliveries differed from the clean run: duplicates, reordering against
 * publish order, and the broker faults behind them.
 */
export function explainDeliveries(state: HandlerState<unknown>): string {
  const seen = new Set<string>();
  const handed = state.handed.map((id) => {
    const again = seen.has(id);
    seen.add(id);
    return again ? `${id} (again)` : id;
  });
  const firsts = state.handed.filter((id, i) => state.handed.indexOf(id) === i);
  const published = state.published.filter((id) => firsts.includes(id));
  const reordered = firsts.some((id, i) => id !== published[i]);
  const duplicated = handed.length > firsts.length;
  const what = [duplicated ? 'duplicates' : '', reordered ? 'a different order than published' : '']
    .filter(Boolean)
    .join(' and ');
  const faults = state.faults();
  return (
    `The handler was handed ${handed.join(', ') || 'nothing'}${what ? ` — ${what}` : ''}` +
    (reordered ? ` (published: ${state.published.join(', ')})` : '') +
    (faults.length > 0 ? `, because of: ${faults.slice(0, 3).join('; ')}` : '') +
    '.'
  );
}
