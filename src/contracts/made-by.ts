import type { EventType } from './types.js';

/** A constructor that returns its argument, so a subclass's field initialisers run on that object. */
class Adopt {
  constructor(target: object) {
    return target;
  }
}

/**
 * Which contract created or decoded a payload. The mark is a private field installed on the payload
 * itself: invisible to its keys, JSON, spreading and cloning, and much cheaper on the decode path
 * than a WeakMap entry per message. Objects that cannot take a new field (frozen or sealed ones)
 * fall back to a WeakMap.
 */
class MadeBy extends Adopt {
  #contract: EventType;

  private constructor(target: object, contract: EventType) {
    super(target);
    this.#contract = contract;
  }

  static mark(payload: object, contract: EventType): void {
    if (#contract in payload) payload.#contract = contract;
    else if (Object.isExtensible(payload)) new MadeBy(payload, contract);
    else frozen.set(payload, contract);
  }

  static read(payload: object): EventType | undefined {
    return #contract in payload ? payload.#contract : frozen.get(payload);
  }
}

const frozen = new WeakMap<object, EventType>();

/** Records that `contract` created or decoded `payload` (objects only; other values are ignored). */
export function markMadeBy(payload: unknown, contract: EventType): void {
  if (typeof payload === 'object' && payload !== null) MadeBy.mark(payload, contract);
}

/** The contract that created or decoded `payload`, if any. */
export function madeBy(payload: unknown): EventType | undefined {
  return typeof payload === 'object' && payload !== null ? MadeBy.read(payload) : undefined;
}
