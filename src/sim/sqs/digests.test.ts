import { describe, expect, it } from 'vitest';
import { md5OfBody, md5OfMessageAttributes, sha256OfBody } from './digests.js';

// Published vectors (AWS's own example and SQS emulators' tests) that real SQS returns.
describe('SQS digests', () => {
  it('computes MD5OfMessageAttributes as SQS does', () => {
    expect(md5OfMessageAttributes({ SellerName: { DataType: 'String', StringValue: 'Example Store' } })).toBe(
      'cd28f3b68aeee4b2eac9c66f2f694b58',
    );
    expect(md5OfMessageAttributes({ timestamp: { DataType: 'Number', StringValue: '1493147359900' } })).toBe(
      '235c5c510d26fb653d073faed50ae77c',
    );
    expect(
      md5OfMessageAttributes({
        ordinal: { DataType: 'Number', StringValue: '1' },
        category: { DataType: 'String', StringValue: 'test' },
      }),
    ).toBe('d21ae90c49061e927f57df5f5d72be1f');
  });

  it('hashes the body for MD5OfMessageBody and content-based deduplication', () => {
    expect(md5OfBody('hello')).toBe('5d41402abc4b2a76b9719d911017c592');
    expect(sha256OfBody('hello')).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  });
});
