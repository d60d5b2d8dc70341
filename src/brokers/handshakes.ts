import { createConnection } from 'node:net';
import { hostPortOf, redactUrl } from './endpoint.js';

/** Every service `eventproof doctor` looks for. */
export type ServiceName = 'kafka' | 'rabbitmq' | 'sqs' | 'nats' | 'redis' | 'mqtt' | 'postgres';

/** What one cheap handshake found out. */
export interface ServiceReport {
  readonly name: ServiceName;
  /** Redacted address that was tried. */
  readonly address: string;
  /** Where the address came from: the env var or the conventional local port. */
  readonly from: 'env' | 'default';
  readonly reachable: boolean;
  /** `RabbitMQ 3.10.8`, `Kafka protocol (61 APIs)`, … when the handshake tells. */
  readonly version: string | undefined;
  /** Why it is not reachable, or what else is worth knowing. */
  readonly detail: string | undefined;
  readonly elapsedMs: number;
}

interface ServiceSpec {
  readonly local: string;
  readonly port: number;
  readonly handshake: (
    host: string,
    port: number,
    timeoutMs: number,
    url: string,
  ) => Promise<{ version?: string; detail?: string }>;
}

/**
 * Opens a socket, writes `hello`, and collects bytes until `done(buffer)` says enough or the time is
 * up. Every handshake is a few bytes each way: no client library is needed to tell what answers.
 */
function converse(
  host: string,
  port: number,
  hello: Buffer | undefined,
  timeoutMs: number,
  done: (data: Buffer) => boolean,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    let data = Buffer.alloc(0);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (error && data.length === 0) reject(error);
      else resolve(data);
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.once('connect', () => hello && socket.write(hello));
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (done(data)) finish();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => finish(new Error(error.code ?? error.message)));
    socket.once('close', () => finish(new Error('closed without answering')));
  });
}

const kafkaApiVersions = async (host: string, port: number, timeoutMs: number) => {
  const client = Buffer.from('eventproof-doctor');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + client.length);
  body.writeInt16BE(18, 0); // ApiVersions
  body.writeInt16BE(0, 2);
  body.writeInt32BE(1, 4);
  body.writeInt16BE(client.length, 8);
  client.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  const reply = await converse(
    host,
    port,
    Buffer.concat([size, body]),
    timeoutMs,
    (d) => d.length >= 4 && d.length >= 4 + d.readInt32BE(0),
  );
  if (reply.length < 14) throw new Error('the answer is not Kafka (ApiVersions)');
  const error = reply.readInt16BE(8);
  const count = reply.readInt32BE(10);
  let fetchMax: number | undefined;
  for (let i = 0; i < count && 14 + i * 6 + 6 <= reply.length; i++) {
    const at = 14 + i * 6;
    if (reply.readInt16BE(at) === 1) fetchMax = reply.readInt16BE(at + 4);
  }
  if (error !== 0) throw new Error(`Kafka answered ApiVersions with error ${error}`);
  return {
    version: `Kafka protocol, ${count} APIs${fetchMax === undefined ? '' : `, Fetch ≤ v${fetchMax}`}`,
  };
};

/** Reads a long-string field of the AMQP Connection.Start server-properties table. */
function amqpProperty(frame: Buffer, name: string): string | undefined {
  const key = Buffer.concat([Buffer.from([name.length]), Buffer.from(name), Buffer.from('S')]);
  const at = frame.indexOf(key);
  if (at < 0 || at + key.length + 4 > frame.length) return undefined;
  const length = frame.readUInt32BE(at + key.length);
  return frame.subarray(at + key.length + 4, at + key.length + 4 + length).toString('utf8');
}

const amqpStart = async (host: string, port: number, timeoutMs: number, url: string) => {
  const reply = await converse(
    host,
    port,
    Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'),
    timeoutMs,
    (d) => d.length >= 7 && d.length >= 8 + d.readUInt32BE(3),
  );
  if (reply[0] !== 1) throw new Error('the answer is not AMQP 0-9-1');
  const product = amqpProperty(reply, 'product') ?? 'AMQP broker';
  const version = amqpProperty(reply, 'version');
  const managementPort = 15672;
  const target = hostPortOf(url, 5672);
  const management = await fetch(`http://${target?.host ?? host}:${managementPort}/api/overview`, {
    signal: AbortSignal.timeout(timeoutMs),
  })
    .then((r) => r.status === 401 || r.ok)
    .catch(() => false);
  return {
    version: `${product}${version ? ` ${version}` : ''}`,
    detail: management
      ? `management API on :${managementPort}`
      : `no management API on :${managementPort} (settled() then judges ready counts only)`,
  };
};

const sqsListQueues = async (host: string, port: number, timeoutMs: number, url: string) => {
  const base = /^https?:\/\//.test(url) ? url.replace(/\/$/, '') : `http://${host}:${port}`;
  const response = await fetch(`${base}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
    body: '{}',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const server = response.headers.get('server');
  if (!response.ok && response.status !== 400 && response.status !== 403)
    throw new Error(`HTTP ${response.status}`);
  const body = await response.text();
  const isSqs = body.includes('QueueUrls') || body === '{}' || body.includes('__type');
  if (!isSqs) throw new Error('the answer is not the SQS JSON API');
  return { version: `SQS API (ListQueues)${server ? `, server ${server}` : ''}` };
};

const natsInfo = async (host: string, port: number, timeoutMs: number) => {
  const reply = await converse(host, port, undefined, timeoutMs, (d) => d.includes('\r\n'));
  const line = reply.toString('utf8').split('\r\n')[0] ?? '';
  if (!line.startsWith('INFO ')) throw new Error('the answer is not NATS');
  const info = JSON.parse(line.slice(5)) as { version?: string; jetstream?: boolean };
  return {
    version: `NATS ${info.version ?? '?'}`,
    detail: info.jetstream ? 'JetStream on' : 'JetStream off',
  };
};

const redisInfo = async (host: string, port: number, timeoutMs: number) => {
  const reply = (
    await converse(
      host,
      port,
      Buffer.from('*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n'),
      timeoutMs,
      (d) => /redis_version:[^\r\n]*\r\n/.test(d.toString()) || d.toString().startsWith('-'),
    )
  ).toString('utf8');
  if (reply.startsWith('-')) return { version: 'Redis', detail: reply.split('\r\n')[0]?.slice(1) };
  const version = /redis_version:([^\r\n]+)/.exec(reply)?.[1];
  if (version === undefined) throw new Error('the answer is not Redis');
  return { version: `Redis ${version}` };
};

const mqttConnect = async (host: string, port: number, timeoutMs: number) => {
  const clientId = Buffer.from(`eventproof-doctor-${process.pid}`);
  const variable = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x05]);
  const payload = Buffer.concat([Buffer.from([clientId.length >> 8, clientId.length & 0xff]), clientId]);
  const packet = Buffer.concat([Buffer.from([0x10, variable.length + payload.length]), variable, payload]);
  const reply = await converse(host, port, packet, timeoutMs, (d) => d.length >= 4);
  if (reply[0] !== 0x20) throw new Error('the answer is not MQTT');
  return {
    version: 'MQTT 3.1.1',
    detail: reply[3] === 0 ? 'CONNECT accepted' : `CONNECT refused (code ${reply[3]})`,
  };
};

const postgresSsl = async (host: string, port: number, timeoutMs: number) => {
  const request = Buffer.alloc(8);
  request.writeInt32BE(8, 0);
  request.writeInt32BE(80877103, 4);
  const reply = await converse(host, port, request, timeoutMs, (d) => d.length >= 1);
  const answer = String.fromCharCode(reply[0] ?? 0);
  if (answer !== 'S' && answer !== 'N') throw new Error('the answer is not PostgreSQL');
  return { version: 'PostgreSQL', detail: answer === 'S' ? 'TLS offered' : 'no TLS' };
};

/** @internal */
export const SERVICES: Readonly<Record<ServiceName, ServiceSpec>> = {
  kafka: { local: '127.0.0.1:9092', port: 9092, handshake: kafkaApiVersions },
  rabbitmq: { local: 'amqp://guest:guest@127.0.0.1:5672', port: 5672, handshake: amqpStart },
  sqs: { local: 'http://127.0.0.1:9324', port: 9324, handshake: sqsListQueues },
  nats: { local: 'nats://127.0.0.1:4222', port: 4222, handshake: natsInfo },
  redis: { local: 'redis://127.0.0.1:6379', port: 6379, handshake: redisInfo },
  mqtt: { local: 'mqtt://127.0.0.1:1883', port: 1883, handshake: mqttConnect },
  postgres: { local: 'postgres://127.0.0.1:5432', port: 5432, handshake: postgresSsl },
};

/**
 * Looks for one service: at `EVENTPROOF_<NAME>_URL` or its conventional local port, with a
 * handshake that tells what answers and, where cheap, its version.
 * @internal
 */
export async function checkService(
  name: ServiceName,
  env: Readonly<Record<string, string | undefined>> = process.env,
  timeoutMs = 700,
): Promise<ServiceReport> {
  const spec = SERVICES[name];
  const named = env[`EVENTPROOF_${name.toUpperCase()}_URL`];
  const url = named !== undefined && named !== '' ? named : spec.local;
  const from = url === named ? 'env' : 'default';
  const target = hostPortOf(url, spec.port);
  const address = target ? `${target.host}:${target.port}` : redactUrl(url);
  const started = performance.now();
  const report = (reachable: boolean, version?: string, detail?: string): ServiceReport => ({
    name,
    address,
    from,
    reachable,
    version,
    detail,
    elapsedMs: Math.round(performance.now() - started),
  });
  if (target === undefined)
    return report(false, undefined, `cannot read a host and port from ${redactUrl(url)}`);
  try {
    const found = await spec.handshake(target.host, target.port, timeoutMs, url);
    return report(true, found.version, found.detail);
  } catch (error) {
    // fetch() hides the socket error in `cause`.
    const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
    const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    return report(
      false,
      undefined,
      reason === 'ECONNREFUSED' ? 'nothing answers (connection refused)' : reason,
    );
  }
}
