import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { faultProxy } from './index.js';

let echo: Server;
let upstream = '';
beforeAll(async () => {
  echo = createServer((socket) => socket.on('error', () => undefined).pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  upstream = `127.0.0.1:${(echo.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

/** Connects, sends `text`, and collects what comes back until `bytes` arrived, the socket closes, or `ms` pass. */
function roundTrip(port: number, text: string, ms = 1000, bytes = text.length) {
  return new Promise<{ data: string; error?: string; closed: boolean; elapsed: number; chunks: number }>(
    (resolve) => {
      const started = performance.now();
      const socket: Socket = createConnection({ host: '127.0.0.1', port });
      let data = '';
      let chunks = 0;
      let error: string | undefined;
      const finish = (closed: boolean) => {
        clearTimeout(timer);
        socket.destroy();
        resolve({ data, error, closed, elapsed: performance.now() - started, chunks });
      };
      const timer = setTimeout(() => finish(false), ms);
      socket.on('connect', () => socket.write(text));
      socket.on('data', (chunk) => {
        data += chunk.toString();
        chunks++;
        if (data.length >= bytes) finish(false);
      });
      socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
      socket.on('close', () => finish(true));
    },
  );
}

describe('faultProxy against a local echo server', () => {
  it('passes bytes through untouched without toxics', async () => {
    await using proxy = await faultProxy({ upstream });
    expect((await roundTrip(proxy.port, 'hello')).data).toBe('hello');
    expect(proxy.stats()).toMatchObject({ connections: 1, bytesUpstream: 5, bytesDownstream: 5 });
  });

  it('latency delays the reply by about latency ± jitter', async () => {
    await using proxy = await faultProxy({ upstream, seed: 1 });
    const reply = await proxy.with({ type: 'latency', latencyMs: 120, jitterMs: 20 }, () =>
      roundTrip(proxy.port, 'slow'),
    );
    expect(reply.data).toBe('slow');
    expect(reply.elapsed).toBeGreaterThanOrEqual(95);
    expect(reply.elapsed).toBeLessThan(400);
    const fast = await roundTrip(proxy.port, 'fast');
    expect(fast.elapsed).toBeLessThan(80);
  });

  it('down refuses connections fast, and the proxy accepts them again afterwards', async () => {
    await using proxy = await faultProxy({ upstream });
    const refused = await proxy.with({ type: 'down' }, () => roundTrip(proxy.port, 'x'));
    expect(refused.error).toBe('ECONNREFUSED');
    expect(refused.elapsed).toBeLessThan(200);
    expect((await roundTrip(proxy.port, 'back')).data).toBe('back');
  });

  it('down closes connections that were already open', async () => {
    await using proxy = await faultProxy({ upstream });
    const open = roundTrip(proxy.port, 'x', 1000, 99);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await proxy.with({ type: 'down' }, async () => {
      expect((await open).closed).toBe(true);
    });
  });

  it('reset_peer resets the connection', async () => {
    await using proxy = await faultProxy({ upstream });
    const reply = await proxy.with({ type: 'reset_peer', afterMs: 20 }, () =>
      roundTrip(proxy.port, 'x', 1000, 99),
    );
    expect(reply.error).toBe('ECONNRESET');
  });

  it('timeout swallows data (a black hole) and closes after afterMs when given', async () => {
    await using proxy = await faultProxy({ upstream });
    const hole = await proxy.with({ type: 'timeout' }, () => roundTrip(proxy.port, 'lost', 200));
    expect(hole).toMatchObject({ data: '', closed: false });
    const closing = await proxy.with({ type: 'timeout', afterMs: 50 }, () =>
      roundTrip(proxy.port, 'lost', 1000),
    );
    expect(closing).toMatchObject({ data: '', closed: true });
  });

  it('slicer cuts the reply into small chunks', async () => {
    await using proxy = await faultProxy({ upstream, seed: 7 });
    const text = 'abcdefghijklmnopqrstuvwxyz';
    const reply = await proxy.with({ type: 'slicer', averageSize: 3, sizeVariation: 1, delayMs: 5 }, () =>
      roundTrip(proxy.port, text),
    );
    expect(reply.data).toBe(text);
    expect(reply.chunks).toBeGreaterThan(4);
  });

  it('limit_data closes the connection after the given bytes', async () => {
    await using proxy = await faultProxy({ upstream });
    const reply = await proxy.with({ type: 'limit_data', bytes: 4 }, () =>
      roundTrip(proxy.port, 'abcdefgh', 1000, 99),
    );
    expect(reply).toMatchObject({ data: 'abcd', closed: true });
  });

  it('bandwidth slows the transfer to about bytes per second', async () => {
    await using proxy = await faultProxy({ upstream });
    const reply = await proxy.with({ type: 'bandwidth', bytesPerSecond: 1000 }, () =>
      roundTrip(proxy.port, 'x'.repeat(100)),
    );
    expect(reply.data).toHaveLength(100);
    expect(reply.elapsed).toBeGreaterThanOrEqual(90);
  });

  it('acts per direction: an upstream-only black hole still lets nothing back, a downstream one lets the server see data', async () => {
    await using proxy = await faultProxy({ upstream });
    const down = await proxy.with({ type: 'limit_data', bytes: 0, direction: 'upstream' }, () =>
      roundTrip(proxy.port, 'abc', 300, 99),
    );
    expect(down.data).toBe('');
    expect(proxy.stats().bytesUpstream).toBe(0);
    const up = await proxy.with({ type: 'latency', latencyMs: 100, direction: 'upstream' }, () =>
      roundTrip(proxy.port, 'abc'),
    );
    expect(up.elapsed).toBeGreaterThanOrEqual(90);
  });

  it('applies a toxic to a seeded share of connections, the same share for the same seed', async () => {
    const hits = async (seed: number) => {
      await using proxy = await faultProxy({ upstream, seed });
      const outcomes: boolean[] = [];
      await proxy.with({ type: 'timeout', probability: 0.5 }, async () => {
        for (let i = 0; i < 12; i++) outcomes.push((await roundTrip(proxy.port, 'p', 60)).data === '');
      });
      return outcomes;
    };
    const first = await hits(42);
    expect(first.filter(Boolean).length).toBeGreaterThan(0);
    expect(first.filter(Boolean).length).toBeLessThan(12);
    expect(await hits(42)).toEqual(first);
  });

  it('removes the toxic even when the body throws', async () => {
    await using proxy = await faultProxy({ upstream });
    await expect(proxy.with({ type: 'down' }, () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    expect(proxy.toxics()).toEqual([]);
    expect((await roundTrip(proxy.port, 'ok')).data).toBe('ok');
  });

  it('rejects a toxic with impossible settings', async () => {
    await using proxy = await faultProxy({ upstream });
    await expect(proxy.add({ type: 'latency', latencyMs: 10, probability: 2 })).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(proxy.add({ type: 'bandwidth', bytesPerSecond: 0 })).rejects.toThrow(
      /bytesPerSecond must be > 0/,
    );
  });

  it('rewrites a broker URL to point at the proxy, keeping credentials and path', async () => {
    await using proxy = await faultProxy({ upstream });
    expect(proxy.url('amqp://guest:guest@127.0.0.1:5672/vhost')).toBe(
      `amqp://guest:guest@127.0.0.1:${proxy.port}/vhost`,
    );
    expect(proxy.url('127.0.0.1:9092')).toBe(`127.0.0.1:${proxy.port}`);
  });
});
