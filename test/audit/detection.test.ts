import { describe, expect, it } from 'vitest';
import { extractFacts } from '../../src/audit/languages/typescript/extract.js';
import { isTestPath } from '../../src/audit/languages/typescript/frameworks.js';
import { loadTypeScript } from '../../src/audit/languages/typescript/parser.js';

const ts = loadTypeScript(process.cwd());
const facts = (code: string, file = 'src/x.ts') => extractFacts(ts, file, code, isTestPath(file));
const events = (code: string, file?: string) => facts(code, file).events.map((e) => `${e.name}:${e.source}`);
const channels = (code: string) =>
  facts(code).channels.map(
    (c) => `${c.client} ${c.role} ${'literal' in c.channel ? c.channel.literal : `$${c.channel.identifier}`}`,
  );

describe('event types in code: a positive and a negative case per rule', () => {
  it.each([
    [
      'defineEvent',
      "import { defineEvent } from 'eventproof'; export const A = defineEvent('OrderPlaced', s);",
      ['OrderPlaced:defineEvent'],
    ],
    ['defineEvent without a literal name', 'export const A = defineEvent(name, s);', []],
    [
      'zod schema named like an event',
      "import { z } from 'zod'; export const OrderPlacedSchema = z.object({ id: z.string() });",
      ['OrderPlaced:zod'],
    ],
    [
      'zod discriminant',
      "import { z } from 'zod'; export const Foo = z.object({ type: z.literal('OrderPlaced') }).strict();",
      ['OrderPlaced:zod'],
    ],
    [
      'a `z` that is not zod',
      "import { z } from './my-z'; export const OrderPlacedSchema = z.object({});",
      [],
    ],
    [
      'zod object that is not an event',
      "import { z } from 'zod'; export const Address = z.object({ street: z.string() });",
      [],
    ],
    [
      'zod discriminant that is not an event name',
      "import { z } from 'zod'; export const Button = z.object({ type: z.literal('submit') });",
      [],
    ],
    [
      'valibot discriminant',
      "import * as v from 'valibot'; export const C = v.object({ type: v.literal('CartEmptied') });",
      ['CartEmptied:valibot'],
    ],
    [
      'valibot named import',
      "import { object } from 'valibot'; export const CartEmptied = object({});",
      ['CartEmptied:valibot'],
    ],
    [
      'TypeBox discriminant',
      "import { Type } from '@sinclair/typebox'; export const S = Type.Object({ type: Type.Literal('StockDepleted') });",
      ['StockDepleted:typebox'],
    ],
    ['class named like an event', 'export class OrderShippedEvent {}', ['OrderShippedEvent:class']],
    ['class that is a service', 'export class OrderService {}', []],
    [
      'interface named like an event',
      'export interface UserRegistered { id: string }',
      ['UserRegistered:interface'],
    ],
    ['interface named like an adjective', 'export interface FieldRequired { id: string }', []],
    [
      'interface with a discriminant',
      "export interface Msg { type: 'InvoiceSent'; id: string }",
      ['InvoiceSent:discriminant'],
    ],
    ['interface with a UI discriminant', "export interface Props { type: 'submit' }", []],
    [
      'union of discriminated types',
      "export type E = { type: 'A.Created' } | { messageType: 'B_DELETED' };",
      ['A.Created:discriminant', 'B_DELETED:discriminant'],
    ],
    ['union alias named like an event group', 'export type ShopEvent = OrderCreated | OrderShipped;', []],
    [
      "Event<'X'>",
      "export type T = DomainEvent<'CartCheckedOut', { id: string }>;",
      ['CartCheckedOut:generic'],
    ],
    ["Array<'x'>", "export type T = Array<'CartCheckedOut'>;", []],
    [
      'class with a discriminant property',
      "export class Evt { readonly type = 'OrderRefunded'; }",
      ['OrderRefunded:discriminant'],
    ],
  ])('%s', (_title, code, expected) => {
    expect(events(code)).toEqual(expected);
  });
});

describe('publish and subscribe call sites: a positive and a negative case per client', () => {
  it.each([
    [
      'kafkajs send',
      "import { Kafka } from 'kafkajs'; await producer.send({ topic: 'orders', messages: [] });",
      ['kafkajs publish orders'],
    ],
    [
      'kafkajs subscribe topics',
      "import { Kafka } from 'kafkajs'; await consumer.subscribe({ topics: ['a', 'b'] });",
      ['kafkajs subscribe a', 'kafkajs subscribe b'],
    ],
    ['send without a Kafka client import', "await producer.send({ topic: 'orders', messages: [] });", []],
    [
      '@platformatic/kafka send',
      "import { Producer } from '@platformatic/kafka'; await p.send({ messages: [{ topic: 'pay', value: '1' }] });",
      ['@platformatic/kafka publish pay'],
    ],
    [
      '@platformatic/kafka consume',
      "import { Consumer } from '@platformatic/kafka'; await c.consume({ topics: ['pay'] });",
      ['@platformatic/kafka subscribe pay'],
    ],
    [
      '@confluentinc/kafka-javascript subscribe',
      "import { KafkaJS } from '@confluentinc/kafka-javascript'; await c.subscribe({ topic: 'x.y' });",
      ['kafkajs subscribe x.y'],
    ],
    [
      'amqplib sendToQueue',
      "import amqp from 'amqplib'; ch.sendToQueue('jobs', buf);",
      ['amqplib publish jobs'],
    ],
    [
      'amqplib publish uses the routing key',
      "import amqp from 'amqplib'; ch.publish('shop', 'order.created', buf);",
      ['amqplib publish order.created'],
    ],
    [
      'amqplib publish to a fanout uses the exchange',
      "import amqp from 'amqplib'; ch.publish('shop', '', buf);",
      ['amqplib publish shop'],
    ],
    [
      'amqplib consume',
      "import amqp from 'amqplib'; await ch.consume('jobs', onMessage);",
      ['amqplib subscribe jobs'],
    ],
    [
      'SQS SendMessageCommand',
      "import { SendMessageCommand } from '@aws-sdk/client-sqs'; new SendMessageCommand({ QueueUrl: 'https://sqs/1/orders', MessageBody: b });",
      ['@aws-sdk/client-sqs publish https://sqs/1/orders'],
    ],
    ['SQS command without the SQS import', "new SendMessageCommand({ QueueUrl: 'q' });", []],
    [
      'SNS PublishCommand',
      "import { PublishCommand } from '@aws-sdk/client-sns'; new PublishCommand({ TopicArn: 'arn:aws:sns:eu:1:orders' });",
      ['@aws-sdk/client-sns publish arn:aws:sns:eu:1:orders'],
    ],
    [
      'nats publish',
      "import { connect } from 'nats'; nc.publish('orders.created', data);",
      ['nats publish orders.created'],
    ],
    [
      'ioredis xadd',
      "import Redis from 'ioredis'; await redis.xadd('orders', '*', 'k', 'v');",
      ['ioredis publish orders'],
    ],
    [
      'ioredis xreadgroup',
      "import Redis from 'ioredis'; await redis.xreadgroup('GROUP', 'g', 'c', 'STREAMS', 'orders', '>');",
      ['ioredis subscribe orders'],
    ],
    [
      'mqtt subscribe',
      "import mqtt from 'mqtt'; client.subscribe('sensors/+/temp');",
      ['mqtt subscribe sensors/+/temp'],
    ],
    [
      'socket.io emit',
      "import { Server } from 'socket.io'; io.emit('order:updated', o);",
      ['socket.io publish order:updated'],
    ],
    [
      'socket.io built-in events are not channels',
      "import { Server } from 'socket.io'; io.on('connection', f);",
      [],
    ],
    [
      'BullMQ Queue and Worker',
      "import { Queue, Worker } from 'bullmq'; new Queue('emails'); new Worker('emails', f);",
      ['bullmq publish emails', 'bullmq subscribe emails'],
    ],
    [
      'NestJS @EventPattern',
      "import { EventPattern } from '@nestjs/microservices'; class C { @EventPattern('order_created') h() {} }",
      ['@nestjs/microservices subscribe order_created'],
    ],
    ['NestJS-like decorator without the import', "class C { @EventPattern('order_created') h() {} }", []],
    [
      "the project's own publish(topic, event)",
      'await this.publisher.publish(ORDERS_TOPIC, event);',
      ['app publish $ORDERS_TOPIC'],
    ],
    ['publish with a single argument is not a channel', 'await bus.publish(event);', []],
  ])('%s', (_title, code, expected) => {
    expect(channels(code)).toEqual(expected);
  });

  it('names the event a ws message carries in its type field', () => {
    expect(
      events("import { WebSocket } from 'ws'; ws.send(JSON.stringify({ type: 'PriceChanged', price: 1 }));"),
    ).toEqual(['PriceChanged:discriminant']);
    expect(events("ws.send(JSON.stringify({ type: 'PriceChanged' }));")).toEqual([]);
  });
});

describe('what a channel site lends its events', () => {
  it('the payload first, then the innermost function around the call, each once, in tree order', () => {
    const code = [
      'export function outer(order: Order) {',
      '  const unrelated = OrderCancelled;',
      '  return async function publishOrder(id: string) {',
      "    describe.each(rows)('in a helper', () => {});",
      "    await bus.publish('orders', { type: 'OrderPlaced', id });",
      "    await bus.publish('orders-audit', OrderAudited);",
      '  };',
      '}',
      "bus.publish('top', TopLevel);",
    ].join('\n');
    const sites = facts(code).channels.map((c) => c.payloadRefs);
    // The test call's callee counts too, though only its arguments are read as a test.
    const inner = ['publishOrder', 'id', 'describe', 'each', 'rows', 'in a helper', 'bus', 'publish'];
    expect(sites).toEqual([
      [
        'orders',
        'type',
        'OrderPlaced',
        'id',
        ...inner.filter((r) => r !== 'id'),
        'orders-audit',
        'OrderAudited',
      ],
      ['orders-audit', 'OrderAudited', ...inner, 'orders', 'type', 'OrderPlaced'],
      ['top', 'TopLevel'],
    ]);
  });

  it("at most 2,000 of the function's references", () => {
    const names = Array.from({ length: 2100 }, (_, i) => `name${i}`);
    const code = `function f() { ${names.join('; ')}; bus.publish('orders', payload); }`;
    const refs = facts(code).channels[0]!.payloadRefs;
    expect(refs).toEqual(['orders', 'payload', 'f', ...names.slice(0, 1999)]);
  });
});

describe('method names shared with every object', () => {
  it('toString() or constructor in a file that imports a client is no call site and loses nothing', () => {
    const code = [
      "import { Kafka } from 'kafkajs';",
      "export type OrderCreated = { type: 'OrderCreated' };",
      'const label = order.toString() + order.hasOwnProperty("id");',
      'const Made = new constructor();',
      "await producer.send({ topic: 'orders', messages: [] });",
    ].join('\n');
    const found = facts(code);
    expect(found.events.map((e) => e.name)).toContain('OrderCreated');
    expect(channels(code)).toEqual(['kafkajs publish orders']);
  });
});

describe('test files and their tests', () => {
  it.each([
    ['src/a.test.ts', true],
    ['src/a.spec.js', true],
    ['src/a.tests.js', true],
    ['src/OrderServiceTest.ts', true],
    ['src/__tests__/orders.ts', true],
    ['test/orders.e2e-spec.ts', true],
    ['src/contest.ts', false],
    ['src/testing.ts', false],
    ['src/Latest.ts', false],
  ])('%s is a test file by name: %s', (file, expected) => {
    expect(isTestPath(file)).toBe(expected);
  });

  it.each([
    ['vitest', "import { it, expect } from 'vitest'; it('a', () => { expect(1).toBe(1); });"],
    ['jest', "import { it, expect } from '@jest/globals'; it('a', () => { expect(1).toBe(1); });"],
    [
      'node:test',
      "import { test } from 'node:test'; import assert from 'node:assert'; test('a', () => { assert.ok(1); });",
    ],
    ['ava', "import test from 'ava'; test('a', (t) => { t.is(1, 1); });"],
    ['mocha', "import { describe, it } from 'mocha'; describe('s', () => { it('a', () => {}); });"],
  ])('recognises %s by its import', (framework, code) => {
    const f = facts(code, 'src/a.test.ts');
    expect(f.framework).toBe(framework);
    expect(f.tests).toHaveLength(1);
  });

  it('finds tests by their calls in a file named like source when it imports a runner', () => {
    expect(facts("import { it } from 'vitest'; it('a', () => {});", 'src/checks.ts').isTestFile).toBe(true);
    expect(
      facts("export function it(name: string) { return name; } it('a');", 'src/checks.ts').isTestFile,
    ).toBe(false);
  });

  it('joins describe titles and leaves out skipped and todo tests', () => {
    const f = facts(
      "describe('orders', () => { it('a', () => {}); it.skip('b', () => {}); it.todo('c'); describe.skip('d', () => { it('e', () => {}); }); });",
      'x.test.ts',
    );
    expect(f.tests.map((t) => t.title)).toEqual(['orders › a']);
  });

  const layersOf = (body: string, header = '') =>
    facts(`${header}\nit('t', async () => { ${body} });`, 'x.test.ts').tests[0]!.layers.map(
      (l) => `${l.layer}:${l.strength}`,
    );

  it.each([
    ['checkRoundTrip', 'checkRoundTrip(E);', ['serialization:full']],
    ['a hand-written round trip', 'expect(E.decode(E.encode(e))).toEqual(e);', ['serialization:full']],
    ['one direction only', 'expect(E.encode(e)).toBeTruthy();', ['serialization:partial']],
    ['schema validation only', 'expect(S.safeParse(x).success).toBe(true);', ['serialization:partial']],
    [
      'toHavePublished',
      'const p = recordingPublisher({ events: [E] }); expect(p).toHavePublished(E);',
      ['producer:partial', 'producer:full'],
    ],
    ['a mocked publish asserted', 'expect(publisher.publish).toHaveBeenCalledWith(x);', ['producer:full']],
    ['a mock of something else asserted', 'expect(logger.info).toHaveBeenCalled();', []],
    [
      'a consumer driven and asserted',
      'await handler.handle(e); expect(db.count()).toBe(1);',
      ['consumer:full'],
    ],
    ['a consumer driven, nothing asserted', 'await handler.handle(e);', ['consumer:partial']],
  ])('layer of %s', (_title, body, expected) => {
    expect(layersOf(body)).toEqual(expected);
  });

  it.each([
    ['testcontainers', "import { KafkaContainer } from '@testcontainers/kafka';", 'containerized'],
    ['an unmocked broker client', "import { Kafka } from 'kafkajs';", 'real'],
    ['a broker client mocked with vi.mock', "import { Kafka } from 'kafkajs'; vi.mock('kafkajs');", 'mocked'],
    ['aws-sdk-client-mock', "import { mockClient } from 'aws-sdk-client-mock';", 'mocked'],
  ])('broker use with %s', (_title, header, kind) => {
    const test = facts(`${header}\nit('t', async () => { expect(1).toBe(1); });`, 'x.test.ts').tests[0]!;
    expect(test.broker?.kind).toBe(kind);
    expect(test.layers.some((l) => l.layer === 'e2e')).toBe(kind !== 'mocked');
  });

  const scenariosOf = (title: string, body = '') => [
    ...new Set(
      facts(`it(${JSON.stringify(title)}, async () => { ${body} });`, 'x.test.ts').tests[0]!.scenarios.map(
        (s) => s.scenario,
      ),
    ),
  ];

  it.each([
    ['handles a duplicate event once', '', ['idempotency']],
    ['creates one order', 'await h.handle(e); await h.handle(e);', ['idempotency']],
    ['processes events in order', '', ['ordering']],
    ['orders', 'expect(p).toHavePublishedInOrder([A, B]);', ['ordering']],
    ['an update delivered before its create is kept', '', ['out-of-order']],
    ['requeues when the inventory is down', '', ['partial-failure']],
    ['reserves stock', 'const inv = failing(real, { reserve: { fail: 1 } });', ['partial-failure']],
    ['sends malformed messages to the DLQ', '', ['poison']],
    ['x', "await c.receive(Buffer.from('not valid json'));", ['poison']],
    ['rebuilds the projection by replay', '', ['replay']],
    ['gives up after a timeout', '', ['timeouts']],
    ['x', "failing(dep, { call: 'hang' });", ['partial-failure', 'timeouts']],
    ['reserves stock for each item', 'await h.handle(a); await h.handle(b);', []],
  ])('scenarios of "%s" %s', (title, body, expected) => {
    expect(scenariosOf(title, body)).toEqual(expected);
  });

  it('reads what parsed in a file with syntax errors, and says so', () => {
    const f = facts(
      "import { defineEvent } from 'eventproof';\nexport const A = defineEvent('OrderPlaced', s);\nconst = ;\n",
    );
    expect(f.events.map((e) => e.name)).toEqual(['OrderPlaced']);
    expect(f.warnings[0]).toMatch(/syntax error.*line 3/);
  });
});
