import { createHash } from 'node:crypto';
import type { MessageAttributeValue } from './types.js';

/** MD5 of a message body as SQS returns it (`MD5OfMessageBody`, `MD5OfBody`): hex of the UTF-8 bytes. @internal */
export const md5OfBody = (body: string): string => createHash('md5').update(body, 'utf8').digest('hex');

/** The deduplication id content-based deduplication derives: SHA-256 of the body. @internal */
export const sha256OfBody = (body: string): string => createHash('sha256').update(body, 'utf8').digest('hex');

/**
 * `MD5OfMessageAttributes` as SQS computes it, so SDK code that verifies the digest accepts it:
 * attributes sorted by name, each as length-prefixed name, length-prefixed data type, a transport
 * byte (1 string, 2 binary) and the length-prefixed value.
 * @internal
 */
export function md5OfMessageAttributes(attributes: Readonly<Record<string, MessageAttributeValue>>): string {
  const hash = createHash('md5');
  const length = Buffer.alloc(4);
  const field = (bytes: Uint8Array) => {
    length.writeUInt32BE(bytes.length, 0);
    hash.update(length);
    hash.update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const attribute = attributes[name]!;
    field(Buffer.from(name, 'utf8'));
    field(Buffer.from(attribute.DataType, 'utf8'));
    if (attribute.BinaryValue !== undefined) {
      hash.update(Uint8Array.of(2));
      field(attribute.BinaryValue);
    } else {
      hash.update(Uint8Array.of(1));
      field(Buffer.from(attribute.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}
