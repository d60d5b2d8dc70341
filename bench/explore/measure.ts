// The explorer benchmark's body; bench/explore.ts bundles it as the package ships, then runs it.
// Prints schedules/s for an 8- and a 25-message scenario on each simulated broker beside fast-check's
// own fc.scheduler running an equivalent race (N async tasks interleaved, property checked) in the
// same process; then the median time to find each known bug over 20 seeds, and the shrunk trace lengths.
import fc from 'fast-check';
import { z } from 'zod';
import { defineEvent } from '../../src/contracts/define-event.js';
import { explore } from '../../src/explore/explorer.js';
import { handlerScenario } from '../../src/scenarios/handler-scenario.js';
import { knownBugs } from '../../examples/known-bugs/catalogue.js';

type Broker = 'kafka' | 'rabbitmq' | 'sqs';
const BROKERS: readonly [Broker, string][] = [
  ['kafka', 'Kafka'],
  ['rabbitmq', 'RabbitMQ'],
  ['sqs', 'SQS'],
];

const Ping = defineEvent('Ping', z.object({ id: z.string(), key: z.string() }), { key: (p) => p.key });

async function explorerRate(broker: Broker, messages: number, runs: number): Promise<number> {
  const events = Array.from({ length: messages }, (_, i) => Ping.create({ id: `p${i}`, key: `k${i % 4}` }));
  const scenario = handlerScenario(
    {
      name: `${messages} messages`,
      options: {
        handler: () => ({
          seen: new Set<string>(),
          handle(this: { seen: Set<string> }, p: { id: string }) {
            this.seen.add(p.id);
          },
        }),
        events,
      },
      faults: [{ kind: 'duplicate', probability: 0.1 }],
      guarantees: { effects: 'at-least-once', order: 'none' },
    },
    broker,
  );
  const started = performance.now();
  const report = await explore(scenario, {
    runs,
    seed: 1,
    faults: [{ kind: 'duplicate', probability: 0.1 }],
  });
  if (!report.valid)
    throw new Error(`bench scenario failed: ${report.anomalies.map((a) => a.kind).join(', ')}`);
  return runs / ((performance.now() - started) / 1000);
}

/**
 * fc.scheduler driving the work one of the explorer's schedules does: every message encoded as the
 * producer would, its delivery scheduled (a tenth of them twice, as the duplicate fault does), then
 * decoded through the same contract and handed to the same handler; the property is the scenario's
 * (every message processed, each effect once).
 */
async function equivalentSchedulerRate(messages: number, runs: number): Promise<number> {
  const events = Array.from({ length: messages }, (_, i) => Ping.create({ id: `p${i}`, key: `k${i % 4}` }));
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(
        fc.integer({ min: 0, max: 9 }).map((draw) => draw === 0),
        { minLength: messages, maxLength: messages },
      ),
      async (s, duplicated) => {
        const seen = new Set<string>();
        const effects: string[] = [];
        const deliveries = events.flatMap((event, i) => {
          const wire = Ping.encode(event);
          const copies = duplicated[i] ? 2 : 1;
          return Array.from({ length: copies }, () =>
            s.schedule(Promise.resolve(wire)).then((w) => {
              const payload = Ping.decode(w.value, w.headers);
              if (!seen.has(payload.id)) effects.push(payload.id);
              seen.add(payload.id);
            }),
          );
        });
        await s.waitAll();
        await Promise.all(deliveries);
        return seen.size === messages && new Set(effects).size === effects.length;
      },
    ),
    { numRuns: runs, seed: 1 },
  );
  return runs / ((performance.now() - started) / 1000);
}

async function schedulerRate(tasks: number, runs: number): Promise<number> {
  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), async (s) => {
      const seen: number[] = [];
      const all = Array.from({ length: tasks }, (_, i) =>
        s.schedule(Promise.resolve(i)).then((v) => void seen.push(v)),
      );
      await s.waitAll();
      await Promise.all(all);
      return seen.length === tasks;
    }),
    { numRuns: runs, seed: 1 },
  );
  return runs / ((performance.now() - started) / 1000);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const pad = (text: string | number, width: number) => String(text).padStart(width);

console.log('Schedules per second (same process, same run)\n');
console.log(
  `${'scenario'.padEnd(28)}${pad('eventproof', 11)}${pad('fc, same work', 15)}${pad('ratio', 8)}${pad('fc, bare race', 15)}${pad('ratio', 8)}  target ≥ 3× (same work)`,
);
// Steady state: each side runs once untimed first, so neither pays the JIT's warm-up in its figure;
// then the best of three alternating rounds, so load on the shared machine hits both alike. Every
// broker model runs the same scenario; the peer's figures are shared by the three rows of a size.
for (const n of [8, 25]) {
  const oursRuns = n === 8 ? 5000 : 1500;
  const theirRuns = n === 8 ? 3000 : 1000;
  for (const [broker] of BROKERS) await explorerRate(broker, n, oursRuns);
  await equivalentSchedulerRate(n, theirRuns);
  await schedulerRate(n, theirRuns);
  const ours = new Map<Broker, number>(BROKERS.map(([broker]) => [broker, 0]));
  let same = 0;
  let bare = 0;
  for (let round = 0; round < 3; round++) {
    for (const [broker] of BROKERS)
      ours.set(broker, Math.max(ours.get(broker)!, await explorerRate(broker, n, oursRuns)));
    same = Math.max(same, await equivalentSchedulerRate(n, theirRuns));
    bare = Math.max(bare, await schedulerRate(n, theirRuns));
  }
  for (const [broker, label] of BROKERS) {
    const rate = ours.get(broker)!;
    console.log(
      `${`${n} messages (${label} model)`.padEnd(28)}${pad(Math.round(rate), 11)}${pad(Math.round(same), 15)}${pad((rate / same).toFixed(2) + '×', 8)}${pad(Math.round(bare), 15)}${pad((rate / bare).toFixed(2) + '×', 8)}  ${rate / same >= 3 ? 'PASS' : 'FAIL'}`,
    );
  }
}
console.log(
  '"same work": fc.scheduler delivering the same messages through the same contract to the same handler, duplicates included; "bare race": N resolved promises interleaved.',
);

console.log('\nTime to find each known bug, 20 seeds (target: median < 1 s)\n');
console.log(`${'bug'.padEnd(46)}${pad('median ms', 10)}${pad('max ms', 9)}${pad('trace lines', 13)}  found`);
for (const bug of knownBugs) {
  const times: number[] = [];
  let found = 0;
  let traceLines = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const started = performance.now();
    try {
      await bug.check(bug.buggy, { seed, ...bug.buggyConsumer });
    } catch (error) {
      found++;
      const text = error instanceof Error ? error.message : '';
      traceLines = Math.max(
        traceLines,
        text.split('\n').filter((l) => /^\s+\d[\d.]*(ms|s|min)\s/.test(l)).length,
      );
    }
    times.push(performance.now() - started);
  }
  const m = median(times);
  console.log(
    `${bug.bug.padEnd(46)}${pad(m.toFixed(0), 10)}${pad(Math.max(...times).toFixed(0), 9)}${pad(traceLines, 13)}  ${found}/20 ${m < 1000 && found === 20 ? 'PASS' : 'FAIL'}`,
  );
}
