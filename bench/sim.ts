// Deliveries per second through each simulator model beside a plain array-queue loop, with the
// measured code bundled as it ships (bench/bundled.ts): npx tsx --expose-gc bench/sim.ts [kafka|rabbitmq|sqs]
// Without an argument every model runs, one after the other, in this process.
import { importBundled } from './bundled.js';

const models = ['kafka', 'rabbitmq', 'sqs'] as const;
const chosen = process.argv.slice(2);
for (const name of chosen) {
  if (!models.includes(name as (typeof models)[number]))
    throw new Error(`unknown model '${name}': choose from ${models.join(', ')}`);
}
for (const name of chosen.length > 0 ? chosen : models) {
  await importBundled(`bench/sim/${name}.ts`, `sim-${name}`, 'packages');
  console.log();
}
