/**
 * The broker checks every record of a produced batch, as Kafka's LogValidator does, and refuses
 * what consumers could not read; clients may not produce to internal topics.
 */
import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {WireConnection} from '../../src/client/wire-connection.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {Produce} from '../../src/protocol/messages/00-produce.js';
import {Compression, computeBatchCrc, Off} from '../../src/protocol/records/batch.js';
import {decodeBatches, encodeBatch} from '../../src/protocol/records/records.js';
import {startBroker} from '../helpers/broker.js';
import {run} from '../helpers/run.js';
import {hasCommand, requireTool} from '../helpers/system-deps.js';

let broker: Broker;
let bootstrap: string;
let conn: WireConnection;

beforeAll(async () => {
  ({broker, bootstrap} = await startBroker());
  await broker.createTopic('v', 1, {});
  await broker.createTopic('bombs', 1, {'max.message.bytes': String(4 << 20)});
  const {host, port} = broker.advertised;
  conn = await WireConnection.connect(host, port);
});
afterAll(async () => {
  conn.close();
  await broker.close();
});

function produce(topic: string, batch: Buffer) {
  return conn.request(Produce, 8, {transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{name: topic, partitionData: [{index: 0, records: batch}]}]}).then((res) => res.responses[0].partitionResponses[0]);
}

/** Rewrites header fields of a batch and fixes its CRC, as a lying client would. */
function lie(batch: Buffer, fields: {recordsCount?: number; lastOffsetDelta?: number}): Buffer {
  const out = Buffer.from(batch);
  if (fields.recordsCount !== undefined) out.writeInt32BE(fields.recordsCount, Off.recordsCount);
  if (fields.lastOffsetDelta !== undefined) out.writeInt32BE(fields.lastOffsetDelta, Off.lastOffsetDelta);
  out.writeUInt32BE(computeBatchCrc(out), Off.crc);
  return out;
}

const end = () => broker.logs.partition('v', 0)!.logEndOffset;

describe('record batch validation', () => {
  it('refuses a batch claiming 1000 records with one inside; offsets do not jump', async () => {
    const before = end();
    const lying = lie(await encodeBatch([{value: 'one'}]), {recordsCount: 1000, lastOffsetDelta: 999});
    const res = await produce('v', lying);
    expect(res.errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(res.errorMessage).toMatch(/recordsCount is 1000 but the batch holds 1 record/);
    expect(end()).toBe(before);
    const ok = await produce('v', await encodeBatch([{value: 'next'}]));
    expect(ok).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: before});
  });

  it('refuses offset deltas out of order, fewer records than claimed, and a record that overruns', async () => {
    const before = end();
    const two = await encodeBatch([{value: 'a'}, {value: 'b'}]);
    // Record 1's offset delta byte (varint 1 = 0x02) set to 0: two records at delta 0.
    const deltas = Buffer.from(two);
    // Record 1 starts after record 0's length byte and body: length, attributes, timestamp delta, offset delta.
    const second = 62 + deltas[61] / 2;
    expect(deltas[second + 3]).toBe(2);
    deltas[second + 3] = 0;
    expect((await produce('v', lie(deltas, {}))).errorCode).toBe(ErrorCode.INVALID_RECORD);
    // Claims 3 records, holds 2.
    expect((await produce('v', lie(two, {recordsCount: 3, lastOffsetDelta: 2}))).errorCode).toBe(ErrorCode.INVALID_RECORD);
    // Record 0's length grows past the batch end.
    const overrun = Buffer.from(two);
    overrun[61] = 0x7e;
    const res = await produce('v', lie(overrun, {}));
    expect(res.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(res.errorMessage).toMatch(/record 0: length 63 overruns the batch/);
    expect(end()).toBe(before);
  });

  it('walks compressed batches too: max.message.bytes bounds them compressed; one inflating past 64 MiB is MESSAGE_TOO_LARGE', async () => {
    const before = end();
    for (const compression of [Compression.gzip, Compression.snappy, Compression.lz4, Compression.zstd]) {
      const lying = lie(await encodeBatch([{value: 'one'}], {compression}), {recordsCount: 1000, lastOffsetDelta: 999});
      expect((await produce('v', lying)).errorCode, `codec ${compression}`).toBe(ErrorCode.INVALID_RECORD);
      // 65 MiB of zeros compress to less than topic bombs' 4 MiB max.message.bytes (snappy to 3.2 MB).
      const bomb = await encodeBatch([{value: Buffer.alloc(65 << 20)}], {compression});
      expect(bomb.length).toBeLessThan(4 << 20);
      const res = await produce('bombs', bomb);
      expect(res.errorCode, `codec ${compression}`).toBe(ErrorCode.MESSAGE_TOO_LARGE);
      expect(res.errorMessage).toMatch(/decompresses to .*the 67108864-byte limit/);
    }
    expect(end()).toBe(before);
    // As in Kafka: 4,000 log lines (2 MB) compressed into a batch far under max.message.bytes are
    // taken, and so is one record of 1.5 MB, though either is larger than it decompressed.
    const lines = Array.from({length: 4000}, (_, i) => ({value: `${'x'.repeat(500)}${i}`}));
    for (const compression of [Compression.gzip, Compression.snappy, Compression.lz4, Compression.zstd]) {
      expect((await produce('v', await encodeBatch(lines, {compression}))).errorCode, `codec ${compression}`).toBe(ErrorCode.NONE);
      expect((await produce('v', await encodeBatch([{value: 'y'.repeat(1_500_000)}], {compression}))).errorCode, `codec ${compression}`).toBe(ErrorCode.NONE);
    }
    expect(end()).toBe(before + 4 * 4001);
  });

  it('keeps an idempotent producer\'s pipelined batches in order when a compressed one is checked first', async () => {
    await broker.createTopic('order', 1, {});
    const pid = {producerId: 4242, producerEpoch: 0};
    const sent = await Promise.all([
      encodeBatch([{value: 'first'}], {...pid, baseSequence: 0, compression: Compression.zstd}),
      encodeBatch([{value: 'second'}], {...pid, baseSequence: 1}),
      encodeBatch([{value: 'third'}], {...pid, baseSequence: 2, compression: Compression.gzip}),
      encodeBatch([{value: 'fourth'}], {...pid, baseSequence: 3}),
    ]);
    const answers = await Promise.all(sent.map((b) => produce('order', b)));
    expect(answers.map((a) => [a.errorCode, a.baseOffset])).toEqual([[0, 0], [0, 1], [0, 2], [0, 3]]);
    const log = broker.logs.partition('order', 0)!;
    const stored = log.read(0, 1 << 20, log.logEndOffset);
    if (stored === 'out-of-range') throw new Error('out of range');
    const values = (await decodeBatches(Buffer.concat(stored))).flatMap((b) => b.records.map((r) => String(r.value)));
    expect(values).toEqual(['first', 'second', 'third', 'fourth']);
  });
});

describe("a topic's compression.type (or the broker's)", () => {
  const storedBatches = async (topic: string) => {
    const log = broker.logs.partition(topic, 0)!;
    const stored = log.read(0, 1 << 22, log.logEndOffset);
    if (stored === 'out-of-range') throw new Error('out of range');
    return decodeBatches(Buffer.concat(stored));
  };

  it('stores every batch in its codec, keeping producer ids, sequences, transactional bits and order', async () => {
    await broker.createTopic('as-zstd', 1, {'compression.type': 'zstd', 'compression.zstd.level': '19'});
    const pid = {producerId: 4343, producerEpoch: 0};
    const sent = await Promise.all([
      encodeBatch([{value: 'first', timestamp: 1_000}], {...pid, baseSequence: 0}),
      encodeBatch([{value: 'second'}, {value: 'third'}], {...pid, baseSequence: 1, compression: Compression.gzip}),
      encodeBatch([{value: 'fourth'}], {...pid, baseSequence: 3, compression: Compression.zstd}),
      encodeBatch([{value: 'fifth'}], {...pid, baseSequence: 4, compression: Compression.lz4}),
    ]);
    const answers = await Promise.all(sent.map((b) => produce('as-zstd', b)));
    expect(answers.map((a) => [a.errorCode, a.baseOffset])).toEqual([[0, 0], [0, 1], [0, 3], [0, 4]]);
    const batches = await storedBatches('as-zstd');
    expect(batches.map((b) => [b.header.attributes & 0x07, b.header.producerId, b.header.baseSequence, b.header.baseOffset])).toEqual([
      [Compression.zstd, 4343, 0, 0],
      [Compression.zstd, 4343, 1, 1],
      [Compression.zstd, 4343, 3, 3],
      [Compression.zstd, 4343, 4, 4],
    ]);
    expect(batches.flatMap((b) => b.records.map((r) => String(r.value)))).toEqual(['first', 'second', 'third', 'fourth', 'fifth']);
    expect(batches[0].records[0].timestamp).toBe(1_000);
    // A retried batch is still recognised: answered with its first offsets, not stored again.
    expect(await produce('as-zstd', sent[1])).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: 1});
    expect(broker.logs.partition('as-zstd', 0)!.logEndOffset).toBe(5);
  });

  it('uncompressed: a batch small compressed but over max.message.bytes as stored is MESSAGE_TOO_LARGE, stored nothing', async () => {
    await broker.createTopic('as-plain', 1, {'compression.type': 'uncompressed', 'max.message.bytes': '20000'});
    const big = await encodeBatch([{value: 'a'.repeat(30_000)}], {compression: Compression.gzip});
    expect(big.length).toBeLessThan(20_000);
    const res = await produce('as-plain', big);
    expect(res.errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect(res.errorMessage).toMatch(/once stored as compression\.type=uncompressed exceeds max\.message\.bytes=20000/);
    expect(await produce('as-plain', await encodeBatch([{value: 'small'}], {compression: Compression.snappy}))).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: 0});
    const batches = await storedBatches('as-plain');
    expect(batches.map((b) => [b.header.attributes & 0x07, String(b.records[0].value)])).toEqual([[Compression.none, 'small']]);
  });
});

describe('compacted topics', () => {
  it('refuse records without a key (plain and compressed), as Kafka does, and take keyed ones', async () => {
    await broker.createTopic('table', 1, {'cleanup.policy': 'compact'});
    for (const compression of [Compression.none, Compression.gzip]) {
      const res = await produce('table', await encodeBatch([{key: 'k', value: 'a'}, {value: 'keyless'}], {compression}));
      expect(res.errorCode, `codec ${compression}`).toBe(ErrorCode.INVALID_RECORD);
      expect(res.errorMessage).toMatch(/record 1 has no key; a compacted topic/);
    }
    expect(broker.logs.partition('table', 0)!.logEndOffset).toBe(0);
    expect((await produce('table', await encodeBatch([{key: 'k', value: 'a'}, {key: 'k', value: null}]))).errorCode).toBe(ErrorCode.NONE);
  });
});

describe('internal topics', () => {
  it('refuses produce to __consumer_offsets on the wire, and its creation by a client', async () => {
    const res = await produce('__consumer_offsets', await encodeBatch([{value: 'x'}]));
    expect(res.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    const admin = new kafkajs.Kafka({brokers: [bootstrap], clientId: 'internal-test', logLevel: kafkajs.logLevel.NOTHING, retry: {retries: 0}}).admin();
    await admin.connect();
    try {
      await expect(admin.createTopics({topics: [{topic: '__transaction_state'}]})).rejects.toMatchObject({errors: [{type: 'INVALID_TOPIC_EXCEPTION'}]});
    } finally {
      await admin.disconnect();
    }
    expect(broker.logs.topic('__transaction_state')).toBeUndefined();
  });

  it('refuses a kafkajs producer writing to __consumer_offsets (the broker alone writes it)', async () => {
    const kafka = new kafkajs.Kafka({brokers: [bootstrap], clientId: 'internal-test', logLevel: kafkajs.logLevel.NOTHING, retry: {retries: 0}});
    const producer = kafka.producer();
    await producer.connect();
    try {
      await expect(producer.send({topic: '__consumer_offsets', messages: [{value: 'forged commit'}]})).rejects.toThrow(/invalid topic/i);
    } finally {
      await producer.disconnect();
    }
    const offsets = broker.logs.topic('__consumer_offsets');
    for (let p = 0; p < (offsets?.partitions ?? 0); p++) expect(broker.logs.partition('__consumer_offsets', p)!.logEndOffset).toBe(0);
  });

  it.runIf(requireTool('kcat', hasCommand('kcat')))('refuses kcat producing to __consumer_offsets', async () => {
    const r = await run('kcat', ['-b', bootstrap, '-P', '-t', '__consumer_offsets', '-p', '0'], {input: 'forged\n', timeoutMs: 30_000});
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/invalid topic|INVALID_TOPIC/i);
  });
});
