// Runs once before the test run: says in one line per broker which real-broker suites will skip and
// why, so a run without brokers is not silently smaller. (Each suite also skips with the reason as its
// title, and fails instead under EVENTPROOF_REQUIRE_BROKERS=1.)
import { brokersRequired, brokerUnderTest } from './brokers.js';

export default async function announceMissingBrokers(): Promise<void> {
  const brokers = await Promise.all(
    (['kafka', 'rabbitmq', 'sqs'] as const).map((name) => brokerUnderTest(name)),
  );
  const missing = brokers.filter((b) => !b.available);
  for (const broker of missing) {
    console.log(
      `${brokersRequired() ? 'required but missing' : 'skipping real-broker tests'} — ${broker.reason}`,
    );
  }
}
