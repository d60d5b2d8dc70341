import { existsSync } from 'node:fs';
import { canConnect, hostPortOf, redactUrl } from './endpoint.js';
import { BrokerUnavailableError } from './errors.js';

/** The brokers eventproof has probes for. */
export type BrokerName = 'kafka' | 'rabbitmq' | 'sqs';

/**
 * Where a probe's broker came from, in the order eventproof looks.
 *
 * @example
 * ```ts
 * if (probe.source === 'testcontainers') console.log('started a container for this run');
 * ```
 */
export type EndpointSource = 'option' | 'env' | 'local' | 'testcontainers';

/** A broker address the probe will use, and how it was found. */
export interface ResolvedEndpoint {
  /** The URL as given (may hold credentials: never print it; print `redacted`). */
  readonly url: string;
  readonly redacted: string;
  readonly source: EndpointSource;
  /** Stops the container eventproof started; absent for brokers it did not start. */
  readonly stop?: (() => Promise<void>) | undefined;
}

/** A started container's address and how to stop it. */
export interface StartedBroker {
  readonly url: string;
  stop(): Promise<void>;
}

/** The facts selection depends on; injected in tests, where no Docker engine runs. @internal */
export interface ProvisionChecks {
  reachable(url: string, timeoutMs: number): Promise<boolean>;
  dockerAvailable(): Promise<boolean>;
  startContainer(broker: BrokerName): Promise<StartedBroker>;
}

/**
 * How a probe chooses its broker.
 *
 * @example
 * ```ts
 * await kafka.probe({ url: 'broker.test:9092', connectTimeoutMs: 500, testcontainers: false });
 * ```
 */
export interface EndpointOptions {
  /** Explicit URL; wins over everything. */
  readonly url?: string | undefined;
  /** Where to read `EVENTPROOF_<BROKER>_URL`. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** How long a connect attempt may take. Default 1000 ms. */
  readonly connectTimeoutMs?: number | undefined;
  /** Start a container when nothing else answers and a Docker engine does. Default true. */
  readonly testcontainers?: boolean | undefined;
}

interface BrokerDefaults {
  readonly local: string;
  readonly port: number;
  readonly scriptName: string;
}

/** The conventional local address of each broker. @internal */
export const BROKER_DEFAULTS: Readonly<Record<BrokerName, BrokerDefaults>> = {
  kafka: { local: '127.0.0.1:9092', port: 9092, scriptName: 'kafka' },
  rabbitmq: { local: 'amqp://guest:guest@127.0.0.1:5672', port: 5672, scriptName: 'rabbitmq' },
  sqs: { local: 'http://127.0.0.1:9324', port: 9324, scriptName: 'sqs' },
};

/** `EVENTPROOF_KAFKA_URL` @internal */
export const envVarOf = (broker: string): string => `EVENTPROOF_${broker.toUpperCase()}_URL`;

/** @internal How to get a broker, for error messages and skip lines. */
export function howToGet(broker: BrokerName): string {
  return `Start one with \`bash scripts/brokers.sh start ${BROKER_DEFAULTS[broker].scriptName}\` (see docs/local-brokers.md), set ${envVarOf(broker)}, or run a Docker engine and install testcontainers`;
}

/**
 * Finds the broker a probe talks to: the explicit URL, else `EVENTPROOF_<BROKER>_URL`, else the
 * conventional local port, else a Testcontainers container when a Docker engine answers; otherwise
 * a {@link BrokerUnavailableError} that says how to get one.
 * @internal
 */
export async function resolveEndpoint(
  broker: BrokerName,
  options: EndpointOptions = {},
  checks: ProvisionChecks = defaultChecks,
): Promise<ResolvedEndpoint> {
  const timeoutMs = options.connectTimeoutMs ?? 1000;
  const env = options.env ?? process.env;
  const named = options.url ?? env[envVarOf(broker)];
  const source: EndpointSource = options.url !== undefined ? 'option' : 'env';
  if (named !== undefined && named !== '') {
    // A URL the user named is a promise about where the broker is: never fall through to another.
    if (await checks.reachable(named, timeoutMs)) return endpoint(named, source);
    const where = source === 'option' ? 'the url option' : envVarOf(broker);
    throw new BrokerUnavailableError(
      broker,
      `nothing answers at ${redactUrl(named)} (from ${where}) within ${timeoutMs} ms`,
      `Check the broker is running and the address is right, or unset ${where} to use the local broker`,
      [`${redactUrl(named)} (${where})`],
    );
  }
  const tried: string[] = [];
  const local = BROKER_DEFAULTS[broker].local;
  if (await checks.reachable(local, timeoutMs)) return endpoint(local, 'local');
  tried.push(`${redactUrl(local)} (conventional local port)`);
  if (options.testcontainers !== false) {
    if (await checks.dockerAvailable()) {
      const started = await checks.startContainer(broker);
      return { ...endpoint(started.url, 'testcontainers'), stop: () => started.stop() };
    }
    tried.push('Testcontainers (no Docker engine answers)');
  }
  throw new BrokerUnavailableError(
    broker,
    `nothing answers on ${tried.join(', nor ')}`,
    howToGet(broker),
    tried,
  );
}

const endpoint = (url: string, source: EndpointSource): ResolvedEndpoint => ({
  url,
  redacted: redactUrl(url),
  source,
});

/** @internal Whether a broker URL's listener accepts a TCP connection. */
export async function reachable(url: string, timeoutMs: number, fallbackPort = 0): Promise<boolean> {
  const target = hostPortOf(url, fallbackPort);
  return target !== undefined && target.port > 0 && canConnect(target.host, target.port, timeoutMs);
}

/** @internal The Docker engine answers on DOCKER_HOST or the default socket. */
export async function dockerAvailable(env: Readonly<Record<string, string | undefined>> = process.env) {
  const host = env['DOCKER_HOST'];
  if (host !== undefined && host !== '') {
    if (host.startsWith('unix://')) return socketAnswers(host.slice('unix://'.length));
    const target = hostPortOf(host, 2375);
    return target !== undefined && canConnect(target.host, target.port, 500);
  }
  return socketAnswers('/var/run/docker.sock');
}

async function socketAnswers(path: string): Promise<boolean> {
  if (!existsSync(path)) return false;
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const socket = createConnection({ path });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const defaultChecks: ProvisionChecks = {
  reachable: (url, timeoutMs) => reachable(url, timeoutMs),
  dockerAvailable: () => dockerAvailable(),
  startContainer: async (broker) => {
    const { startContainer } = await import('./containers.js');
    return startContainer(broker);
  },
};
