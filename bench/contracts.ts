// Throughput of the contracts layer beside raw JSON in the same run: npx tsx bench/contracts.ts
import { z } from 'zod';
import { checkRoundTrip, defineEvent } from '../src/public/index.js';

const schema = z.object({
  orderId: z.string(),
  customerId: z.string(),
  amountCents: z.int(),
  currency: z.enum(['EUR', 'USD', 'GBP']),
  quantity: z.int(),
  status: z.string(),
  express: z.boolean(),
  createdAt: z.string(),
  sku: z.string(),
  note: z.string().nullable(),
});
const OrderCreated = defineEvent('OrderCreated', schema, { key: (order) => order.orderId });
const payload: z.infer<typeof schema> = {
  orderId: 'ord-000123',
  customerId: 'cus-98765',
  amountCents: 12995,
  currency: 'EUR',
  quantity: 3,
  status: 'created',
  express: false,
  createdAt: '2024-05-01T10:00:00.000Z',
  sku: 'SKU-ABC-123',
  note: null,
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const codec = OrderCreated.codec;
const context = { type: OrderCreated.name, version: OrderCreated.version, key: payload.orderId };
let sink: unknown;

/**
 * Ops per second of each case, best of several rounds. The cases take turns within every round so
 * JIT warm-up, GC pressure and CPU frequency changes hit them all alike.
 */
function measureAll(cases: readonly (() => void)[], rounds = 9, roundMs = 150): number[] {
  for (const fn of cases) {
    const deadline = performance.now() + 300;
    while (performance.now() < deadline) fn();
  }
  const best = cases.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    cases.forEach((fn, index) => {
      let ops = 0;
      const started = performance.now();
      let elapsed = 0;
      while (elapsed < roundMs) {
        for (let i = 0; i < 1000; i++) fn();
        ops += 1000;
        elapsed = performance.now() - started;
      }
      best[index] = Math.max(best[index] ?? 0, (ops / elapsed) * 1000);
    });
  }
  return best;
}

const [raw = 0, codecOnly = 0, contract = 0] = measureAll([
  () => {
    const bytes = encoder.encode(JSON.stringify(payload));
    sink = JSON.parse(decoder.decode(bytes));
  },
  () => {
    const wire = codec.encode(payload, context);
    sink = codec.decode(wire, { type: OrderCreated.name });
  },
  () => {
    sink = OrderCreated.decode(OrderCreated.encode(payload));
  },
]);

const started = performance.now();
const summary = checkRoundTrip(OrderCreated, { runs: 1000, seed: 1 });
const roundTripMs = performance.now() - started;
void sink;

const rows: [string, number, number | undefined][] = [
  ['raw JSON.stringify + JSON.parse (with TextEncoder/TextDecoder)', raw, undefined],
  ['eventproof JSON codec encode + decode (no validation)', codecOnly, 0.7],
  ['eventproof contract encode + decode (zod validation both ways)', contract, 0.3],
];
const format = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(
  `Node ${process.version} — a 10-field event (${encoder.encode(JSON.stringify(payload)).length} bytes)\n`,
);
console.log(`${'case'.padEnd(66)} ${'ops/s'.padStart(12)} ${'of raw'.padStart(8)}  target`);
for (const [name, ops, target] of rows) {
  const ratio = ops / raw;
  const verdict = target === undefined ? '' : `≥ ${target * 100}%  ${ratio >= target ? 'PASS' : 'FAIL'}`;
  console.log(
    `${name.padEnd(66)} ${format(ops).padStart(12)} ${`${(ratio * 100).toFixed(0)}%`.padStart(8)}  ${verdict}`,
  );
}
console.log(
  `\ncheckRoundTrip(OrderCreated, { runs: 1000 }): ${roundTripMs.toFixed(0)} ms (${summary.runs} runs, seed ${summary.seed})`,
);
