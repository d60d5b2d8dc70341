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

  /**
   * One line per event in fixed columns. A column widens to its longest value in `events` (a queue
   * name longer than the usual width, a long ledger id or key), so every line of one rendering stays
   * aligned and a diff of two runs lines up.
   */
  render(events: readonly TraceEvent[] = this.events): string {
    let time: number = COLUMNS.time;
    let where: number = COLUMNS.where;
    let message: number = COLUMNS.message;
    let key: number = COLUMNS.key;
    for (const e of events) {
      const shown = formatTime(e.time).length;
      if (shown > time) time = shown;
      if (e.where.length > where) where = e.where.length;
      if (e.message !== undefined && e.message.length > message) message = e.message.length;
      if (e.key !== undefined && e.key.length + 4 > key) key = e.key.length + 4;
    }
    const widths = { time, where, message, key };
    return events.map((e) => renderTraceEvent(e, widths)).join('\n');
  }
}

/** The usual widths of the time column and those that hold names; a rendering widens them to fit. */
const COLUMNS = { time: 10, where: 22, message: 5, key: 10 } as const;

/**
 * `   12ms  deliver      kafka     orders/0@3              m4     key=1       OrderCreated → billing`
 *
 * `widths`: of the time, location, message and key columns (a whole trace's rendering passes the
 * widths that fit all its events).
 */
export function renderTraceEvent(
  e: TraceEvent,
  widths: {
    readonly time: number;
    readonly where: number;
    readonly message: number;
    readonly key: number;
  } = COLUMNS,
): string {
  const time = formatTime(e.time).padStart(widths.time);
  const key = e.key === undefined ? '' : `key=${e.key}`;
  return `${time}  ${e.kind.padEnd(11)}  ${e.broker.padEnd(8)}  ${e.where.padEnd(widths.where)}  ${(e.message ?? '').padEnd(widths.message)}  ${key.padEnd(widths.key)}  ${e.detail ?? ''}`.trimEnd();
}

/**
 * Virtual time, exact to the millisecond at every scale: `250ms`, `12.500s`, `1m05.250s`,
 * `2h00m00.001s` (rounding minutes to two decimals made events far apart look simultaneous).
 */
function formatTime(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(3)}s`;
  const seconds = ((ms % 60_000) / 1000).toFixed(3).padStart(6, '0');
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m${seconds}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m${seconds}s`;
}
