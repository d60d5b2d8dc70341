/** What happened, in broker vocabulary. */
export type TraceKind =
  | 'publish'
  | 'deliver'
  | 'ack'
  | 'nack'
  | 'requeue'
  | 'redeliver'
  | 'expire'
  | 'dead-letter'
  | 'rebalance'
  | 'commit'
  | 'fault'
  | 'drop'
  | 'stuck'
  | 'error';

export interface TraceEvent {
  readonly step: number;
  readonly time: number;
  readonly kind: TraceKind;
  readonly broker: string;
  /** Topic/partition, queue, exchange: where it happened, e.g. `orders/0@3` or `orders.fifo`. */
  readonly where: string;
  /** The simulation's id of the message, stable across the run: `m12`. */
  readonly message?: string | undefined;
  readonly key?: string | undefined;
  /** Free text: the event type, the consumer, the fault, the reason. */
  readonly detail?: string | undefined;
}

/** The structured trace of one run, with a fixed-column rendering that diffs line by line. */
export class Trace {
  readonly events: TraceEvent[] = [];
  private step = 0;

  constructor(readonly enabled = true) {}

  add(event: Omit<TraceEvent, 'step'>): void {
    this.step++;
    if (this.enabled) this.events.push({ step: this.step, ...event });
  }

  render(events: readonly TraceEvent[] = this.events): string {
    return events.map(renderTraceEvent).join('\n');
  }
}

/** `   12.0ms  deliver      kafka     orders/0@3        m4   key=1  OrderCreated → billing` */
export function renderTraceEvent(e: TraceEvent): string {
  const time = `${formatTime(e.time)}`.padStart(10);
  const key = e.key === undefined ? '' : `key=${e.key}`;
  return `${time}  ${e.kind.padEnd(11)}  ${e.broker.padEnd(8)}  ${e.where.padEnd(22)}  ${(e.message ?? '').padEnd(5)}  ${key.padEnd(10)}  ${e.detail ?? ''}`.trimEnd();
}

const formatTime = (ms: number): string =>
  ms < 1000 ? `${ms}ms` : ms < 60_000 ? `${(ms / 1000).toFixed(3)}s` : `${(ms / 60_000).toFixed(2)}min`;
