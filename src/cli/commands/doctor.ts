import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { dockerAvailable } from '../../brokers/provision.js';
import { checkService, SERVICES, type ServiceName, type ServiceReport } from '../../brokers/handshakes.js';
import { EventproofError, failure } from '../../errors.js';
import { EXIT, type CommandSpec } from '../command-table.js';
import { colours } from '../style.js';

const ALL = Object.keys(SERVICES) as ServiceName[];
const SCRIPT_NAME: Readonly<Record<ServiceName, string>> = {
  kafka: 'kafka',
  rabbitmq: 'rabbitmq',
  sqs: 'sqs',
  nats: 'nats',
  redis: 'redis',
  mqtt: 'mosquitto',
  postgres: 'postgres',
};

/** How to get one missing service, in one line. */
const howToGet = (name: ServiceName) =>
  `bash scripts/brokers.sh start ${SCRIPT_NAME[name]}, or set EVENTPROOF_${name.toUpperCase()}_URL`;

/** The probes' optional peers, and which entry needs each. */
const CLIENTS: readonly { readonly name: string; readonly for: string }[] = [
  { name: '@platformatic/kafka', for: 'eventproof/kafka' },
  { name: 'amqplib', for: 'eventproof/rabbitmq' },
  { name: '@aws-sdk/client-sqs', for: 'eventproof/sqs' },
  { name: 'testcontainers', for: 'the Docker fallback' },
];

interface ClientReport {
  readonly name: string;
  readonly for: string;
  /** Installed version as seen from the current directory, or undefined. */
  readonly version: string | undefined;
}

/** Which broker clients the project in the current directory can load, and their versions. */
function clientsHere(cwd = process.cwd()): ClientReport[] {
  const require = createRequire(join(cwd, 'noop.js'));
  return CLIENTS.map((client) => {
    try {
      // The package.json may not be exported, so find it beside the resolved entry's package root.
      const entry = require.resolve(client.name);
      const root = entry.slice(
        0,
        entry.lastIndexOf(`node_modules/${client.name}`) + `node_modules/${client.name}`.length,
      );
      const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        version?: string;
      };
      return { ...client, version: version ?? '?' };
    } catch {
      return { ...client, version: undefined };
    }
  });
}

/**
 * `eventproof doctor`: which brokers answer on this machine, their versions where a handshake tells,
 * and how to get the missing ones.
 */
export const doctorCommand: CommandSpec = {
  name: 'doctor',
  summary:
    'Show which brokers are reachable (Kafka, RabbitMQ, SQS, NATS, Redis, MQTT, PostgreSQL), their versions, and how to get the missing ones',
  options: {
    json: { type: 'boolean', description: 'Print the report as JSON' },
    require: {
      type: 'string',
      placeholder: 'names',
      description: 'Exit 1 unless these (comma-separated, e.g. kafka,rabbitmq,sqs) are reachable',
    },
  },
  positionals: [],
  async run({ options, stdout }) {
    const required = parseRequired(options.require);
    const [reports, docker] = await Promise.all([
      Promise.all(ALL.map((name) => checkService(name))),
      dockerAvailable(),
    ]);
    const clients = clientsHere();
    const missingRequired = reports
      .filter((r) => required.includes(r.name) && !r.reachable)
      .map((r) => r.name);
    if (options.json) {
      const json = {
        ok: missingRequired.length === 0,
        docker,
        brokers: reports.map((r) => ({ ...r, howToGet: r.reachable ? undefined : howToGet(r.name) })),
        clients: clients.map((cl) => ({ ...cl, version: cl.version ?? null })),
        missingRequired,
      };
      stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    } else {
      stdout.write(render(reports, clients, docker, missingRequired, colours(stdout)));
    }
    return missingRequired.length === 0 ? EXIT.ok : EXIT.checkFailed;
  },
};

function parseRequired(value: string | boolean | undefined): ServiceName[] {
  if (typeof value !== 'string' || value === '') return [];
  const names = value
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '');
  const unknown = names.filter((n) => !(n in SERVICES));
  if (unknown.length > 0)
    throw new EventproofError(
      'CLI_USAGE',
      failure(
        'run doctor',
        `unknown broker ${unknown.map((n) => `'${n}'`).join(', ')} in --require`,
        `Use some of: ${ALL.join(', ')}`,
      ),
    );
  return names as ServiceName[];
}

function render(
  reports: readonly ServiceReport[],
  clients: readonly ClientReport[],
  docker: boolean,
  missingRequired: readonly string[],
  c: ReturnType<typeof colours>,
): string {
  const lines = [c.bold('eventproof doctor — brokers on this machine'), ''];
  const nameWidth = Math.max(...reports.map((r) => r.name.length));
  const place = (r: ServiceReport) => `${r.address}${r.from === 'env' ? ' (env)' : ''}`;
  const addressWidth = Math.max(...reports.map((r) => place(r).length));
  for (const r of reports) {
    const mark = r.reachable ? c.green('✓') : c.red('✗');
    const where = place(r).padEnd(addressWidth);
    const what = r.reachable
      ? [r.version, r.detail].filter(Boolean).join(' — ')
      : c.red(r.detail ?? 'unreachable');
    lines.push(`${mark} ${c.cyan(r.name.padEnd(nameWidth))}  ${where}  ${what}`);
  }
  lines.push(
    '',
    `${docker ? c.green('✓') : c.dim('·')} Docker engine: ${docker ? 'answers (probes fall back to Testcontainers)' : 'not found (no Testcontainers fallback)'}`,
  );
  lines.push('', c.bold('Clients (optional peers, from this directory):'));
  const clientWidth = Math.max(...clients.map((cl) => cl.name.length));
  for (const cl of clients)
    lines.push(
      cl.version === undefined
        ? `${c.dim('·')} ${cl.name.padEnd(clientWidth)}  not installed: npm install --save-dev ${cl.name} (for ${cl.for})`
        : `${c.green('✓')} ${cl.name.padEnd(clientWidth)}  ${cl.version} (for ${cl.for})`,
    );
  const missing = reports.filter((r) => !r.reachable);
  if (missing.length > 0) {
    lines.push('', c.bold('How to get the missing ones:'));
    for (const r of missing) lines.push(`  ${r.name.padEnd(nameWidth)}  ${howToGet(r.name)}`);
    lines.push(
      c.dim(
        '  Without Docker, scripts/brokers.sh runs Kafka and ElasticMQ from Maven Central jars (see docs/local-brokers.md).',
      ),
    );
  }
  if (missingRequired.length > 0)
    lines.push('', c.red(`Required but unreachable: ${missingRequired.join(', ')}`));
  lines.push('');
  return lines.join('\n');
}
