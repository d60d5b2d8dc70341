/**
 * Publish and subscribe call sites of the broker clients the audit knows, as data: which module,
 * which call, which argument names the topic / queue / subject. A call only counts in a file that
 * imports the client, so `socket.emit` and `producer.send` elsewhere are not mistaken for them.
 */
export type ChannelArgument =
  /** The Nth argument is the channel. */
  | { readonly arg: number }
  /** A property of the first object argument: `{ topic: 'orders' }`, `{ topics: ['a', 'b'] }`. */
  | { readonly prop: string }
  /** A property of each element of an array property: `{ messages: [{ topic }] }`. */
  | { readonly each: string; readonly prop: string }
  /** The argument after a marker string: `xreadgroup(…, 'STREAMS', 'orders', '>')`. */
  | { readonly after: string }
  /** amqplib `publish(exchange, routingKey)`: the routing key, else the exchange. */
  | { readonly routing: true };

export interface CallSpec {
  readonly role: 'publish' | 'subscribe';
  readonly channel: readonly ChannelArgument[];
  /** `new X(...)` rather than `x.method(...)`. */
  readonly construct?: boolean;
  /** `@X(...)` on a method. */
  readonly decorator?: boolean;
}

export interface BrokerSpec {
  readonly client: string;
  readonly modules: readonly string[];
  readonly calls: Readonly<Record<string, CallSpec>>;
  /** Channel names the library itself uses (socket.io's `connect`): never events. */
  readonly reserved?: readonly string[];
}

/**
 * The call spec a method or constructor name has in `spec`: own entries only (never `toString` &
 * co.). Asked for every call the walk meets, so the entries are kept in a Map: looking a name up
 * on a plain object first makes V8 find (internalize) that string, for every call.
 */
const callMaps = new WeakMap<BrokerSpec, ReadonlyMap<string, CallSpec>>();
export const callNamed = (spec: BrokerSpec, name: string): CallSpec | undefined => {
  let calls = callMaps.get(spec);
  if (!calls) callMaps.set(spec, (calls = new Map(Object.entries(spec.calls))));
  return calls.get(name);
};

const publish = (...channel: ChannelArgument[]): CallSpec => ({ role: 'publish', channel });
const subscribe = (...channel: ChannelArgument[]): CallSpec => ({ role: 'subscribe', channel });
const construct = (spec: CallSpec): CallSpec => ({ ...spec, construct: true });

export const BROKERS: readonly BrokerSpec[] = [
  {
    client: 'kafkajs',
    modules: ['kafkajs', '@confluentinc/kafka-javascript', 'node-rdkafka'],
    calls: {
      send: publish({ prop: 'topic' }),
      sendBatch: publish({ each: 'topicMessages', prop: 'topic' }),
      produce: publish({ arg: 0 }),
      subscribe: subscribe({ prop: 'topic' }, { prop: 'topics' }, { arg: 0 }),
    },
  },
  {
    client: '@platformatic/kafka',
    modules: ['@platformatic/kafka'],
    calls: {
      send: publish({ each: 'messages', prop: 'topic' }),
      consume: subscribe({ prop: 'topics' }),
    },
  },
  {
    client: 'amqplib',
    modules: ['amqplib', 'amqplib/callback_api', 'amqp-connection-manager'],
    calls: {
      publish: publish({ routing: true }),
      sendToQueue: publish({ arg: 0 }),
      consume: subscribe({ arg: 0 }),
    },
  },
  {
    client: '@aws-sdk/client-sqs',
    modules: ['@aws-sdk/client-sqs'],
    calls: {
      SendMessageCommand: construct(publish({ prop: 'QueueUrl' })),
      SendMessageBatchCommand: construct(publish({ prop: 'QueueUrl' })),
      ReceiveMessageCommand: construct(subscribe({ prop: 'QueueUrl' })),
    },
  },
  {
    client: '@aws-sdk/client-sns',
    modules: ['@aws-sdk/client-sns'],
    calls: {
      PublishCommand: construct(publish({ prop: 'TopicArn' }, { prop: 'TargetArn' })),
      PublishBatchCommand: construct(publish({ prop: 'TopicArn' })),
      SubscribeCommand: construct(subscribe({ prop: 'TopicArn' })),
    },
  },
  {
    client: 'nats',
    modules: ['nats', '@nats-io/transport-node', '@nats-io/nats-core', '@nats-io/jetstream'],
    calls: { publish: publish({ arg: 0 }), request: publish({ arg: 0 }), subscribe: subscribe({ arg: 0 }) },
  },
  {
    client: 'ioredis',
    modules: ['ioredis', 'redis', '@redis/client'],
    calls: {
      xadd: publish({ arg: 0 }),
      xAdd: publish({ arg: 0 }),
      xread: subscribe({ after: 'STREAMS' }),
      xreadgroup: subscribe({ after: 'STREAMS' }),
    },
  },
  {
    client: 'mqtt',
    modules: ['mqtt', 'async-mqtt'],
    calls: {
      publish: publish({ arg: 0 }),
      publishAsync: publish({ arg: 0 }),
      subscribe: subscribe({ arg: 0 }),
      subscribeAsync: subscribe({ arg: 0 }),
    },
  },
  {
    client: 'socket.io',
    modules: ['socket.io', 'socket.io-client'],
    calls: { emit: publish({ arg: 0 }), on: subscribe({ arg: 0 }) },
    reserved: [
      'connect',
      'connection',
      'disconnect',
      'disconnecting',
      'connect_error',
      'error',
      'reconnect',
      'ping',
      'message',
      'newListener',
      'removeListener',
    ],
  },
  {
    client: 'ws',
    modules: ['ws'],
    calls: { send: publish() },
  },
  {
    client: 'bullmq',
    modules: ['bullmq', 'bull', 'bee-queue'],
    calls: {
      Queue: construct(publish({ arg: 0 })),
      Worker: construct(subscribe({ arg: 0 })),
      add: publish({ arg: 0 }),
    },
  },
  {
    client: '@nestjs/microservices',
    modules: ['@nestjs/microservices'],
    calls: {
      EventPattern: { ...subscribe({ arg: 0 }), decorator: true },
      MessagePattern: { ...subscribe({ arg: 0 }), decorator: true },
      emit: publish({ arg: 0 }),
      send: publish({ arg: 0 }),
    },
  },
];

/** The project's own publisher (`publisher.publish(ORDERS_TOPIC, event)`), in files importing no client. */
export const APP_PUBLISH: BrokerSpec = {
  client: 'app',
  modules: [],
  calls: { publish: publish({ arg: 0 }), publishEvent: publish({ arg: 0 }) },
};

/** Modules whose import in a test file means a real broker (unless the same file mocks them). */
export const BROKER_CLIENT_MODULES = new Set(BROKERS.flatMap((b) => b.modules));

/** Test doubles for broker clients: importing one means the broker is mocked. */
export const BROKER_MOCK_MODULES = new Set([
  'aws-sdk-client-mock',
  'ioredis-mock',
  'mock-amqplib',
  'amqplib-mocks',
  'kafkajs-mock',
  'redis-mock',
  'mqtt-mock',
  'mock-socket',
  'socket.io-mock',
]);

/** eventproof's Layer 4 probes: a real broker by construction. */
export const PROBE_MODULES = new Set([
  'eventproof/kafka',
  'eventproof/rabbitmq',
  'eventproof/sqs',
  'eventproof/nats',
  'eventproof/redis',
  'eventproof/mqtt',
  'eventproof/websocket',
]);

export const isContainerModule = (module: string): boolean =>
  module === 'testcontainers' || module.startsWith('@testcontainers/');
