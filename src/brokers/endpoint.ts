import { createConnection } from 'node:net';

/** Host and port of a broker's listener, parsed from whichever URL form the user gave. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'amqp:': 5672,
  'amqps:': 5671,
  'http:': 80,
  'https:': 443,
  'kafka:': 9092,
  'nats:': 4222,
  'redis:': 6379,
  'mqtt:': 1883,
  'postgres:': 5432,
  'postgresql:': 5432,
};

/**
 * `127.0.0.1:9092`, `kafka://127.0.0.1:9092`, `amqp://u:p@host` and `http://host:9324` all name a
 * listener; Kafka users write bare `host:port` lists, so the first entry of a comma list counts.
 * @internal
 */
export function hostPortOf(url: string, fallbackPort: number): HostPort | undefined {
  const first = url.split(',')[0]?.trim() ?? '';
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(first) ? first : `tcp://${first}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    return undefined;
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (host === '') return undefined;
  const port = parsed.port === '' ? (DEFAULT_PORTS[parsed.protocol] ?? fallbackPort) : Number(parsed.port);
  return { host, port };
}

/**
 * The URL with any password replaced by `***`, safe for messages and logs.
 * @internal
 */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@\s]*:)[^@/\s]*@/g, '$1***@');
}

/**
 * Whether something accepts a TCP connection within `timeoutMs`. A refused port answers at once; the
 * timeout only matters for addresses that drop packets, so it stays short.
 * @internal
 */
export function canConnect(host: string, port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
