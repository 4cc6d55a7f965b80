import {spawn} from 'node:child_process';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {murmur2, partitionForKey} from '../../src/client/partitioner.js';
import {WireConnection} from '../../src/client/wire-connection.js';
import {Fetch} from '../../src/protocol/messages/01-fetch.js';
import {ApiVersions} from '../../src/protocol/messages/18-api-versions.js';
import {Compression, compressionOf} from '../../src/protocol/records/batch.js';
import {decodeBatches} from '../../src/protocol/records/records.js';
import type {RecordJson} from '../../src/services/record-format.js';
import {startBroker} from '../helpers/broker.js';
import {CLI, cliEnv, collect, expectUserError, kcollect, kcollectJson, runCli} from '../helpers/cli.js';
import {run} from '../helpers/run.js';

const kafkajsMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


const jsonLines = (stdout: string): RecordJson[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('kcollect produce and consume', () => {
  let broker: Broker;
  let bootstrap: string;
  beforeAll(async () => {
    ({broker, bootstrap} = await startBroker({autoCreateTopics: false}));
    const topics: Array<[string, number]> = [
      ['keyed', 4],
      ['roundtrip', 1],
      ['positions', 2],
      ['live', 1],
      ['many', 3],
      ['piped', 1],
      ...(['none', 'gzip', 'snappy', 'lz4', 'zstd'].map((c) => [`z-${c}`, 1]) as Array<[string, number]>),
    ];
    const results = await Promise.all(topics.map(([t, p]) => kcollect(bootstrap, ['topic', 'create', t, '-p', String(p)])));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await broker?.close();
  });
  const cli = (args: string[], input?: string | Buffer) => kcollect(bootstrap, args, {input});
  const produce = async (topic: string, input: string | Buffer, ...flags: string[]) => {
    const r = await cli(['produce', topic, ...flags], input);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout;
  };
  const consumeJson = async (topic: string, ...flags: string[]) => {
    const r = await cli(['consume', topic, '--json', ...flags]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return jsonLines(r.stdout);
  };

  it("murmur2 is Java's Utils.murmur2 (Kafka's own test vectors) and kafkajs' DefaultPartitioner hash", () => {
    const javaVectors: Record<string, number> = {
      '21': -973932308,
      foobar: -790332482,
      'a-little-bit-long-string': -985981536,
      'a-little-bit-longer-string': -1486304829,
      lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8: -58897971,
      abc: 479470107,
    };
    for (const [key, hash] of Object.entries(javaVectors)) {
      expect(murmur2(Buffer.from(key))).toBe(hash);
      expect(kafkajsMurmur2(Buffer.from(key))).toBe(hash);
    }
  });

  it('keyed lines land where the Java partitioner puts them, with headers, and the report counts them', async () => {
    const lines = Array.from({length: 200}, (_, i) => `car-${i % 10}:${i}`);
    const report = JSON.parse(await produce('keyed', lines.join('\n') + '\n', '--key-delimiter', ':', '-H', 'source=test', '-H', 'source=twice', '-H', 'empty=', '--json'));
    expect(report).toMatchObject({topic: 'keyed', records: 200, acks: 'all', compression: 'none'});
    expect(report.partitions.reduce((n: number, p: {records: number}) => n + p.records, 0)).toBe(200);
    for (const p of report.partitions) expect(p.lastOffset - p.firstOffset + 1).toBe(p.records);

    const records = await consumeJson('keyed', '--from', 'beginning', '--exit');
    expect(records).toHaveLength(200);
    const partitionOfKey = new Map<string, number>();
    for (const r of records) {
      const key = Buffer.from(r.key!);
      expect(r.partition).toBe(partitionForKey(key, 4));
      expect(r.partition).toBe((kafkajsMurmur2(key) & 0x7fffffff) % 4);
      expect(partitionOfKey.get(r.key!) ?? r.partition).toBe(r.partition);
      partitionOfKey.set(r.key!, r.partition);
      expect(r.headers).toEqual([
        {key: 'source', value: 'test'},
        {key: 'source', value: 'twice'},
        {key: 'empty', value: ''},
      ]);
    }
    expect(partitionOfKey.size).toBe(10);
    expect(new Set(partitionOfKey.values()).size).toBeGreaterThan(1);
    // per key, records keep the order they were written in
    for (const key of partitionOfKey.keys()) {
      const values = records.filter((r) => r.key === key).map((r) => Number(r.value));
      expect(values).toEqual([...values].sort((a, b) => a - b));
      expect(values).toHaveLength(20);
    }
    // the human report is a per-partition table plus a summary line
    const human = await produce('keyed', 'car-1:x\n', '-K', ':');
    expect(human).toMatch(/^PARTITION\s+RECORDS\s+FIRST-OFFSET\s+LAST-OFFSET\n/);
    expect(human).toMatch(new RegExp(`^${partitionForKey(Buffer.from('car-1'), 4)}\\s+1\\s+`, 'm'));
    expect(human).toMatch(/^produced 1 record\(s\) to keyed in \d+ ms \(acks=all, compression=none\)$/m);
  });

  it('round-trips lines exactly (text, spaces, tabs, empty lines, CRLF, no final newline), and bytes that are not UTF-8', async () => {
    const lines = ['plain', '  leading and trailing  ', 'tab\tseparated', '', 'unicode: 서울 → 부산 🚗', '{"json": [1, 2, 3]}', 'percent %s %k \\n'];
    await produce('roundtrip', lines.join('\r\n') + '\r\n' + 'last-without-newline');
    const r = await cli(['consume', 'roundtrip', '--from', 'beginning', '--exit']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe([...lines, 'last-without-newline'].map((l) => `${l}\n`).join(''));

    const binary = Buffer.from([0xff, 0xfe, 0x41, 0x0d, 0x80]);
    await produce('roundtrip', Buffer.concat([Buffer.from('k\t'), binary, Buffer.from('\n')]), '-K', '\t');
    const [last] = await consumeJson('roundtrip', '--from', '-1', '--exit');
    expect(last.key).toBe('k');
    expect(last.encoding).toEqual({value: 'base64'});
    expect(Buffer.from(last.value!, 'base64')).toEqual(binary);
  });

  it('each compression codec is used on the wire and consumed back exactly', async () => {
    const codecs = {none: Compression.none, gzip: Compression.gzip, snappy: Compression.snappy, lz4: Compression.lz4, zstd: Compression.zstd};
    const lines = Array.from({length: 300}, (_, i) => `status ${i} ${'x'.repeat(i % 50)}`);
    await Promise.all(Object.keys(codecs).map((c) => produce(`z-${c}`, lines.join('\n') + '\n', '--compression', c)));

    const [host, port] = bootstrap.split(':');
    const conn = await WireConnection.connect(host, Number(port));
    try {
      await conn.negotiate(ApiVersions);
      for (const [name, codec] of Object.entries(codecs)) {
        const res = await conn.request(Fetch, 11, {
          maxWaitMs: 0,
          minBytes: 0,
          topics: [{topic: `z-${name}`, partitions: [{partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20}]}],
        });
        const batches = await decodeBatches(res.responses[0].partitions[0].records);
        expect(batches.length, name).toBeGreaterThan(0);
        for (const b of batches) expect(compressionOf(b.header.attributes), name).toBe(codec);
      }
    } finally {
      conn.close();
    }
    const outputs = await Promise.all(Object.keys(codecs).map((c) => cli(['consume', `z-${c}`, '--exit'])));
    for (const o of outputs) expect(o.stdout).toBe(lines.map((l) => `${l}\n`).join(''));
    // A consumer group (kafkajs underneath) reads every codec too.
    const asGroup = await Promise.all(Object.keys(codecs).map((c) => cli(['consume', `z-${c}`, '--group', `g-${c}`, '--exit'])));
    for (const o of asGroup) expect(o.stdout).toBe(lines.map((l) => `${l}\n`).join(''));
  });

  describe('--from, --partition, --count, --exit, --format', () => {
    let split: number;
    const first = Array.from({length: 10}, (_, i) => `early-${i}`);
    const second = Array.from({length: 10}, (_, i) => `late-${i}`);
    const other = Array.from({length: 5}, (_, i) => `other-${i}`);
    beforeAll(async () => {
      await produce('positions', first.join('\n'), '-p', '0');
      await sleep(50);
      split = Date.now();
      await sleep(50);
      await produce('positions', second.join('\n'), '-p', '0', '-H', 'h=1');
      await produce('positions', other.map((v) => `k:${v}`).join('\n'), '-p', '1', '-K', ':');
    });
    const values = (rs: RecordJson[], partition?: number) => rs.filter((r) => partition === undefined || r.partition === partition).map((r) => r.value);

    it('beginning, end, an offset and -N', async () => {
      const [all, p0, end, fromOffset, lastThree] = await Promise.all([
        consumeJson('positions', '--from', 'beginning', '--exit'),
        consumeJson('positions', '--from', 'beginning', '--exit', '--partition', '0'),
        consumeJson('positions', '--from', 'end', '--exit'),
        consumeJson('positions', '--from', '15', '-p', '0', '--exit'),
        consumeJson('positions', '--from', '-3', '--exit'),
      ]);
      expect(values(all, 0)).toEqual([...first, ...second]);
      expect(values(all, 1)).toEqual(other);
      expect(values(p0)).toEqual([...first, ...second]);
      expect(p0.map((r) => r.offset)).toEqual([...Array(20).keys()]);
      expect(end).toEqual([]);
      expect(fromOffset.map((r) => r.offset)).toEqual([15, 16, 17, 18, 19]);
      expect(values(lastThree, 0)).toEqual(second.slice(-3));
      expect(values(lastThree, 1)).toEqual(other.slice(-3));
    });

    it('@timestamp in ms and as ISO time', async () => {
      const [ms, iso] = await Promise.all([
        consumeJson('positions', '--from', `@${split}`, '--exit'),
        consumeJson('positions', '--from', `@${new Date(split).toISOString()}`, '--exit'),
      ]);
      expect(values(ms, 0)).toEqual(second);
      expect(values(ms, 1)).toEqual(other);
      expect(iso).toEqual(ms);
      for (const r of ms) expect(r.timestamp).toBeGreaterThanOrEqual(split);
    });

    it('-o past the end starts at the end and says so, as kcat does', async () => {
      const r = await cli(['consume', 'positions', '-o', '100000', '-p', '0', '--exit']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/warning: partition 0: offset 100000 is out of range \[0, \d+\]; starting at \d+/);
    });

    it('--count stops after N records without --exit', async () => {
      const r = await cli(['consume', 'positions', '--count', '4', '-p', '0']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(first.slice(0, 4).map((v) => `${v}\n`).join(''));
    });

    it('--format prints kcat tokens', async () => {
      const [rec] = await consumeJson('positions', '--from', '10', '-p', '0', '--count', '1');
      const r = await cli(['consume', 'positions', '--from', '10', '-p', '0', '--count', '1', '--format', '%t|%p|%o|%k|%K|%s|%S|%h|%T|%%\\n']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`positions|0|10||-1|late-0|6|h=1|${rec.timestamp}|%\n`);
      const keyed = await cli(['consume', 'positions', '-p', '1', '--count', '1', '-f', '%k=%s@%o\\t']);
      expect(keyed.stdout).toBe('k=other-0@0\t');
      // %R frames each value with its length (kcat's binary framing); \xHH is any ASCII byte.
      const framed = await cli(['consume', 'positions', '-p', '1', '--count', '2', '-f', '%R%s\\x1e']);
      expect(Buffer.from(framed.stdout, 'latin1')).toEqual(Buffer.concat(other.slice(0, 2).map((v) => Buffer.concat([Buffer.from([0, 0, 0, v.length]), Buffer.from(v), Buffer.from([0x1e])]))));
    });

    it('--key prints only the records with that key', async () => {
      await broker.createTopic('cars', 1, {});
      await produce('cars', ['C1:a', 'C2:b', 'C1:c', 'C3:d'].join('\n'), '-K', ':');
      const r = await cli(['consume', 'cars', '--key', 'C1', '--exit', '-f', '%k=%s\\n']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('C1=a\nC1=c\n');
      expectUserError(await cli(['consume', 'cars', '--key', 'C1', '--group', 'g', '--to', 'stdout']), '--key cannot be used with --to', 'replay --key');
    });

    it('bad --from and a partition that does not exist are user errors', async () => {
      const [badFrom, badPartition, badProducePartition] = await Promise.all([
        cli(['consume', 'positions', '--from', 'yesterday']),
        cli(['consume', 'positions', '-p', '5']),
        cli(['produce', 'positions', '-p', '5'], 'x\n'),
      ]);
      expectUserError(badFrom, 'invalid --from "yesterday"', '@ISO_TIME');
      expectUserError(badPartition, 'partition 5 does not exist', '--partition 0..1');
      expectUserError(badProducePartition, 'partition 5 does not exist', '--partition 0..1');
    });
  });

  it("kcat's flags: -t TOPIC, -l FILE and -k KEY on produce, -t and -f FORMAT on consume", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kcat-flags-'));
    const file = path.join(dir, 'lines.txt');
    fs.writeFileSync(file, 'one\ntwo\n');
    const produced = await cli(['produce', '-t', 'roundtrip', '-l', file, '-k', 'car-17']);
    expect(produced.code, produced.stderr).toBe(0);
    const r = await cli(['consume', '-t', 'roundtrip', '-o', '-2', '-e', '-f', '%k:%s\n']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('car-17:one\ncar-17:two\n');
    // --from takes an ISO time as replay does (with or without @).
    const fromIso = await cli(['consume', '-t', 'roundtrip', '--from', new Date(Date.now() + 3_600_000).toISOString(), '-e']);
    expect([fromIso.code, fromIso.stdout]).toEqual([0, '']);
    expect((await cli(['consume', '-t', 'roundtrip', '--from', '2000-01-01T00:00:00Z', '-e'])).stdout).toMatch(/one\ntwo\n$/);
    expectUserError(await cli(['consume', 'roundtrip', '-t', 'keyed', '-e']), 'two topics given: roundtrip and -t keyed');
    expectUserError(await cli(['consume', '-e']), 'no topic given', '-t TOPIC');
    // KCOLLECT_TOPIC stands in for -t: used when no topic is typed, and a typed argument wins over it.
    const lastTwo = ['-o', '-2', '-e', '-f', '%s\n'];
    const fromEnv = await kcollect(bootstrap, ['consume', ...lastTwo], {env: {KCOLLECT_TOPIC: 'roundtrip'}});
    expect([fromEnv.code, fromEnv.stdout]).toEqual([0, 'one\ntwo\n']);
    const typed = await kcollect(bootstrap, ['consume', 'roundtrip', ...lastTwo], {env: {KCOLLECT_TOPIC: 'keyed'}});
    expect([typed.code, typed.stderr, typed.stdout]).toEqual([0, '', 'one\ntwo\n']);
    // Kafka's tools name the brokers --bootstrap-server, and a PLAINTEXT:// prefix is theirs too.
    const kafkaWords = await runCli(['consume', 'roundtrip', '--bootstrap-server', `PLAINTEXT://${bootstrap}`, ...lastTwo]);
    expect([kafkaWords.code, kafkaWords.stderr, kafkaWords.stdout]).toEqual([0, '', 'one\ntwo\n']);
    // kafka-console-consumer.sh's --from-beginning and --max-messages (over auto.offset.reset=latest).
    const [consoleWords, kcatWords] = await Promise.all([
      cli(['consume', 'roundtrip', '--from-beginning', '--max-messages', '2', '-X', 'auto.offset.reset=latest']),
      cli(['consume', 'roundtrip', '-o', 'beginning', '-c', '2']),
    ]);
    expect(consoleWords.code, consoleWords.stderr).toBe(0);
    expect(consoleWords.stdout.split('\n').filter(Boolean)).toHaveLength(2);
    expect(consoleWords.stdout).toBe(kcatWords.stdout);
  });

  it('`produce -t TOPIC` takes piped lines as records, never as its missing argument', async () => {
    // oclif reads stdin for a missing argument: all of it as the topic, or the first lines lost.
    const atOnce = await cli(['produce', '-t', 'piped'], 'a\nb\n');
    expect(atOnce.code, atOnce.stderr).toBe(0);
    // A writer still writing: its first lines are there before the command has parsed its flags.
    const child = spawn(process.execPath, [CLI, 'produce', '-t', 'piped'], {env: cliEnv({KCOLLECT_BROKERS: bootstrap}), stdio: ['pipe', 'pipe', 'pipe']});
    child.stdin.write('c\nd\n');
    await sleep(500);
    child.stdin.end('e\n');
    const streamed = await collect(child);
    expect(streamed.code, streamed.stderr).toBe(0);
    expect((await consumeJson('piped', '-o', 'earliest', '-e')).map((r) => r.value)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('follows new records as they arrive (long poll) until --count', async () => {
    const consumer = cli(['consume', 'live', '--from', 'end', '--count', '3', '--json']);
    await sleep(2500); // let the consumer start and reach the end
    await produce('live', 'a\nb\nc\nd\n');
    const r = await consumer;
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout).map((x) => x.value)).toEqual(['a', 'b', 'c']);
  });

  it('streams many records and exits cleanly when the reader goes away (| head)', async () => {
    const lines = Array.from({length: 30_000}, (_, i) => `record number ${i} with some padding`);
    const report = JSON.parse(await produce('many', lines.join('\n'), '--json'));
    expect(report.records).toBe(30_000);
    const all = await cli(['consume', 'many', '--exit', '--format', '%s\\n']);
    expect(all.stdout.split('\n').filter(Boolean).sort()).toEqual([...lines].sort());

    const env = cliEnv({KCOLLECT_BROKERS: bootstrap});
    const piped = await run('bash', ['-c', `"${process.execPath}" "${CLI}" consume many | head -n 3; echo "consume exit \${PIPESTATUS[0]}" >&2`], {env, timeoutMs: 30_000});
    expect(piped.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect(piped.stderr).toBe('consume exit 0\n');

    // In a group only what left for the pipe may be committed, not the batches head never took
    // (the pipe holds 64 KiB: some 1,600 of these lines).
    const grouped = await run('bash', ['-c', `"${process.execPath}" "${CLI}" consume many -g head-group | head -n 3; echo "consume exit \${PIPESTATUS[0]}" >&2`], {env, timeoutMs: 30_000});
    expect(grouped.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect(grouped.stderr).toBe('consume exit 0\n');
    const committed = broker.groups.fetchOffsets('head-group', null).offsets.reduce((n, o) => n + o.offset, 0);
    expect(committed).toBeLessThan(5000);
  });

  it('a missing topic and an unreachable broker are one line with a hint, exit 1', async () => {
    const [consumeMissing, produceMissing, consumeAway, produceAway] = await Promise.all([
      cli(['consume', 'nope']),
      cli(['produce', 'nope'], 'x\n'),
      kcollect('127.0.0.1:1', ['consume', 'keyed']),
      kcollect('127.0.0.1:1', ['produce', 'keyed'], {input: 'x\n'}),
    ]);
    for (const r of [consumeMissing, produceMissing]) expectUserError(r, 'topic "nope" does not exist (UNKNOWN_TOPIC_OR_PARTITION)', 'kcollect topic create nope');
    for (const r of [consumeAway, produceAway]) expectUserError(r, 'no Kafka broker answers at 127.0.0.1:1', 'kcollect broker start');
  });
});

describe('produce on a broker that creates topics (auto.create.topics.enable, its default)', () => {
  it('creates a missing topic with num.partitions, as kcat does, and the record is there', async () => {
    const {broker, bootstrap} = await startBroker({numPartitions: 2});
    try {
      const r = await kcollect(bootstrap, ['produce', 'born-on-write'], {input: 'first\n'});
      expect(r.code, r.stderr).toBe(0);
      expect(broker.logs.topic('born-on-write')?.partitions).toBe(2);
      const read = await kcollect(bootstrap, ['consume', 'born-on-write', '--from', 'beginning', '--exit']);
      expect(read.stdout).toBe('first\n');
    } finally {
      await broker.close();
    }
  });
});
