/**
 * Consumers decode batches with a cap on decompressed bytes: a small batch that inflates past it
 * (a "zip bomb") is an error saying so, for every codec, instead of gigabytes of memory. For
 * snappy, lz4 and zstd the codec's framing gives the size away before anything is inflated.
 */
import {describe, expect, it} from 'vitest';
import {Compression} from '../../src/protocol/records/batch.js';
import {DecompressedTooLargeError, decompress} from '../../src/protocol/records/compression.js';
import {decodeBatches, encodeBatch} from '../../src/protocol/records/records.js';
import {WireConnection} from '../../src/client/wire-connection.js';
import {Produce} from '../../src/protocol/messages/00-produce.js';
import {startBroker} from '../helpers/broker.js';
import {kcollect} from '../helpers/cli.js';

const MiB = 1024 * 1024;
const codecs = ['gzip', 'snappy', 'lz4', 'zstd'] as const;

describe('decompression limit', () => {
  for (const name of codecs) {
    it(`${name}: a batch inflating past the limit is refused; under it, decoded as before`, async () => {
      const value = Buffer.alloc(8 * MiB, 'a');
      const batch = await encodeBatch([{value}], {compression: Compression[name]});
      expect(batch.length).toBeLessThan(MiB);
      await expect(decodeBatches(batch, {maxDecompressedBytes: 4 * MiB})).rejects.toThrow(/batch at offset 0 .*decompression failed: the payload decompresses to .*the 4194304-byte limit/);
      const [decoded] = await decodeBatches(batch, {maxDecompressedBytes: 16 * MiB});
      expect(decoded.records[0].value!.equals(value)).toBe(true);
    });
  }

  for (const name of ['snappy', 'lz4', 'zstd'] as const) {
    it(`${name}: the limit is known from the framing, before inflating`, async () => {
      const batch = await encodeBatch([{value: Buffer.alloc(8 * MiB, 'a')}], {compression: Compression[name]});
      // The compressed payload follows the 61-byte batch header.
      const payload = batch.subarray(61);
      const err = await decompress(Compression[name], payload, MiB).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DecompressedTooLargeError);
    });
  }

  it('the default limit lets ordinary batches through', async () => {
    const batch = await encodeBatch([{value: Buffer.alloc(MiB, 'b')}], {compression: Compression.zstd});
    const [decoded] = await decodeBatches(batch);
    expect(decoded.records[0].value!.length).toBe(MiB);
  });
});

describe('kcollect consume of a batch that inflates past the limit', () => {
  it('exits 1 naming topic, partition and offset, without inflating it', async () => {
    const {broker, bootstrap} = await startBroker();
    try {
      // The topic takes big batches, so the broker keeps it whatever it checks on produce.
      expect((await kcollect(bootstrap, ['topic', 'create', 'bomb', '-c', 'max.message.bytes=209715200'])).code).toBe(0);
      expect((await kcollect(bootstrap, ['produce', 'bomb'], {input: 'fine\n'})).code).toBe(0);
      const records = await encodeBatch([{value: Buffer.alloc(100 * MiB)}], {compression: Compression.gzip});
      const [host, port] = bootstrap.split(':');
      const conn = await WireConnection.connect(host, Number(port));
      const res = await conn.request(Produce, 3, {transactionalId: null, acks: 1, timeoutMs: 30_000, topicData: [{name: 'bomb', partitionData: [{index: 0, records}]}]});
      conn.close();
      expect(res.responses[0].partitionResponses[0].errorCode).toBe(0);
      const r = await kcollect(bootstrap, ['consume', 'bomb', '--from', 'beginning', '--exit']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^kcollect: cannot decode records of bomb\/0 near offset \d+: batch at offset 1 .*gzip decompression failed: the payload decompresses to more than the \d+-byte limit/);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await broker.close();
    }
  }, 120_000);
});
