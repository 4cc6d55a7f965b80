import {describe, expect, it} from 'vitest';
import {decode, encode} from '../../src/protocol/codec.js';
import {ApiVersions} from '../../src/protocol/messages/18-api-versions.js';
import {Reader} from '../../src/protocol/reader.js';

describe('codec', () => {
  const body = {errorCode: 0, apiKeys: [{apiKey: 0, minVersion: 3, maxVersion: 8}], throttleTimeMs: 0};

  it('round-trips ApiVersions v0 and v3 responses', () => {
    for (const v of [0, 1, 2, 3]) {
      const bytes = encode(ApiVersions.response, v, body).toBuffer();
      const back = decode(ApiVersions.response, v, new Reader(bytes));
      expect(back.apiKeys).toEqual(body.apiKeys);
      expect(back.errorCode).toBe(0);
    }
  });

  it('encodes v3 compactly: uvarint array length N+1 and tagged-field sections', () => {
    const bytes = encode(ApiVersions.response, 3, body).toBuffer();
    // error(2) + len(1)=2 + key(2)+min(2)+max(2)+tags(1) + throttle(4) + tags(1)
    expect(bytes.length).toBe(15);
    expect(bytes[2]).toBe(2);
  });

  it('rejects truncated input with a ProtocolError', () => {
    const bytes = encode(ApiVersions.response, 3, body).toBuffer();
    expect(() => decode(ApiVersions.response, 3, new Reader(bytes.subarray(0, 7)))).toThrow(/truncated/);
  });
});
