import { randomBytes } from 'node:crypto';

/**
 * A prefix unique to one probe: `ep-<label>-<8 hex>`. Every topic, queue and exchange the probe
 * creates starts with it, so parallel tests and leftovers of crashed runs never collide.
 * @internal
 */
export function isolatedPrefix(label = 'test'): string {
  const safe =
    label
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 24) || 'test';
  return `ep-${safe}-${randomBytes(4).toString('hex')}`;
}

/**
 * Joins the prefix and the logical name with characters every broker accepts (Kafka allows
 * `[a-zA-Z0-9._-]`, SQS the same minus `.`, up to 80; a FIFO queue must end in `.fifo`).
 * @internal
 */
export function isolatedName(prefix: string, logical: string, maxLength = 200): string {
  const fifo = logical.endsWith('.fifo');
  const base = (fifo ? logical.slice(0, -'.fifo'.length) : logical).replace(/[^a-zA-Z0-9_-]+/g, '-');
  const name = `${prefix}-${base}`.slice(0, maxLength - (fifo ? 5 : 0));
  return fifo ? `${name}.fifo` : name;
}
