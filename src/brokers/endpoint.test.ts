import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { canConnect, hostPortOf, redactUrl } from './endpoint.js';

describe('hostPortOf', () => {
  it('reads bare host:port lists, scheme URLs and scheme default ports', () => {
    expect(hostPortOf('127.0.0.1:9092,127.0.0.1:9093', 9092)).toEqual({ host: '127.0.0.1', port: 9092 });
    expect(hostPortOf('amqp://u:p@mq.test', 0)).toEqual({ host: 'mq.test', port: 5672 });
    expect(hostPortOf('https://sqs.us-east-1.amazonaws.com', 0)).toEqual({
      host: 'sqs.us-east-1.amazonaws.com',
      port: 443,
    });
    expect(hostPortOf('broker', 9092)).toEqual({ host: 'broker', port: 9092 });
  });

  it('returns undefined for something that is not an address', () => {
    expect(hostPortOf('', 1)).toBeUndefined();
    expect(hostPortOf('http://', 1)).toBeUndefined();
  });
});

describe('redactUrl', () => {
  it('hides passwords and keeps everything else', () => {
    expect(redactUrl('amqp://admin:s3cret@mq.test:5672/vhost')).toBe('amqp://admin:***@mq.test:5672/vhost');
    expect(redactUrl('http://127.0.0.1:9324')).toBe('http://127.0.0.1:9324');
  });
});

describe('canConnect', () => {
  it('is true for a listening port and false for a closed one', async () => {
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    expect(await canConnect('127.0.0.1', port, 300)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
    expect(await canConnect('127.0.0.1', port, 300)).toBe(false);
  });
});
