// The explorer benchmark's body; bench/explore.ts bundles it as the package ships, then runs it.
// Prints schedules/s for an 8- and a 25-message scenario on the simulated Kafka beside fast-check's
// own fc.scheduler running an equivalent race (N async tasks interleaved, property checked) in the
// same process; then the median time to find each known bug over 20 seeds, and the shrunk trace lengths.
import fc from 'fast-check';
import { z } from 'zod';
import { defineEvent } from '../../src/contracts/define-event.js';
import { explore } from '../../src/explore/explorer.js';
import { handlerScenario } from '../../src/scenarios/handler-scenario.js';
import { knownBugs } from '../../examples/known-bugs/catalogue.js';

const Ping = defineEvent('Ping', z.object({ id: z.string(), key: z.string() }), { key: (p) => p.key });

async function explorerRate(messages: number, runs: number): Promise<number> {
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
    'kafka',
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
  `${'scenario'.padEnd(34)}${pad('eventproof', 12)}${pad('fc.scheduler', 14)}${pad('ratio', 8)}  target ≥ 3×`,
);
// Steady state: each side runs once untimed first, so neither pays the JIT's warm-up in its figure;
// then the best of three alternating rounds, so load on the shared machine hits both alike.
for (const n of [8, 25]) {
  const oursRuns = n === 8 ? 1000 : 300;
  const theirRuns = n === 8 ? 3000 : 1000;
  await explorerRate(n, oursRuns);
  await schedulerRate(n, theirRuns);
  let ours = 0;
  let theirs = 0;
  for (let round = 0; round < 3; round++) {
    ours = Math.max(ours, await explorerRate(n, oursRuns));
    theirs = Math.max(theirs, await schedulerRate(n, theirRuns));
  }
  const ratio = ours / theirs;
  console.log(
    `${`${n} messages (Kafka model)`.padEnd(34)}${pad(Math.round(ours), 12)}${pad(Math.round(theirs), 14)}${pad(ratio.toFixed(2) + '×', 8)}  ${ratio >= 3 ? 'PASS' : 'FAIL'}`,
  );
}

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
