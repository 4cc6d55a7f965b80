import {describe, expect, it} from 'vitest';
import {Compression} from '../../src/protocol/records/batch.js';
import {decodeBatches, encodeBatch, type RecordInput} from '../../src/protocol/records/records.js';

describe('encodeBatch: a numbered header (shared key and prefix, each record its number)', () => {
  const numbers = [0, 7, 9, 10, 99, 100, 123456789, 999_999_999, 1e9, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER];
  const origin = {key: 'kcollect.origin', prefix: Buffer.from('hôst-1:4242:')};
  for (const codec of [Compression.none, Compression.lz4]) {
    it(`${Compression[codec]}: comes back as the last header, the prefix followed by the number's decimal digits`, async () => {
      const input: RecordInput[] = numbers.map((n, i) => ({
        value: `line ${i}`,
        headers: i % 2 === 0 ? [{key: 'basename', value: 'status.txt'}] : undefined,
        numberedHeader: origin,
        headerNumber: n,
      }));
      const [batch] = await decodeBatches(await encodeBatch(input, {compression: codec}));
      expect(batch.records.map((r) => [r.value!.toString(), ...r.headers.map((h) => `${h.key}=${h.value!.toString()}`)])).toEqual(
        numbers.map((n, i) => [`line ${i}`, ...(i % 2 === 0 ? ['basename=status.txt'] : []), `kcollect.origin=hôst-1:4242:${n}`]),
      );
    });
  }

  it('writes the same bytes as the same header given as a string', async () => {
    const prefix = Buffer.from('edge-7:99:');
    const asNumber = await encodeBatch([{value: 'x', timestamp: 1, numberedHeader: {key: 'o', prefix}, headerNumber: 1048576}]);
    const asString = await encodeBatch([{value: 'x', timestamp: 1, headers: [{key: 'o', value: 'edge-7:99:1048576'}]}]);
    expect(asNumber.equals(asString)).toBe(true);
  });
});
