import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { InvalidArgumentError, failure } from '../../errors.js';
import { SeededRandom, randomSeed } from '../../sim/random.js';
import { addressOf, type SocketAddress } from './address.js';
import type { FaultProxyOptions } from './options.js';
import type { FaultProxyStats, Toxic, ToxicDirection } from './types.js';

/**
 * A toxic the proxy is applying; pass it to `remove`.
 *
 * @example
 * ```ts
 * const handle = await proxy.add({ type: 'timeout' });
 * await proxy.remove(handle);
 * ```
 */
export interface ToxicHandle {
  readonly id: number;
  readonly toxic: Toxic;
}

type Flow = 'upstream' | 'downstream';

interface Link {
  readonly id: number;
  readonly client: Socket;
  readonly server: Socket;
  /** Per toxic id: whether this connection drew "affected". */
  readonly affected: Map<number, boolean>;
  /** Bytes passed per limit_data toxic id. */
  readonly passed: Map<number, number>;
  readonly timers: Set<NodeJS.Timeout>;
  closed: boolean;
}

const defaultDirection = (toxic: Toxic): ToxicDirection =>
  toxic.direction ??
  (toxic.type === 'down' || toxic.type === 'reset_peer' || toxic.type === 'timeout' ? 'both' : 'downstream');

const pause = (ms: number) =>
  ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

/**
 * A TCP proxy between the code under test and a real broker that injects Toxiproxy's faults:
 * latency with jitter, bandwidth, down, reset_peer, timeout, slicer and limit_data.
 *
 * @example
 * ```ts
 * await using proxy = await faultProxy({ upstream: '127.0.0.1:5672', seed: 7 });
 * await proxy.with({ type: 'latency', latencyMs: 200, jitterMs: 50 }, () => placeOrder());
 * ```
 */
export class FaultProxy implements AsyncDisposable {
  readonly upstream: SocketAddress;
  readonly seed: number;
  readonly host: string;
  private listenPort: number;
  private readonly server: Server;
  private readonly links = new Set<Link>();
  private readonly active = new Map<number, ToxicHandle>();
  private readonly random: SeededRandom;
  private nextId = 1;
  private listening = false;
  private closing: Promise<void> | undefined;
  private counters = { connections: 0, bytesUpstream: 0, bytesDownstream: 0, cut: 0 };

  private constructor(options: FaultProxyOptions) {
    this.upstream = addressOf(options.upstream);
    this.seed = options.seed ?? randomSeed();
    this.random = new SeededRandom(this.seed);
    this.host = options.listen?.host ?? '127.0.0.1';
    this.listenPort = options.listen?.port ?? 0;
    this.server = createServer((client) => this.accept(client));
  }

  /** @internal Use `faultProxy()`. */
  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options);
    await proxy.listen();
    return proxy;
  }

  /** The port the proxy listens on. */
  get port(): number {
    return this.listenPort;
  }

  /** `host:port` of the proxy, for clients that take a bootstrap list. */
  get address(): string {
    return `${this.host}:${this.listenPort}`;
  }

  /** The given broker URL with its host and port replaced by the proxy's: `amqp://u:p@127.0.0.1:40123`. */
  url(brokerUrl: string): string {
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(brokerUrl)) return this.address;
    const parsed = new URL(brokerUrl);
    parsed.hostname = this.host;
    parsed.port = String(this.listenPort);
    return parsed.toString().replace(/\/$/, brokerUrl.endsWith('/') ? '/' : '');
  }

  stats(): FaultProxyStats {
    return { ...this.counters, open: this.links.size };
  }

  toxics(): readonly Toxic[] {
    return [...this.active.values()].map((h) => h.toxic);
  }

  /** Starts applying a toxic to open and future connections. */
  async add(toxic: Toxic): Promise<ToxicHandle> {
    validate(toxic);
    const handle: ToxicHandle = { id: this.nextId++, toxic };
    this.active.set(handle.id, handle);
    if (toxic.type === 'down') await this.goDown(handle);
    for (const link of this.links) this.onAdded(link, handle);
    return handle;
  }

  /** Stops applying a toxic; `down` ends and the proxy accepts connections again. */
  async remove(handle: ToxicHandle): Promise<void> {
    if (!this.active.delete(handle.id)) return;
    if (handle.toxic.type === 'down' && !this.anyActive('down') && this.closing === undefined)
      await this.listen();
  }

  /** Applies toxics for the duration of `body` only, removing them even when it throws. */
  async with<T>(toxics: Toxic | readonly Toxic[], body: () => Promise<T> | T): Promise<T> {
    const list: readonly Toxic[] = Array.isArray(toxics) ? toxics : [toxics as Toxic];
    const handles: ToxicHandle[] = [];
    try {
      for (const toxic of list) handles.push(await this.add(toxic));
      return await body();
    } finally {
      for (const handle of handles.reverse()) await this.remove(handle);
    }
  }

  /** Closes every connection and stops listening. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.active.clear();
      for (const link of [...this.links]) this.destroy(link, false);
      if (this.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.listening = false;
    })();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async listen(): Promise<void> {
    if (this.listening) return;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.listenPort, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.listening = true;
    this.listenPort = (this.server.address() as { port: number }).port;
  }

  private async goDown(_handle: ToxicHandle): Promise<void> {
    for (const link of [...this.links]) this.destroy(link, true);
    if (!this.listening) return;
    this.listening = false;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private anyActive(type: Toxic['type']): boolean {
    return [...this.active.values()].some((h) => h.toxic.type === type);
  }

  private accept(client: Socket): void {
    if (this.anyActive('down') || this.closing !== undefined) {
      client.destroy();
      return;
    }
    this.counters.connections++;
    const server = createConnection({ host: this.upstream.host, port: this.upstream.port });
    const link: Link = {
      id: this.counters.connections,
      client,
      server,
      affected: new Map(),
      passed: new Map(),
      timers: new Set(),
      closed: false,
    };
    this.links.add(link);
    client.setNoDelay(true);
    server.setNoDelay(true);
    this.pipe(link, client, server, 'upstream');
    this.pipe(link, server, client, 'downstream');
    const end = () => this.destroy(link, false);
    client.on('error', end).on('close', end);
    server.on('error', end).on('close', end);
    for (const handle of this.active.values()) this.onAdded(link, handle);
  }

  /** Connection-level effects of a toxic: resets and delayed closes. */
  private onAdded(link: Link, handle: ToxicHandle): void {
    const { toxic } = handle;
    if (!this.affects(link, handle)) return;
    if (toxic.type === 'reset_peer') {
      this.later(link, toxic.afterMs ?? 0, () => this.destroy(link, true, true));
    } else if (toxic.type === 'timeout' && (toxic.afterMs ?? 0) > 0) {
      this.later(link, toxic.afterMs ?? 0, () => this.destroy(link, true));
    }
  }

  private later(link: Link, ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      link.timers.delete(timer);
      action();
    }, ms);
    link.timers.add(timer);
  }

  /** Draws once per connection and toxic whether the toxic applies, so a run is replayable from its seed. */
  private affects(link: Link, handle: ToxicHandle): boolean {
    let hit = link.affected.get(handle.id);
    if (hit === undefined) {
      const p = handle.toxic.probability ?? 1;
      hit = p >= 1 ? true : p <= 0 ? false : this.random.nextFloat() < p;
      link.affected.set(handle.id, hit);
    }
    return hit;
  }

  private toxicsFor(link: Link, flow: Flow): ToxicHandle[] {
    return [...this.active.values()].filter((h) => {
      const direction = defaultDirection(h.toxic);
      return (direction === 'both' || direction === flow) && this.affects(link, h);
    });
  }

  private pipe(link: Link, from: Socket, to: Socket, flow: Flow): void {
    let tail = Promise.resolve();
    let lastDelivery = 0;
    from.on('data', (chunk: Buffer) => {
      const arrival = Date.now();
      tail = tail
        .then(async () => {
          if (link.closed) return;
          let data: Buffer = chunk;
          for (const { id, toxic } of this.toxicsFor(link, flow)) {
            if (toxic.type === 'timeout') return;
            if (toxic.type === 'limit_data') {
              const passed = link.passed.get(id) ?? 0;
              const room = Math.max(0, toxic.bytes - passed);
              if (data.length >= room) {
                this.write(link, to, data.subarray(0, room), flow);
                link.passed.set(id, toxic.bytes);
                this.destroy(link, true);
                return;
              }
              link.passed.set(id, passed + data.length);
            } else if (toxic.type === 'latency') {
              const jitter = toxic.jitterMs ? (this.random.nextFloat() * 2 - 1) * toxic.jitterMs : 0;
              const due = Math.max(lastDelivery, arrival + Math.max(0, toxic.latencyMs + jitter));
              lastDelivery = due;
              await pause(due - Date.now());
            } else if (toxic.type === 'bandwidth') {
              await pause((data.length / toxic.bytesPerSecond) * 1000);
            } else if (toxic.type === 'slicer') {
              data = await this.slice(link, to, data, toxic, flow);
            }
            if (link.closed) return;
          }
          if (data.length > 0) this.write(link, to, data, flow);
        })
        .catch(() => this.destroy(link, false));
    });
  }

  /** Writes all but nothing: every slice is written here, `delayMs` apart. */
  private async slice(
    link: Link,
    to: Socket,
    data: Buffer,
    toxic: Extract<Toxic, { type: 'slicer' }>,
    flow: Flow,
  ): Promise<Buffer> {
    let offset = 0;
    while (offset < data.length && !link.closed) {
      const variation = toxic.sizeVariation ?? 0;
      const size = Math.max(1, Math.round(toxic.averageSize + (this.random.nextFloat() * 2 - 1) * variation));
      this.write(link, to, data.subarray(offset, offset + size), flow);
      offset += size;
      if (offset < data.length) await pause(toxic.delayMs ?? 0);
    }
    return Buffer.alloc(0);
  }

  private write(link: Link, to: Socket, data: Buffer, flow: Flow): void {
    if (link.closed || data.length === 0) return;
    if (flow === 'upstream') this.counters.bytesUpstream += data.length;
    else this.counters.bytesDownstream += data.length;
    to.write(data);
  }

  private destroy(link: Link, byToxic: boolean, reset = false): void {
    if (link.closed) return;
    link.closed = true;
    if (byToxic) this.counters.cut++;
    for (const timer of link.timers) clearTimeout(timer);
    this.links.delete(link);
    if (reset) {
      link.client.resetAndDestroy();
      link.server.resetAndDestroy();
    } else {
      link.client.destroy();
      link.server.destroy();
    }
  }
}

function validate(toxic: Toxic): void {
  const bad = (reason: string) =>
    new InvalidArgumentError(
      failure(`add a ${toxic.type} toxic`, reason, 'See docs/brokers.md for each toxic and its fields'),
    );
  const p = toxic.probability;
  if (p !== undefined && !(p >= 0 && p <= 1)) throw bad(`probability must be between 0 and 1, got ${p}`);
  if (toxic.type === 'latency' && !(toxic.latencyMs >= 0))
    throw bad(`latencyMs must be ≥ 0, got ${toxic.latencyMs}`);
  if (toxic.type === 'bandwidth' && !(toxic.bytesPerSecond > 0))
    throw bad(`bytesPerSecond must be > 0, got ${toxic.bytesPerSecond}`);
  if (toxic.type === 'slicer' && !(toxic.averageSize >= 1))
    throw bad(`averageSize must be ≥ 1, got ${toxic.averageSize}`);
  if (toxic.type === 'limit_data' && !(toxic.bytes >= 0)) throw bad(`bytes must be ≥ 0, got ${toxic.bytes}`);
}
