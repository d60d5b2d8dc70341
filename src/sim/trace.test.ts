import { describe, expect, it } from 'vitest';
import { renderTraceEvent, Trace } from '../public/sim.js';

const at = (time: number, where = 'orders') =>
  ({ step: 1, time, kind: 'deliver', broker: 'sqs', where, message: 'm1', detail: 'x' }) as const;

describe('trace rendering', () => {
  it('shows virtual time exact to the millisecond at every scale', () => {
    const times = [
      0, 999, 1_000, 12_500, 59_999, 60_000, 65_250, 3_599_999, 3_600_000, 7_200_001, 90_061_001,
    ];
    expect(times.map((time) => renderTraceEvent(at(time)).trim().split(' ')[0])).toEqual([
      '0ms',
      '999ms',
      '1.000s',
      '12.500s',
      '59.999s',
      '1m00.000s',
      '1m05.250s',
      '59m59.999s',
      '1h00m00.000s',
      '2h00m00.001s',
      '25h01m01.001s',
    ]);
  });

  it('keeps every line of a trace aligned when a location is longer than its usual column', () => {
    const trace = new Trace();
    trace.add({ time: 0, kind: 'publish', broker: 'rabbitmq', where: 'q', message: 'm1', detail: 'a' });
    trace.add({
      time: 5,
      kind: 'deliver',
      broker: 'rabbitmq',
      where: 'orders.dead-letter.retry-queue',
      message: 'm1',
      key: 'order-1',
      detail: 'b',
    });
    const lines = trace.render().split('\n');
    expect(lines.map((line) => line.indexOf('m1'))).toEqual([
      lines[1]!.indexOf('m1'),
      lines[1]!.indexOf('m1'),
    ]);
    expect(lines[1]).toContain('orders.dead-letter.retry-queue  m1');
    // Times past ten hours widen the time column for every line alike.
    trace.add({ time: 36_000_000, kind: 'ack', broker: 'rabbitmq', where: 'q', message: 'm1', detail: 'c' });
    const later = trace.render().split('\n');
    expect(new Set(later.map((line) => line.indexOf('rabbitmq'))).size).toBe(1);
    expect(later[2]).toMatch(/^10h00m00\.000s {2}ack/);
    // With nothing too long, a rendering is the single events' rendering, line for line.
    const short = new Trace();
    short.add({ time: 0, kind: 'publish', broker: 'sqs', where: 'q', message: 'm1', detail: 'a' });
    expect(short.render()).toBe(renderTraceEvent(short.events[0]!));
  });
});
