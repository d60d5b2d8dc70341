import { failure, InvalidArgumentError } from '../errors.js';
import type { DecisionLog } from './decisions.js';

/**
 * Faults are named by their effect. Each is seeded (a recorded decision), scoped (a broker and
 * optionally a topic or queue) and fires with a probability.
 */
export type FaultKind =
  /** The broker delivers a message a second time. */
  | 'duplicate'
  /** The consumer crashes after the handler ran but before its ack/commit: the message comes back. */
  | 'crash-before-ack'
  /** Deliveries reorder — only where the broker allows it (never within a Kafka partition or an SQS FIFO group). */
  | 'reorder'
  /** A delivery is held back by `delayMs` of virtual time. */
  | 'delay'
  /** The broker is down between `fromMs` and `untilMs`: publishes fail or end unknown, consumers stall. */
  | 'unavailable';

export interface FaultSpec {
  readonly kind: FaultKind;
  /** Chance per opportunity, 0..1. Default 1 for `unavailable`, 0.1 otherwise. */
  readonly probability?: number;
  /** Limit to one broker model: 'kafka', 'rabbitmq', 'sqs'. */
  readonly broker?: string;
  /** Limit to one topic, queue or exchange. */
  readonly target?: string;
  /** For `delay`: how long. Default 100 ms. */
  readonly delayMs?: number;
  /** For `unavailable`: the window in virtual time. */
  readonly fromMs?: number;
  readonly untilMs?: number;
}

const KINDS: readonly FaultKind[] = ['duplicate', 'crash-before-ack', 'reorder', 'delay', 'unavailable'];
/** The models a fault can be scoped to. */
const BROKERS: readonly string[] = ['kafka', 'rabbitmq', 'sqs'];

/** The decision each fault kind records, e.g. `fault:duplicate`: built once, not per opportunity. */
const DECISION_KIND = Object.fromEntries(KINDS.map((kind) => [kind, `fault:${kind}`])) as Record<
  FaultKind,
  string
>;

export class Faults {
  private specs: FaultSpec[] = [];

  constructor(private readonly decisions: DecisionLog) {}

  add(spec: FaultSpec): () => void {
    if (spec === null || typeof spec !== 'object') {
      throw new InvalidArgumentError(
        failure(
          'add a fault',
          `a fault is an object, got ${String(spec)}`,
          'Use e.g. { kind: "duplicate", probability: 0.1 }',
        ),
      );
    }
    if (!KINDS.includes(spec.kind)) {
      throw new InvalidArgumentError(
        failure(
          'add a fault',
          `unknown fault kind '${String(spec.kind)}'`,
          `Use one of: ${KINDS.join(', ')}`,
        ),
      );
    }
    if (spec.broker !== undefined && !BROKERS.includes(spec.broker)) {
      throw new InvalidArgumentError(
        failure(
          `add a ${spec.kind} fault`,
          `unknown broker ${JSON.stringify(spec.broker)}: the fault would never fire`,
          `Use one of: ${BROKERS.join(', ')} (lower case), or leave broker out for every model`,
        ),
      );
    }
    if (spec.target !== undefined && (typeof spec.target !== 'string' || spec.target === '')) {
      throw new InvalidArgumentError(
        failure(
          `add a ${spec.kind} fault`,
          `target must be the name of a topic, queue or exchange, got ${JSON.stringify(spec.target)}`,
          'Pass the name as a string, or leave target out',
        ),
      );
    }
    for (const field of ['delayMs', 'fromMs', 'untilMs'] as const) {
      const value = spec[field];
      if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
        throw new InvalidArgumentError(
          failure(
            `add a ${spec.kind} fault`,
            `${field} must be a number of ms, 0 or more, got ${JSON.stringify(value) ?? String(value)}`,
            `Use e.g. { ${field}: 100 }`,
          ),
        );
      }
    }
    const p = spec.probability ?? (spec.kind === 'unavailable' ? 1 : 0.1);
    if (!(typeof p === 'number' && p >= 0 && p <= 1))
      throw new InvalidArgumentError(
        failure(
          `add a ${spec.kind} fault`,
          `probability must be a number between 0 and 1, got ${JSON.stringify(spec.probability) ?? String(spec.probability)}`,
          'Use e.g. { probability: 0.1 }',
        ),
      );
    if (spec.kind === 'unavailable' && !(spec.untilMs !== undefined && spec.untilMs > (spec.fromMs ?? 0))) {
      throw new InvalidArgumentError(
        failure(
          'add an unavailable fault',
          'it needs a window: untilMs greater than fromMs',
          'Use e.g. { kind: "unavailable", fromMs: 100, untilMs: 500 }',
        ),
      );
    }
    const stored = { ...spec, probability: p };
    this.specs.push(stored);
    return () => {
      this.specs = this.specs.filter((s) => s !== stored);
    };
  }

  get active(): readonly FaultSpec[] {
    return this.specs;
  }

  /** Whether a probabilistic fault fires at this opportunity; a recorded decision when one applies. */
  fires(kind: Exclude<FaultKind, 'unavailable'>, broker: string, target: string): FaultSpec | undefined {
    if (this.specs.length === 0) return undefined;
    for (const spec of this.specs) {
      if (
        spec.kind !== kind ||
        (spec.broker && spec.broker !== broker) ||
        (spec.target && spec.target !== target)
      )
        continue;
      if (this.decisions.chance(DECISION_KIND[kind], spec.probability ?? 0.1)) return spec;
    }
    return undefined;
  }

  /** The end of the unavailability window covering `now`, if the broker is down. */
  unavailableUntil(broker: string, target: string, now: number): number | undefined {
    for (const spec of this.specs) {
      if (
        spec.kind !== 'unavailable' ||
        (spec.broker && spec.broker !== broker) ||
        (spec.target && spec.target !== target)
      )
        continue;
      if (now >= (spec.fromMs ?? 0) && now < spec.untilMs!) return spec.untilMs;
    }
    return undefined;
  }
}
