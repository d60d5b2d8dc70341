// How every real-broker test asks for its broker. One reachability check per broker (a TCP connect
// with a short timeout), then either the suite runs, or it is replaced by ONE test that says why
// it could not run: skipped normally, failed when EVENTPROOF_REQUIRE_BROKERS=1 (CI starts the brokers
// and must not pass by skipping them).
import { describe, it } from 'vitest';
import { redactUrl } from '../../src/brokers/endpoint.js';
import { BROKER_DEFAULTS, envVarOf, reachable, type BrokerName } from '../../src/brokers/provision.js';

export interface BrokerUnderTest {
  readonly name: BrokerName;
  /** The URL to hand to the probe (from EVENTPROOF_<BROKER>_URL or the local default). */
  readonly url: string;
  readonly available: boolean;
  /** One line saying why the broker's tests cannot run, when they cannot. */
  readonly reason: string | undefined;
}

export const brokersRequired = (env = process.env): boolean =>
  env['EVENTPROOF_REQUIRE_BROKERS'] === '1' || env['EVENTPROOF_REQUIRE_BROKERS'] === 'true';

const CONNECT_TIMEOUT_MS = 300;

/** Looks for a broker once; the answer is cheap (a refused port answers at once). */
export async function brokerUnderTest(
  name: BrokerName,
  env: Readonly<Record<string, string | undefined>> = process.env,
  check: (url: string, timeoutMs: number) => Promise<boolean> = (url, timeoutMs) =>
    reachable(url, timeoutMs, BROKER_DEFAULTS[name].port),
): Promise<BrokerUnderTest> {
  const fromEnv = env[envVarOf(name)];
  const url = fromEnv !== undefined && fromEnv !== '' ? fromEnv : BROKER_DEFAULTS[name].local;
  if (await check(url, CONNECT_TIMEOUT_MS)) return { name, url, available: true, reason: undefined };
  const where = redactUrl(url).replace(/^[a-z]+:\/\/([^@]*@)?/i, '');
  return {
    name,
    url,
    available: false,
    reason: `${name}: nothing answers on ${where} — start it with \`bash scripts/brokers.sh start ${name}\` or set ${envVarOf(name)}`,
  };
}

/**
 * `describe` for tests that need a real broker. When the broker is missing, the suite collapses to
 * one test carrying the reason: skipped, or failed under EVENTPROOF_REQUIRE_BROKERS=1.
 */
export function describeWithBroker(
  broker: BrokerUnderTest,
  title: string,
  body: () => void,
  required: boolean = brokersRequired(),
): void {
  if (broker.available) {
    // Real brokers share the machine with the rest of the suite: leave room beyond the 5 s default.
    describe(title, { timeout: 20_000 }, body);
    return;
  }
  const reason = broker.reason ?? `${broker.name}: unavailable`;
  describe(title, () => {
    if (required) {
      it(reason, () => {
        throw new Error(`${reason} (EVENTPROOF_REQUIRE_BROKERS=1 turns this skip into a failure)`);
      });
    } else {
      it(reason, (context) => context.skip(reason));
    }
  });
}
