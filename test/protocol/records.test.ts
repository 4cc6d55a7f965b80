import {createRequire} from 'node:module';
import {describe, expect, it} from 'vitest';
import {registerCodecs} from '../../src/client/codecs.js';
import {
  Attr,
  Compression,
  Off,
  batchCrcValid,
  computeBatchCrc,
  setBaseOffset,
  setLogAppendTime,
} from '../../src/protocol/records/batch.js';
import {compress} from '../../src/protocol/records/compression.js';
import {type ConsumedRecord, type RecordInput, decodeBatches, encodeBatch} from '../../src/protocol/records/records.js';

const CODECS = [Compression.none, Compression.gzip, Compression.snappy, Compression.lz4, Compression.zstd];
const T0 = 1_714_564_800_000;

function sampleRecords(n: number): RecordInput[] {
  return Array.from({length: n}, (_, i) => ({
    key: i % 7 === 3 ? null : `key-${i}`,
    value: i % 11 === 5 ? null : Buffer.from(`2024-05-01T12:00:00Z INFO svc=api-${i % 5} path=/v1/items/${i} status=200 msg="request ${i} done"`),
    headers:
      i % 3 === 0
        ? []
        : [
            {key: 'trace-id', value: `t-${i}`},
            {key: 'ünïcode ☕', value: null},
          ],
    timestamp: T0 + ((i * 37) % 1000) - 200, // not monotonic: deltas go negative
  }));
}

const str = (b: Buffer | null) => (b === null ? null : b.toString());

/** Replaces the payload of a batch and fixes length, attributes and CRC, as a producer would. */
function withPayload(batch: Buffer, codec: Compression, payload: Buffer): Buffer {
  const out = Buffer.concat([batch.subarray(0, 61), payload]);
  out.writeInt32BE(out.length - 12, Off.batchLength);
  out.writeInt16BE((out.readInt16BE(Off.attributes) & ~Attr.compressionMask) | codec, Off.attributes);
  out.writeUInt32BE(computeBatchCrc(out), Off.crc);
  return out;
}

const kcat = (name: string) => Buffer.from(KCAT[name], 'base64');

describe('encodeBatch/decodeBatches round trip', () => {
  for (const codec of CODECS) {
    it(`${Compression[codec]}: 1000 records with keys, null keys and values, headers`, async () => {
      const input = sampleRecords(1000);
      const batch = await encodeBatch(input, {compression: codec});
      expect(batchCrcValid(batch)).toBe(true);
      const [decoded, ...rest] = await decodeBatches(batch);
      expect(rest).toEqual([]);
      const h = decoded.header;
      expect(h).toMatchObject({
        baseOffset: 0,
        size: batch.length,
        partitionLeaderEpoch: -1,
        magic: 2,
        attributes: codec,
        lastOffsetDelta: 999,
        baseTimestamp: input[0].timestamp,
        maxTimestamp: Math.max(...input.map((r) => r.timestamp!)),
        producerId: -1,
        producerEpoch: -1,
        baseSequence: -1,
        recordsCount: 1000,
      });
      expect(decoded.records).toHaveLength(1000);
      decoded.records.forEach((r, i) => {
        expect(r.offset).toBe(i);
        expect(r.timestamp).toBe(input[i].timestamp);
        expect(str(r.key)).toBe(input[i].key);
        expect(str(r.value)).toBe(str(input[i].value as Buffer | null));
        expect(r.headers.map((x) => [x.key, str(x.value)])).toEqual((input[i].headers ?? []).map((x) => [x.key, x.value]));
      });
      if (codec !== Compression.none) {
        const plain = await encodeBatch(input, {compression: Compression.none});
        expect(batch.length).toBeLessThan(plain.length / 2);
      }
    });
  }

  it('defaults timestamps to baseTimestamp and carries idempotence fields', async () => {
    const batch = await encodeBatch([{value: 'a'}, {value: 'b', timestamp: T0 + 5}], {
      baseTimestamp: T0,
      producerId: 4242,
      producerEpoch: 3,
      baseSequence: 17,
      transactional: true,
    });
    const [{header, records}] = await decodeBatches(batch);
    expect(header).toMatchObject({producerId: 4242, producerEpoch: 3, baseSequence: 17, baseTimestamp: T0, maxTimestamp: T0 + 5});
    expect(header.attributes).toBe(Attr.transactional);
    expect(records.map((r) => [r.timestamp, r.key, str(r.value)])).toEqual([
      [T0, null, 'a'],
      [T0 + 5, null, 'b'],
    ]);
  });

  it('decodes timestamp deltas of every varint length, short and past 7 bytes, both signs', async () => {
    // 2^47 is the largest zig-zag delta in 7 bytes; 2^50 and -2^50 take 8.
    const timestamps = [0, 63, -64, 2 ** 47 - 1, -(2 ** 47), 2 ** 50, -(2 ** 50), 2 ** 51 + 3];
    const batch = await encodeBatch(timestamps.map((timestamp) => ({value: 'v', timestamp})));
    const [{records}] = await decodeBatches(batch);
    expect(records.map((r) => r.timestamp)).toEqual(timestamps);
  });

  it('stamps records with their topic and partition when asked (a consumer), and shares one frozen empty header list', async () => {
    const batch = await encodeBatch([{value: 'a'}, {value: 'b', headers: [{key: 'h', value: 'x'}]}], {baseTimestamp: T0});
    const [{records}] = await decodeBatches(batch, {origin: {topic: 'logs', partition: 2}});
    expect(records.map((r) => [r.topic, r.partition, r.offset, str(r.value)])).toEqual([
      ['logs', 2, 0, 'a'],
      ['logs', 2, 1, 'b'],
    ]);
    expect(records[0].headers).toEqual([]);
    expect(() => records[0].headers.push({key: 'k', value: null})).toThrow();
    expect(records[1].headers.map((h) => [h.key, str(h.value)])).toEqual([['h', 'x']]);
  });

  it("makes a consumer's record headers when read, the same as decoded at once, and checks them at decoding", async () => {
    const headers = [
      {key: 'origin', value: 'host:42:1234'},
      {key: '종류', value: null},
      {key: 'h', value: ''},
    ];
    const batch = await encodeBatch([{value: 'a', headers}, {value: 'b'}], {baseTimestamp: T0});
    const [eager] = await decodeBatches(batch);
    const [lazy] = await decodeBatches(batch, {origin: {topic: 'logs', partition: 0}});
    expect(lazy.records.map((r) => r.headers)).toEqual(eager.records.map((r) => r.headers));
    expect(lazy.records[0].headers.map((h) => [h.key, h.value && str(h.value)])).toEqual([['origin', 'host:42:1234'], ['종류', null], ['h', '']]);

    // The last header's key length made -1 (zigzag 0x01): refused with or without an origin.
    const one = await encodeBatch([{value: 'v', headers: [{key: 'k', value: 'x'}]}], {baseTimestamp: T0});
    const at = one.lastIndexOf(Buffer.from([0x02, 0x6b, 0x02, 0x78]));
    const bad = Buffer.from(one);
    bad[at] = 0x01;
    bad.writeUInt32BE(computeBatchCrc(bad), Off.crc);
    await expect(decodeBatches(bad)).rejects.toThrow(/null header key/);
    await expect(decodeBatches(bad, {origin: {topic: 'logs', partition: 0}})).rejects.toThrow(/null header key/);
  });

  it("gives a consumer's record values that copy straight out of the fetched bytes, null and empty ones included", async () => {
    for (const codec of [Compression.none, Compression.lz4]) {
      const batch = await encodeBatch([{value: 'first line'}, {value: null}, {value: ''}, {key: 'k', value: 'after'}], {baseTimestamp: T0, compression: codec});
      const [{records}] = await decodeBatches(batch, {origin: {topic: 'logs', partition: 0}});
      const out = Buffer.alloc(32, '.');
      let at = 0;
      for (const r of records) at += (r as ConsumedRecord).copyValue(out, at);
      expect(out.subarray(0, at).toString()).toBe('first lineafter');
      expect(records.map((r) => (r as ConsumedRecord).valueLength)).toEqual([10, -1, 0, 5]);
      expect(records.map((r) => r.value && str(r.value))).toEqual(['first line', null, '', 'after']);
      expect(str(records[3].key)).toBe('k');
    }
  });

  it('refuses an empty batch and fractional timestamps', async () => {
    await expect(encodeBatch([])).rejects.toThrow(/at least one record/);
    await expect(encodeBatch([{value: 'x', timestamp: 1.5}])).rejects.toThrow(/not an integer/);
  });

  it('writes the bytes a Java producer writes for a known record', async () => {
    // Hand-assembled per DefaultRecord.writeTo: length 12 (zig-zag 0x18), attrs 0, tsDelta 0,
    // offsetDelta 0, key "k", value "v1", 1 header ("h", null).
    const batch = await encodeBatch([{key: 'k', value: 'v1', headers: [{key: 'h', value: null}]}], {baseTimestamp: T0});
    expect(batch.subarray(61).toString('hex')).toBe('18' + '00' + '00' + '00' + '02' + '6b' + '04' + '7631' + '02' + '02' + '68' + '01');
    expect(batch.readInt32BE(Off.batchLength)).toBe(batch.length - 12);
    expect(batch.length).toBe(61 + 13);
  });
});

describe('CRC', () => {
  it('encodeBatch writes a CRC-32C that batchCrcValid accepts and any flipped byte breaks', async () => {
    for (const codec of CODECS) {
      const batch = await encodeBatch(sampleRecords(20), {compression: codec});
      expect(batchCrcValid(batch)).toBe(true);
      for (const at of [Off.attributes, Off.recordsCount, batch.length - 1]) {
        const bad = Buffer.from(batch);
        bad[at] ^= 0x01;
        expect(batchCrcValid(bad)).toBe(false);
      }
      // baseOffset and partitionLeaderEpoch lie outside the CRC: the broker rewrites them.
      const moved = Buffer.from(batch);
      setBaseOffset(moved, 123456);
      moved.writeInt32BE(9, Off.partitionLeaderEpoch);
      expect(batchCrcValid(moved)).toBe(true);
    }
  });

  it('decodeBatches rejects a CRC mismatch naming the offset, unless told not to check', async () => {
    const batch = await encodeBatch(sampleRecords(5), {compression: Compression.none});
    setBaseOffset(batch, 77);
    batch[batch.length - 1] ^= 0x01;
    await expect(decodeBatches(batch)).rejects.toThrow(/batch at offset 77 \(byte 0\): CRC-32C mismatch/);
    await expect(decodeBatches(batch, {verifyCrc: false})).resolves.toHaveLength(1);
  });
});

describe('decodeBatches errors and framing', () => {
  it('rejects a corrupted compressed payload with a clear error naming the offset', async () => {
    for (const codec of [Compression.gzip, Compression.snappy, Compression.lz4, Compression.zstd]) {
      const batch = await encodeBatch(sampleRecords(200), {compression: codec});
      setBaseOffset(batch, 5000);
      // Corrupt the payload but keep the CRC right, as a buggy producer would: truncate it.
      const payload = batch.subarray(61);
      const bad = withPayload(batch, codec, payload.subarray(0, payload.length - 9));
      await expect(decodeBatches(bad)).rejects.toThrow(new RegExp(`^batch at offset 5000 \\(byte 0\\): ${Compression[codec]} decompression failed`));
    }
  });

  it('rejects a payload that decompresses to garbage records', async () => {
    const batch = await encodeBatch(sampleRecords(10), {compression: Compression.none});
    setBaseOffset(batch, 31);
    const garbage = await compress(Compression.zstd, Buffer.alloc(500, 0x7f));
    await expect(decodeBatches(withPayload(batch, Compression.zstd, garbage))).rejects.toThrow(
      /^batch at offset 31 \(byte 0\) \(zstd payload\): record 0: /,
    );
  });

  it('rejects records whose lengths disagree with the batch', async () => {
    const batch = await encodeBatch([{value: 'abcdefghij'}, {value: 'klmnopqrst'}], {compression: Compression.none});
    setBaseOffset(batch, 9);
    const extra = withPayload(batch, Compression.none, Buffer.concat([batch.subarray(61), Buffer.from([0])]));
    await expect(decodeBatches(extra)).rejects.toThrow(/offset 9 .*1 bytes left after 2 records/);
    const count = Buffer.from(batch);
    count.writeInt32BE(3, Off.recordsCount);
    count.writeUInt32BE(computeBatchCrc(count), Off.crc);
    await expect(decodeBatches(count)).rejects.toThrow(/offset 9 .*record 2: truncated/);
    const hostile = Buffer.from(batch);
    hostile.writeInt32BE(0x7fffffff, Off.recordsCount);
    hostile.writeUInt32BE(computeBatchCrc(hostile), Off.crc);
    await expect(decodeBatches(hostile)).rejects.toThrow(/recordsCount 2147483647 does not fit/);
  });

  it('rejects magic other than 2 and a batchLength too small for a header', async () => {
    const batch = await encodeBatch([{value: 'x'}]);
    const v1 = Buffer.from(batch);
    v1.writeInt8(1, Off.magic);
    await expect(decodeBatches(v1)).rejects.toThrow(/unsupported magic 1/);
    const tiny = Buffer.from(batch);
    tiny.writeInt32BE(10, Off.batchLength);
    await expect(decodeBatches(Buffer.concat([batch, tiny]))).rejects.toThrow(new RegExp(`batch at byte ${batch.length}: batchLength 10 is smaller than a batch header`));
  });

  it('walks several batches and ignores a trailing partial batch', async () => {
    const a = await encodeBatch(sampleRecords(3), {compression: Compression.lz4});
    const b = await encodeBatch(sampleRecords(4), {compression: Compression.snappy});
    const c = await encodeBatch(sampleRecords(50), {compression: Compression.zstd});
    setBaseOffset(b, 3);
    setBaseOffset(c, 7);
    for (const cut of [5, 30, 61, 70, c.length - 1]) {
      const decoded = await decodeBatches(Buffer.concat([a, b, c.subarray(0, cut)]));
      expect(decoded.map((d) => d.records.map((r) => r.offset))).toEqual([
        [0, 1, 2],
        [3, 4, 5, 6],
      ]);
    }
    const all = await decodeBatches(Buffer.concat([a, b, c]));
    expect(all.map((d) => d.records.length)).toEqual([3, 4, 50]);
    expect(all[2].records[49].offset).toBe(56);
    await expect(decodeBatches(Buffer.alloc(0))).resolves.toEqual([]);
  });

  it('gives every record of a LogAppendTime batch the batch maxTimestamp', async () => {
    for (const codec of [Compression.none, Compression.lz4]) {
      const batch = await encodeBatch(sampleRecords(10), {compression: codec});
      setLogAppendTime(batch, T0 + 99_999);
      const [{header, records}] = await decodeBatches(batch);
      expect(header.attributes & Attr.logAppendTime).toBe(Attr.logAppendTime);
      expect(new Set(records.map((r) => r.timestamp))).toEqual(new Set([T0 + 99_999]));
    }
  });

  it('returns the header of a control batch but none of its records', async () => {
    // A COMMIT marker: key (version 0, type 1), value (version 0, coordinatorEpoch 0).
    const marker = await encodeBatch([{key: Buffer.from('00000001', 'hex'), value: Buffer.from('000000000000', 'hex')}], {
      producerId: 11,
      producerEpoch: 0,
    });
    marker.writeInt16BE(Attr.transactional | Attr.control, Off.attributes);
    marker.writeUInt32BE(computeBatchCrc(marker), Off.crc);
    setBaseOffset(marker, 1);
    const data = await encodeBatch([{value: 'before'}]);
    const after = await encodeBatch([{value: 'after'}]);
    setBaseOffset(after, 2);
    const decoded = await decodeBatches(Buffer.concat([data, marker, after]));
    expect(decoded.map((d) => [d.header.baseOffset, d.header.producerId, d.records.map((r) => str(r.value))])).toEqual([
      [0, -1, ['before']],
      [1, 11, []],
      [2, -1, ['after']],
    ]);
  });
});

describe('batches written by real clients', () => {
  const expected = [
    ['k1', 'hello world'],
    [null, 'no key'],
    ['k3', null],
    ['k4', 'café ☕'],
  ];

  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    it(`kcat 1.7.1 / librdkafka 2.0.2, ${codec}`, async () => {
      const buf = kcat(`small-${codec}`);
      expect(batchCrcValid(buf)).toBe(true);
      const [{header, records}] = await decodeBatches(buf);
      expect(header.attributes).toBe(Compression[codec as keyof typeof Compression]);
      expect(header.recordsCount).toBe(4);
      expect(records.map((r) => [str(r.key), str(r.value)])).toEqual(expected);
      for (const r of records) {
        expect(r.headers.map((h) => [h.key, str(h.value)])).toEqual([
          ['h1', 'v1'],
          ['trace', 'abc'],
        ]);
        expect(r.timestamp).toBeGreaterThanOrEqual(header.baseTimestamp);
        expect(r.timestamp).toBeLessThanOrEqual(header.maxTimestamp);
      }
      expect(records.map((r) => r.offset)).toEqual([0, 1, 2, 3]);
    });
  }

  it('librdkafka raw snappy payload really is unframed', () => {
    const payload = kcat('small-snappy').subarray(61);
    expect(payload[0]).not.toBe(0x82);
  });

  for (const codec of ['lz4', 'zstd']) {
    it(`kcat ${codec}, 650 records (multi-block frame)`, async () => {
      const [{header, records}] = await decodeBatches(kcat(`big-${codec}`));
      expect(header.lastOffsetDelta).toBe(649);
      expect(records).toHaveLength(650);
      records.forEach((r, i) => {
        expect(r.offset).toBe(i);
        expect(str(r.key)).toBe(`k${i}`);
        expect(str(r.value)).toBe(`2024-05-01T12:00:00Z level=INFO svc=api path=/v1/items/${i % 10} status=200 ${'x'.repeat(60)}`);
      });
    });
  }

  it('librdkafka writes the same LZ4 frame descriptor as encodeBatch, and multi-block frames', async () => {
    const ours = await encodeBatch(sampleRecords(5), {compression: Compression.lz4});
    expect(kcat('big-lz4').subarray(61, 68).toString('hex')).toBe(ours.subarray(61, 68).toString('hex'));
    const [{records}] = await decodeBatches(kcat('big-lz4'));
    const rawSize = records.reduce((n, r) => n + (r.value?.length ?? 0), 0);
    expect(rawSize).toBeGreaterThan(65536);
  });

  it('kcat idempotent producer batch carries producer id, epoch and sequence', async () => {
    const [{header, records}] = await decodeBatches(kcat('idem-lz4'));
    expect(header.producerId).toBeGreaterThanOrEqual(0);
    expect(header.producerEpoch).toBe(0);
    expect(header.baseSequence).toBe(0);
    expect(records).toHaveLength(4);
  });

  it('snappy-java (Java producer) xerial-framed payload', async () => {
    const plain = kcat('small-none');
    const java = withPayload(plain, Compression.snappy, Buffer.from(JAVA_XERIAL_SMALL, 'base64'));
    const [a] = await decodeBatches(plain);
    const [b] = await decodeBatches(java);
    expect(b.header.attributes).toBe(Compression.snappy);
    expect(b.records).toEqual(a.records);
  });
});

describe('interop with kafkajs 2.2.4 record batches (codecs from registerCodecs)', () => {
  const require = createRequire(import.meta.url);
  const {RecordBatch} = require('kafkajs/src/protocol/recordBatch/v0/index.js');
  const KjsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
  const kjsBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder.js');
  const KjsDecoder = require('kafkajs/src/protocol/decoder.js');
  registerCodecs();

  for (const codec of CODECS) {
    it(`${Compression[codec]}: kafkajs → decodeBatches and encodeBatch → kafkajs`, async () => {
      const records = Array.from({length: 30}, (_, i) =>
        KjsRecord({offsetDelta: i, timestampDelta: i, key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), headers: {h: `x${i}`}}),
      );
      const enc = await RecordBatch({compression: codec, records, firstTimestamp: T0, maxTimestamp: T0 + 29, lastOffsetDelta: 29});
      const [{records: ours}] = await decodeBatches(enc.buffer);
      expect(ours.map((r) => [r.offset, r.timestamp, str(r.key), str(r.value), str(r.headers[0].value)])).toEqual(
        Array.from({length: 30}, (_, i) => [i, T0 + i, `k${i}`, `v${i}`, `x${i}`]),
      );

      const batch = await encodeBatch(sampleRecords(30), {compression: codec});
      const theirs = await kjsBatchDecoder(new KjsDecoder(batch));
      expect(theirs.records).toHaveLength(30);
      theirs.records.forEach((r: {offset: string; timestamp: string; key: Buffer | null; value: Buffer | null}, i: number) => {
        const want = sampleRecords(30)[i];
        expect([r.offset, Number(r.timestamp), str(r.key), str(r.value)]).toEqual([String(i), want.timestamp, want.key, str(want.value as Buffer | null)]);
      });
    });
  }
});

// Made on Debian bookworm: kcat 1.7.1 (librdkafka 2.0.2) producing to a librdkafka mock cluster
// (rd_kafka_mock_cluster_new via ctypes), read back raw with a Fetch v4 request:
//   kcat -P -p 0 -K : -Z -H h1=v1 -H trace=abc -X linger.ms=200 -X compression.codec=C
// small-*: the lines "k1:hello world", ":no key", "k3:", "k4:café ☕";
// big-*: 650 lines "k<i>:2024-05-01T12:00:00Z level=INFO svc=api path=/v1/items/<i%10> status=200 x{60}";
// idem-lz4: small with -X enable.idempotence=true.
const KCAT: Record<string, string> = {
  'small-none': [
    'AAAAAAAAAAAAAACtAAAAAAJXCDpcAAAAAAADAAABogH7QjoAAAGiAftCOv//////////////////AAAABEYAAAAEazEWaGVs',
    'bG8gd29ybGQEBGgxBHYxCnRyYWNlBmFiYzgAAAIBDG5vIGtleQQEaDEEdjEKdHJhY2UGYWJjMAAABARrMwEEBGgxBHYxCnRy',
    'YWNlBmFiY0IAAAYEazQSY2Fmw6kg4piVBARoMQR2MQp0cmFjZQZhYmM=',
  ].join(''),
  'small-gzip': [
    'AAAAAAAAAAAAAACTAAAAAALfcG4MAAEAAAADAAABogH7Qw4AAAGiAftDDv//////////////////AAAABB+LCAAAAAAAAANz',
    'Y2BgYMk2FMtIzcnJVyjPL8pJYWHJMGQpM+QqKUpMTmVLTEq2YGBgYuTJy1fITq3EkDQA6mfJNmbEkHBiYGBjyTYRSk5MO7xS',
    '4dGMqRgqAMoOkUF8AAAA',
  ].join(''),
  'small-snappy': [
    'AAAAAAAAAAAAAACIAAAAAAKFHsFcAAIAAAADAAABogH7Q+EAAAGiAftD4f//////////////////AAAABHzARgAAAARrMRZo',
    'ZWxsbyB3b3JsZAQEaDEEdjEKdHJhY2UGYWJjOAAAAgEMbm8ga2V5BD4dABwwAAAEBGszAUI2AEBCAAAGBGs0EmNhZsOpIOKY',
    'lUIiAA==',
  ].join(''),
  'small-lz4': [
    'AAAAAAAAAAAAAACaAAAAAAIhLdo9AAMAAAADAAABogH7RLEAAAGiAftEsf//////////////////AAAABAQiTRhgQIJaAAAA',
    '/SFGAAAABGsxFmhlbGxvIHdvcmxkBARoMQR2MQp0cmFjZQZhYmM4AAACAQxubyBrZXkdAI0wAAAEBGszARkA+AJCAAAGBGs0',
    'EmNhZsOpIOKYlSIAUGUGYWJjAAAAAA==',
  ].join(''),
  'small-zstd': [
    'AAAAAAAAAAAAAACPAAAAAAIm3nLUAAQAAAADAAABogH7RYEAAAGiAftFgf//////////////////AAAABCi1L/0AWK0CAJQE',
    'RgAAAARrMRZoZWxsbyB3b3JsZAQEaDEEdjEKdHJhY2UGYWJjOAAAAgEMbm8ga2V5MAAABARrMwFCAAAGBGs0EmNhZsOpIOKY',
    'lQMEDotaPDkABQU=',
  ].join(''),
  'big-lz4': [
    'AAAAAAAAAAAAABaAAAAAAALslXMNAAMAAAKJAAABogH7RycAAAGiAftHKP//////////////////AAACigQiTRhgQII3DgAA',
    '/0GyAgAAAARrMIACMjAyNC0wNS0wMVQxMjowMDowMFogbGV2ZWw9SU5GTyBzdmM9YXBpIHBhdGg9L3YxL2l0ZW1zLzAgc3Rh',
    'dHVzPTIwMCB4eAIAJ/ACBARoMQR2MQp0cmFjZQZhYmObAE8CBGsxmwAmHzGbAEpPBARrMpsAJh8ymwBKTwYEazObACYfM5sA',
    'Sk8IBGs0mwAmHzSbAEpPCgRrNZsAJh81mwBKTwwEazabACYfNpsASk8OBGs3mwAmHzebAEpPEARrOJsAJh84mwBKTxIEazmb',
    'ACYfOZsARo+0AgAAFAZrMQ8GgQCcAE8WBmsxEAaBAJwATxgGazERBoEAnABPGgZrMRIGgQCcAE8cBmsxEwaBAJwATx4GazEU',
    'BoEAnABPIAZrMRUGgQCcAE8iBmsxFgaBAJwATyQGazEXBoEAnABPJgZrMRgGhU8oBmsyGAaFTyoGazIYBoVPLAZrMhgGhU8u',
    'BmsyGAaFTzAGazIYBoVPMgZrMhgGhU80BmsyGAaFTzYGazIYBoVPOAZrMhgGhU86BmsyGAaFTzwGazMYBoVPPgZrMxgGhU9A',
    'BmszGAaFT0IGazMYBoVPRAZrMxgGhU9GBmszGAaFT0gGazMYBoVPSgZrMxgGhU9MBmszGAaFT04GazMYBoVPUAZrNBgGhU9S',
    'Bms0GAaFT1QGazQYBoVPVgZrNBgGhU9YBms0GAaFT1oGazQYBoVPXAZrNBgGhU9eBms0GAaFT2AGazQYBoVPYgZrNBgGhU9k',
    'Bms1GAaFT2YGazUYBoVPaAZrNRgGhU9qBms1GAaFT2wGazUYBoVPbgZrNRgGhU9wBms1GAaFT3IGazUYBoVPdAZrNRgGhU92',
    'Bms1GAaFT3gGazYYBoVPegZrNhgGhU98Bms2GAaFT34GazYYBoGftgIAAIABBms2GQaBAJ0AEIKdAA8aBoEAnQAQhJ0ADxsG',
    'gQCdABCGnQAPHAaBAJ0AEIidAA8dBoEAnQAQip0ADx4GgQCdAF+MAQZrNx8GgQCdABCOnQAPIAaBAJ0AEJCdAA8hBoEAnQAQ',
    'kp0ADyIGhRCUnQAPIgaFEJadAA8iBoUQmJ0ADyIGhRCanQAPIgaFEJydAA8iBoUQnp0ADyIGhV+gAQZrOCIGhRCinQAPIgaF',
    'EKSdAA8iBoUQpp0ADyIGhRConQAPIgaFEKqdAA8iBoUQrJ0ADyIGhRCunQAPIgaFELCdAA8iBoUQsp0ADyIGhV+0AQZrOSIG',
    'hRC2nQAPIgaFELidAA8iBoUQup0ADyIGhRC8nQAPIgaFEL6dAA8iBoUQwJ0ADyIGhRDCnQAPIgaFEMSdAA8iBoUQxp0ADyIG',
    'ga+4AgAAyAEIazEwIwaBAJ4AEcqeAA8kBoEAngARzJ4ADyUGgQCeABHOngAPJgaBAJ4AEdCeAA8nBoEAngAR0p4ADygGgQCe',
    'ABHUngAPKQaBAJ4AEdaeAA8qBoEAngAR2J4ADysGgQCeABHangAPLAaFENyeAA8qPYIAPAER3p4ADywGhRHgngAPLAaFEeKe',
    'AA8sBoUR5J4ADywGhRHmngAPLAaFEeieAA8sBoUR6p4ADywGhRHsngAPLAaFEe6eAA8sBoUQ8J4ADz49ggAsBhHyngAPLAaF',
    'EfSeAA8sBoUR9p4ADywGhRH4ngAPLAaFEfqeAA8sBoUR/J4ADywGhRH+ngAPLAaFX4ACCGsxTj2CAPAEEYKeAA8sBoUQhJ4A',
    'D1I9ggA8ARGGngAPLAaFEYieAA8sBoURip4ADywGhRGMngAPLAaFEY6eAA8sBoURkJ4ADywGhRGSngAPLAaFEZSeAA9YDIUR',
    'lp4ADywGhRCYngAPZj2CACwGEZqeAA8sBoURnJ4ADywGhRGengAPLAaFEaCeAA8sBoURop4ADywGhRGkngAPLAaFEaaeAA8s',
    'BoURqJ4ADywGhRGqngAPLAaFEKyeAA96PYIALAYRrp4ADywGhRGwngAPLAaFEbKeAA8sBoURtJ4ADywGhRG2ngAPLAaFEbie',
    'AA8sBoURup4ADywGhRG8ngAPLAaFEb6eAA8sBoUQwJ4AD449ggAsBhHCngAPLAaFEcSeAA8sBoURxp4ADywGhRHIngAPLAaF',
    'EcqeAA8sBoURzJ4ADywGhRHOngAPLAaFEdCeAA8sBoUR0p4ADywGhRDUngAPmz2CACwGEdaeAA8sBoUR2J4ADywGhRHangAP',
    'LAaFEdyeAA8sBoUR3p4ADywGhRHgngAPLAaFEeKeAA8sBoUR5J4ADywGhRHmngAPLAaFEOieAA+lPYIALAYR6p4ADywGhRHs',
    'ngAPLAaFEe6eAA8sBoUR8J4ADywGhRHyngAPLAaFEfSeAA8sBoUR9p4ADywGhRH4ngAPLAaFEfqeAA8sBoUQ/J4AD689ggAs',
    'BhH+ngAPLAaFb4ADCGsxOSwGhRGCngAPLAaFEYSeAA8sBoURhp4ADywGhRGIngAPLAaFEYqeAA8sBoURjJ4ADywGhRGOngAP',
    'LAaFX5ADCGsyuD2GEZKeAA8sBoURlJ4ADywGhRGWngAPLAaFEZieAA8sBoURmp4ADywGhRGcngAPLAaFEZ6eAA8sBoURoJ4A',
    'DywGhRGingAPLAaFEKSeAA+4PYYRpp4ADywGhRGongAPLAaFEaqeAA8sBoURrJ4ADywGhRGungAPLAaFEbCeAA8sBoURsp4A',
    'DywGhRG0ngAPLAaFEbaeAA8sBoUQuJ4AD7g9hhG6ngAPLAaFEbyeAA8sBoURvp4ADywGhRHAngAPLAaFEcKeAA8sBoURxJ4A',
    'DywGhRHGngAPLAaFEcieAA8sBoURyp4ADywGhRDMngAPuD2GEc6eAA8sBoUR0J4ADywGhRHSngAPLAaFEdSeAA8sBoUR1p4A',
    'DywGhRHYngAPLAaFEdqeAA8sBoUR3J4ADywGhRHengAPLAaFEOCeAA+4PYYR4p4ADywGhRHkngAPLAaEIQLmngAPLAaEIQLo',
    'ngAPLAaEIQLqngAPLAaEIQLsngAPLAaEIQLungAPLAaEIQLwngAPLAaEIQLyngAPLAaEIAL0ngAPuD2FIQL2ngAPLAaEIQL4',
    'ngAPLAaFEfqeAA8sBoUR/J4ADywGhRH+ngAPLAaFX4AECGsyPnuCUbgCAAKCngAPLAaFEYSeAA8sBoURhp4ADywGhRCIngAP',
    'uD2FIQKKngAPLAaFEYyeAA8sBoURjp4ADywGhRGQngAPLAaFEZKeAA8sBoURlJ4AD1gMhRGWngAPLAaFEZieAA8sBoURmp4A',
    'DywGhRCcngAPuD2FIQKengAPLAaFEaCeAA8sBoURop4ADywGhRGkngAPLAaFEaaeAA8sBoURqJ4ADywGhRGqngAPLAaFEaye',
    'AA8sBoURrp4ADywGhRCwngAPuD2FIQKyngAPLAaFEbSeAA8sBoURtp4ADywGhRG4ngAPLAaFEbqeAA8sBoURvJ4ADywGhRG+',
    'ngAPLAaFEcCeAA8sBoURwp4ADywGhRDEngAPuD2FIQLGngAPLAaFEcieAA8sBoURyp4ADywGhRHMngAPLAaFEc6eAA8sBoUR',
    '0J4ADywGhRHSngAPLAaFEdSeAA8sBoUR1p4ADywGhV/YBAhrM7g9hSEC2p4ADywGhRHcngAPLAaFEd6eAA8sBoUR4J4ADywG',
    'hRHingAPLAaFEeSeAA8sBoUR5p4ADywGhRHongAPLAaFEeqeAA8sBoUQ7J4AD7g9hSEC7p4ADywGhRHwngAPLAaFEfKeAA8s',
    'BoUR9J4ADywGhRH2ngAPLAaFEfieAA8sBoUR+p4ADywGhRH8ngAPLAaFEf6eAA8sBoVfgAUIazO4PYUhAoKeAA8sBoURhJ4A',
    'DywGhRGGngAPLAaFEYieAA8sBoURip4ADywGhRGMngAPLAaFEY6eAA8sBoURkJ4ADywGhRGSngAPLAaFEJSeAA+4PYUhApae',
    'AA8sBoURmJ4ADywGhRGangAPLAaFEZyeAA8sBoURnp4ADywGhRGgngAPLAaFEaKeAA8sBoURpJ4ADywGhRGmngAPLAaFEKie',
    'AA+4PYUhAqqeAA8sBoURrJ4ADywGhRGungAPLAaFEbCeAA8sBoURsp4ADywGhRG0ngAPLAaFEbaeAA8sBoURuJ4ADywGhRG6',
    'ngAPLAaFELyeAA+4PYYRvp4ADywGhRHAngAPLAaFEcKeAA8sBoURxJ4ADywGhRHGngAPLAaFEcieAA8sBoURyp4ADywGhRHM',
    'ngAPLAaFEc6eAA8sBoUQ0J4AD7g9hhHSngAPLAaFEdSeAA8sBoUR1p4ADywGhRHYngAPLAaFEdqeAA8sBoUR3J4ADywGhRHe',
    'ngAPLAaFEeCeAA8sBoUR4p4ADywGhRDkngAPuD2GEeaeAA8sBoUR6J4ADywGhRHqngAPLAaFEeyeAA8sBoUR7p4ADywGhRHw',
    'ngAPLAaFEfKeAA8sBoUR9J4ADywGhRH2ngAPLAaFEPieAA+4PYYR+p4ADywGhRH8ngAPLAaFEf6eAA8sBoVvgAYIazM4LAaF',
    'EYKeAA8sBoURhJ4ADywGhRGGngAPLAaFEYieAA8sBoURip4ADywGhRCMngAPuD2GEY6eAA8sBoURkJ4ADywGhRGSngAPLAaF',
    'EZSeAA8sBoURlp4ADywGhRGYngAPLAaFEZqeAA8sBoURnJ4ADywGhRGengAPLAaFX6AGCGs0uD2GEaKeAA8sBoURpJ4ADywG',
    'hRGmngAPLAaFEaieAA8sBoURqp4ADywGhRGsngAPLAaFEa6eAA8sBoURsJ4ADywGhRGyngAPLAaFELSeAA+4PYYRtp4ADywG',
    'hRG4ngAPLAaFEbqeAA8sBoURvJ4ADywGhRG+ngAPLAZqUHh4eHh4BQgAAP9WeAQEaDEEdjEKdHJhY2UGYWJjuAIAAsAGCGs0',
    'MTaAAjIwMjQtMDUtMDFUMTI6MDA6MDBaIGxldmVsPUlORk8gc3ZjPWFwaSBwYXRoPS92MS9pdGVtcy82IHN0YXR1cz0yMDAg',
    'eHgCACcPngACEcKeAB83ngAmHzeeAEoRxJ4AHzieACYfOJ4AShHGngAfOZ4AJh85ngBKEMieAC8yMJ4AJh8wngBKEcqeAB8x',
    'ngAmHzGeAEoRzJ4AHzKeACYfMp4AShHOngAfM54AJh8zngBKEdCeAB80ngAmHzSeAEoR0p4AHzWeACYfNZ4AShHUngAPLAaF',
    'EdaeAA8sBoUR2J4ADywGhRHangAPLAaFENyeAB8zLAaFEd6eAA8sBoUR4J4ADywGhRHingAPLAaFEeSeAA8sBoUR5p4ADywG',
    'hRHongAPLAaFEeqeAA8sBoUR7J4ADywGhRHungAPLAaFEPCeAB80LAaFEfKeAA8sBoUR9J4ADywGhRH2ngAPLAaFEfieAA8s',
    'BoUR+p4ADywGhRH8ngAPLAaFEf6eAA8sBoVvgAcIazQ0LAaFEYKeAA8sBoUQhJ4AHzUsBoURhp4ADywGhRGIngAPLAaFEYqe',
    'AA8sBoURjJ4ADywGhRGOngAPLAaFEZCeAA8sBoURkp4ADywGhRGUngAPLAaFEZaeAA8sBoUQmJ4AHzYsBoURmp4ADywGhRGc',
    'ngAPLAaFEZ6eAA8sBoURoJ4ADywGhRGingAPLAaFEaSeAA8sBoURpp4ADywGhRGongAPLAaFEaqeAA8sBoUQrJ4AHzcsBoUR',
    'rp4ADywGhRGwngAPLAaFEbKeAA8sBoURtJ4ADywGhRG2ngAPLAaFEbieAA8sBoURup4ADywGhRG8ngAPLAaFEb6eAA8sBoUQ',
    'wJ4AHzgsBoURwp4ADywGhRHEngAPLAaFEcaeAA8sBoURyJ4ADywGhRHKngAPLAaFEcyeAA8sBoURzp4ADywGhRHQngAPLAaF',
    'EdKeAA8sBoUQ1J4AHzksBoUR1p4ADywGhRHYngAPLAaFEdqeAA8sBoUR3J4ADywGhRHengAPLAaFEeCeAA8sBoUR4p4ADywG',
    'hRHkngAPLAaFEeaeAA8sBoVv6AcIazUwLAaFEeqeAA8sBoUR7J4ADywGhRHungAPLAaFEfCeAA8sBoUR8p4ADywGhRH0ngAP',
    'LAaFEfaeAA8sBoUR+J4ADywGhRH6ngAPLAaFEPyeAB8xLAaFEf6eAA8sBoVvgAgIazUxLAaFEYKeAA8sBoURhJ4ADywGhRGG',
    'ngAPLAaFEYieAA8sBoURip4ADywGhRGMngAPLAaFEY6eAA8sBoUQkJ4AD7g9hhGSngAPLAaFEZSeAA8sBoURlp4ADywGhRGY',
    'ngAPLAaFEZqeAA8sBoURnJ4ADywGhRGengAPLAaFEaCeAA8sBoURop4ADywGhRCkngAPuD2GEaaeAA8sBoURqJ4ADywGhRGq',
    'ngAPLAaFEayeAA8sBoURrp4ADywGhRGwngAPLAaFEbKeAA8sBoURtJ4ADywGhRG2ngAPLAaFELieAA+4PYYRup4ADywGhRG8',
    'ngAPLAaFEb6eAA8sBoURwJ4ADywGhRHCngAPLAaFEcSeAA8sBoURxp4ADywGhRHIngAPLAaFEcqeAA8sBoUQzJ4AD7g9hhHO',
    'ngAPLAaFEdCeAA8sBoUR0p4ADywGhRHUngAPLAaFEdaeAA8sBoUR2J4ADywGhRHangAPLAaFEdyeAA8sBoUR3p4ADywGhRDg',
    'ngAPuD2GEeKeAA8sBoUR5J4ADywGhRHmngAPLAaFEeieAA8sBoUR6p4ADywGhRHsngAPLAaFEe6eAA8sBoUR8J4ADywGhRHy',
    'ngAPLAaFEPSeAA+4PYYR9p4ADywGhRH4ngAPLAaFEfqeAA8sBoUR/J4ADywGhRH+ngAPLAaFb4AJCGs1NywGhRGCngAPLAaF',
    'EYSeAA8sBoURhp4ADywGhRCIngAPuD2GEYqeAA8sBoURjJ4ADywGhRGOngAPLAaFEZCeAA8sBoURkp4ADywGhRGUngAPLAaF',
    'EZaeAA8sBoURmJ4ADywGhRGangAPLAaFEJyeAA+4PYYRnp4ADywGhRGgngAPLAaFEaKeAA8sBoURpJ4ADywGhRGmngAPLAaF',
    'EaieAA8sBoURqp4ADywGhRGsngAPLAaFEa6eAA8sBoVfsAkIaza4PYYRsp4ADywGhRG0ngAPLAaFEbaeAA8sBoURuJ4ADywG',
    'hRG6ngAPLAaFEbyeAA8sBoURvp4ADywGhRHAngAPLAaFEcKeAA8sBoUQxJ4AD7g9hhHGngAPLAaFEcieAA8sBoURyp4ADywG',
    'hRHMngAPLAaFEc6eAA8sBoUR0J4ADywGhRHSngAPLAaFEdSeAA8sBoUR1p4ADywGhRDYngAPuD2GEdqeAA8sBoUR3J4ADywG',
    'hRHengAPLAaFEeCeAA8sBoUR4p4ADywGhRHkngAPLAaFEeaeAA8sBoUR6J4ADywGhRHqngAPLAaFEOyeAA+4PYYR7p4ADywG',
    'hRHwngAPLAaFEfKeAA8sBoUR9J4ADywGhRH2ngAPLAaFEfieAA8sBoUR+p4ADywGhRH8ngAPLAaFEf6eAA8sBoVfgAoIaza4',
    'PYYRgp4ADywGhRGEngAPLAaFEYaeAA8sBoURiJ4ADywGhRGKngAPLAaFEYyeAA8sBoURjp4ADywGhRGQngAPLAaFEZKeAA8s',
    'BnxQZQZhYmMAAAAA',
  ].join(''),
  'big-zstd': [
    'AAAAAAAAAAAAAAxwAAAAAAIvMtWdAAQAAAKJAAABogH7SAIAAAGiAftIA///////////////////AAACiii1L/0AWLVhAGpo',
    'ZBVI0FKnAwbVQ8ugemgZVA8tg+qhZQi5O7BuWDWODKs1mhCCUorwNvdkSFSjqtpKJ1HtSKIdgbr3llJKMYiJtuaS2CYXjyxp',
    'jyRlNgEqAWQB79IVY4f5XbZi7DC//8jvPvJ7j/zOA7/vwO8l+B0Hfr+B323gdxr4fQZ+j4HfYeB3F/edxX1Xcd9T3HcU9/3E',
    'fTdx30vcdxL3fcR9F2HfQdj3D/bdg33nYN832HcN9j2Dfcdg3y/Y9wr1nUJ9/+p7ru+3vtf6zqrvEuo7hPr+oL47oO8NYmwc',
    'fWcQY+Po+4IYG0ffSWJsHH1XEGPj6HuCGBtH3xHE2Dj6fiDGxtF3AzE2jr4XiLFxIPgdge/7boDnfScg5+8CYPwdgHu/m9Z+',
    '57V+11H6XcfYtxYsVviLFitwlACgOzoao+t4kLBY1UIOHSUrSnKQsCbkqPGiRMYEumOChRglK26QyLixwkKLHTlIQmwA0cEC',
    'jRc7XtAgOcFiUWCxKFRKgrIiYFaEW1m1W6zvYox9C0IgGPR9QJ73k7MPxj338li7U6sOpTk4IHjzfTaeV5NzDuPwXpy1t1pp',
    'KJ2RAcGY74PxvJecXTBuuZfF2pVaVShNQQHBk+8z8TxbzjWMaffOrJXVGqMU9gJB1/d1y/OucrbCuOpeKmunapWiNAoKBJ++',
    'z8nzmnJmwnjpXiVrk2pFovTICASLvo/I84ZyFsI46F4ga39q9aG0J8bOsehPyRNj58B3uQO+Sx3wXeaA7xIHfJc34Lu0Ad9l',
    'Dfguc+C7DMF3ifve5e17lzTfu5z53qXM9y5jvncJ873Ll+9dunzvsuV7lyzeu1zx3qWK9y5TvHeJ4r3LE+9dmsTYofcubTF2',
    '6L3LWowdeu+SFmOH3rucxdhhfpeyGDvM7zIWY4f5XcJi7DC/y1eMHeY/3aiIaEgoCOjHp+f+dJ4dnRycG5uaXHh/Ou5GMyMT',
    'A/Pi0nJ/OsuKSgrKiYmtRrM/fSaLwV4u+9NbV1ZV9mcI1ZRUFNSTUxPTkv0ZopSEdGRURDQkFGR/hgD9+PTw7Ojk4NzYnyE2',
    'NbkQd6OZkYmxP0NgXlxaWFZUUlBO7M8QE1uNNpPFYC+X/RnSurKqopqSioJ6sj87pyamJaUkpCOjIvuzIxoSCgL68enh2ak/',
    'O50cnBubmlyIu9WfHc2MTAzMi0sLy0r92amkoJyY2Gq0maz+7GKwl6v+7FpXVlVUU/UniFQU1JNTE9OSUlL9CYJ0ZFRENCQU',
    'BPRTf4L49PDs6OTg3NjU1J8guRB3o5mRiYF5qT9BXFpYVlRSUE5MbPUnSA0Ead838zxZzjGMYfe+rHXVCtKi9MoKBKu+j8rz',
    'pnKWwjjqXihrn2p1orSJCQSXvk/J85JyRsL46F4ja4tqJaJ0KLYabSaLwV6u/BNA68qqimpKKgrqKf8ccWpiWlJKQjoyKso/',
    'R4iGhIKAfnx6mqd3Ov8c0emcxumbtumaznXYuL51/jlC0zMt0zEN0y/t0i3N0iuNf46odEqj9EmbtK1rTetZyxr/HIk1rF/t',
    'avxzpNVXbdVVTdVTjX9OqY5qqH5qp25qpl5qpU5q/HMi9VEbdVET9VALdVAD9U/jn9One5qnd1qncxqnb9qmaxr/nLkOG9e3',
    'pumZlumYhumXxj+nS7c0S6+0Sqc0Sp+0Sdsa/5y1pvWsZR1rWL/ahX/O1hX+KWJVRTUlFQX15NSEf4owLSklIR0ZFREN3Z8i',
    'QkFAPz49PDs6OfenCM6NTU0uxN1oZu5PEZkYmBeXFpYVlZT7UwTlxMRWo81kMdj9KfJy3Z8irSurKqopqaj706GenJqYlpSS',
    'kI5uhOmoU7U3BZZb2Oy1GaMabD4tdBNAAVng//+vIghQCfgDEYRQsVBULtQKDqmSUFRKqBUOrQIhqEBIs1zFoa90KJULSQVC',
    'WNnQKhFChYRa4ZBVEIJZUtFQVRb6lQ1RASGpLLSVHKoCIVRISCsO2S1RceiVC01lQqzgkCoLhUqFWIGESqGHTOGHRFSCQoUS',
    'JYWWMh6awg8JpQ4dJRoShRQqhR5yCh8CUQmKKlSUFbqUeUgKfEgoO3SU1NAoUIgU8pApfsiISlCs0FGu0FLmISn4IaHsUKJU',
    'Q6KAQqXQQ6bwQyIqQaFCiZJCSxkPXVVM6YZOUQxB4YcIBYeIchqarZTShjAFGIoSHxKKDh1FNTRKFELKPHSKHzqUOaRfAUpV',
    'SBQrtBR4iBR8SCh3aJTUkFFSKCny0Cn/0IgKUFqhUVyhUuAhUvghodwholRDRIlCS9FDp+yHIipASYWIIoVKAQ+Z4oeEsg6N',
    'Eg0RZQotRQ89ZR+CqAClKiSKFVoKPEQKPiSUOzRKasgoKZQUeeiUf2hEBSit0CiuUCnwECn8kFDuEFGqIaJE6Lek0iHfIhUM',
    'tUIhqSSUlRuqQiFTSSgrMVSFQqmgkGZRZUO50pAqIZQKhVrBIVUQgsoJtdIhqyQUs1CpIaos5CsaohJCUlloKxxaZUKokJBW',
    'HrpbUOHQKxaSyoRYySFVFgoVhbIyQ1UoJJUKbRZVMJQrDKkyQqlUSCsdWgWhqJxQKxyySkIxCxUaqopCvrIhKiEklYW2wqFV',
    'JoQKCWnlobsFFQ79lql86JULQaVCreBQFQhBRUJa+dBuicpDrrBQKhHCCodWsRBUKoSVDK2i0FRWqFmokiGuaKgKCElFIa3s',
    'UJUIQWVCW3HoKhPCLKjUkCoW+gqGUIGQVC7USg6pklBUJLSVD+0WqHToigulAiGscEiVC0GlQljJ0CoKTWWFmoUqGeKKhqqA',
    'kFQU0soOVYkQVCa0FYeuMiHMgkoNqWKhr2AIFQhJ5ULNUpUPeQVDqkQIZqmSQ1dBiFcaSuWEUoEQVja0SoWmAiFWYEi3pPKh',
    'VyoElQppBUNUSEgqCGHlhqpUyFQSyiyq1BBXHrKKhFAJIa08tAqFpjIhVmhIlYXOLFQ4dBULeWVDVFJIKgvFikOpjFAqFNJK',
    'h3YLKhjKCkJSGaFWOqRKhaaCUFZuqAqFTCWhzKIKDXXFIatMCJUQ0spDq1BoKhNihYZUWejMQoVDV7GQVzZEJYWkslCsOJTK',
    'CKVCIa10aLeggqGsICSVEWqlQ6pUaCoIZeWGqlDIVBLKLKrQUFccssqEUAkhrTy0CoWmMiFWaEiVhc4sVDh0FQt5ZUNUUkgq',
    'C8WKQ6mMUCoU0kqHdgsqGMoKQlIZoVY6pEqFpoJQVm6oCoVMJaHMogoNdcUhq0wIlRDSykOrUGgqE2KFhlRZ6MxChUNXsZBX',
    'NsQtpdKQKySUSoSwoqFVLDSzpPKQVVjolQyhQqGpWAgrHUIlQlNRaCs71C1QyRArEkoFhLTikCorlEqEsLKhVRQ6lQkxC1Vq',
    'yBUPrQIhqEBIKx+qkkJSSSgrGlrlQjMLKh1axYVewRAqFJLKhbDSIVQiNBWFtrJD3QKVDLEioVRASCsOqbJCqUQIKxtaRaFT',
    'mVDLLLs917UbRRyrkfNUfEyp9Spsfy1+U2KVnyotZyMS2S5gqvA7ZU/oZygtfV7ZK/WZSgnLaXZP/WZ1cglqT8oqGF/F3iu1',
    'rsbWV+IxRdxbsf+V+lwRx6CExLNbQY3sp9RrijhGsd1X9bsmrtHIear2XKl32LIksq+gIu9X8XtNXaux81V8TIl1K2x/rV5X',
    'YjmYIOnrV1Ah76namhLLaGz/Sn2uiHsUeU+pvyvqGkqWpHUr1Mj6SvxeUdcqtnwVn2ni2hp7X9XGlXgGW0iq+gpU5H+qPlvS',
    'wfpaPKbU2yq2vxK7aeIcxfbPJJKgnpRVML6KrSm1Xo3tr8RnijhHsf8r9bsirkFJSUu3Bo2tX6nfFXGNIstT9XdNXauR91Rs',
    'TKnvhnwSRdSEi5yKpzJVFBWsciqcSlRRVLTKqfxUUCVRYRWmslNJFUWlVTwVTgVVEhUPS6VEN3qkk3TpEU6iS49skis9okm6',
    'pkcCnQ49Auh06JE/p0OP+DkdeqTP6aJH+FwayRVfZVmBK7wKWYErvYqyIle+ymUFV3oVsgJX9iplRa58FcsKXPEqyQqu7FXK',
    'ilz5VZYVuOJVkBW40qssK7nyqywrcKVXIStw5dWzsqHrIqKh6yKSoesigqHrReRCl0XEQpdFpEKXRYRCl0VkQleLiIRpndsr',
    'Uq+q5Kk93CtuV6XUqZrMK4dXpZvZM0T3QVRVVw==',
  ].join(''),
  'idem-lz4': [
    'AAAAAAAAAAAAAACaAAAAAAJP9jqSAAMAAAADAAABogH7SNYAAAGiAftI1gAAAAAsD/+wAAAAAAAAAAAABAQiTRhgQIJaAAAA',
    '/SFGAAAABGsxFmhlbGxvIHdvcmxkBARoMQR2MQp0cmFjZQZhYmM4AAACAQxubyBrZXkdAI0wAAAEBGszARkA+AJCAAAGBGs0',
    'EmNhZsOpIOKYlSIAUGUGYWJjAAAAAA==',
  ].join(''),
};

/** small-none's records section through snappy-java 1.1.8.3 SnappyOutputStream (default 32 KiB blocks). */
const JAVA_XERIAL_SMALL = 'glNOQVBQWQAAAAABAAAAAQAAAFd8wEYAAAAEazEWaGVsbG8gd29ybGQEBGgxBHYxCnRyYWNlBmFiYzgAAAIBDG5vIGtleQQ+HQAcMAAABARrMwFCNgBAQgAABgRrNBJjYWbDqSDimJVCIgA=';
