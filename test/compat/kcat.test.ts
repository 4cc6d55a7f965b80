import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {WireConnection} from '../../src/client/wire-connection.js';
import {isFlexible} from '../../src/protocol/codec.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {Produce} from '../../src/protocol/messages/00-produce.js';
import {Compression, compressionOf} from '../../src/protocol/records/batch.js';
import {decodeBatches} from '../../src/protocol/records/records.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {runOk} from '../helpers/run.js';
import {hasCommand, requireTool} from '../helpers/system-deps.js';

const run = requireTool('kcat', hasCommand('kcat'), 'apt-get install -y kcat');

const kcat = (args: string[], input?: string | Buffer) => runOk('kcat', args, {input});

describe.runIf(run)('kcat (librdkafka 2.0.2) against the broker', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  let b: string;

  beforeAll(async () => {
    env = await startBroker({numPartitions: 3});
    b = env.bootstrap;
  });
  afterAll(async () => {
    await env.broker.close();
  });

  it('-L lists the broker as controller and auto-created topics with their partitions', async () => {
    await kcat(['-b', b, '-P', '-t', 'meta-topic'], 'one\n');
    const md = JSON.parse(await kcat(['-b', b, '-L', '-J']));
    expect(md.brokers).toEqual([{id: 0, name: b}]);
    expect(md.controllerid).toBe(0);
    const topic = md.topics.find((t: any) => t.topic === 'meta-topic');
    expect(topic.partitions.map((p: any) => [p.partition, p.leader, p.replicas.map((r: any) => r.id), p.isrs.map((r: any) => r.id)])).toEqual([
      [0, 0, [0], [0]],
      [1, 0, [0], [0]],
      [2, 0, [0], [0]],
    ]);
  });

  it('librdkafka negotiates the highest version it knows of each API: flexible ApiVersions 3, its own maxima for the rest', async () => {
    const router = env.broker.router;
    const requests: Array<[number, number]> = [];
    const supports = router.supports.bind(router);
    const spy = vi.spyOn(router, 'supports').mockImplementation((apiKey: number, version: number) => {
      requests.push([apiKey, version]);
      return supports(apiKey, version);
    });
    try {
      await kcat(['-b', b, '-P', '-t', 'flex-topic'], 'one\ntwo\n');
      await kcat(['-b', b, '-C', '-t', 'flex-topic', '-o', 'beginning', '-e', '-q']);
    } finally {
      spy.mockRestore();
    }
    const highest = new Map<number, number>();
    for (const [key, version] of requests) highest.set(key, Math.max(version, highest.get(key) ?? -1));
    // librdkafka 2.0.2 knows no flexible Metadata/Produce/Fetch yet: the broker (which serves them) must not hold it below its maxima.
    expect(Object.fromEntries(highest)).toEqual({18: 3, 3: 4, 0: 7, 2: 2, 1: 11});
    expect(isFlexible(router.get(18)!.api.request, 3)).toBe(true);
  });

  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    it(`-P -z ${codec} with keys and headers comes back exactly with -C`, async () => {
      const topic = `codec-${codec}`;
      const lines = Array.from({length: 500}, (_, i) => `car${i % 7}:${i} ${'x'.repeat(i % 97)} ünïcode`);
      await kcat(['-b', b, '-P', '-t', topic, '-z', codec, '-K', ':', '-H', 'src=kcat', '-H', `codec=${codec}`], lines.join('\n') + '\n');
      const out = await kcat(['-b', b, '-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-q']);
      const got = out.trim().split('\n').map((l) => JSON.parse(l));
      expect(got).toHaveLength(lines.length);
      const byKeyOrder = (a: any, c: any) => a.partition - c.partition || a.offset - c.offset;
      got.sort(byKeyOrder);
      const expected = lines.map((l) => ({key: l.slice(0, l.indexOf(':')), payload: l.slice(l.indexOf(':') + 1)}));
      expect(new Set(got.map((m) => `${m.key}:${m.payload}`))).toEqual(new Set(expected.map((e) => `${e.key}:${e.payload}`)));
      for (const m of got) expect(m.headers).toEqual(['src', 'kcat', 'codec', codec]);
      // Same key, same partition (murmur2 like the Java client), in produce order.
      const perKey = new Map<string, Set<number>>();
      for (const m of got) perKey.set(m.key, (perKey.get(m.key) ?? new Set()).add(m.partition));
      for (const parts of perKey.values()) expect(parts.size).toBe(1);
      // Stored as sent: librdkafka compressed with the codec asked for (a batch that compression
      // would not make smaller goes uncompressed).
      const codes = new Set<number>();
      for (let p = 0; p < 3; p++) {
        const read = env.broker.logs.partition(topic, p)!.read(0, 1 << 24);
        if (read === 'out-of-range') continue;
        for (const batch of await decodeBatches(Buffer.concat(read))) codes.add(compressionOf(batch.header.attributes));
      }
      expect(codes.has(Compression[codec as keyof typeof Compression])).toBe(true);
      expect(codes.size).toBeLessThanOrEqual(2);
    });
  }

  it('a Produce v0-2 request (message format v0/v1) is answered UNSUPPORTED_VERSION, as Kafka 4 does; nothing is stored', async () => {
    const [host, port] = b.split(':');
    const conn = await WireConnection.connect(host, Number(port));
    try {
      // A message set v1 with one message: offset, size, then crc, magic 1, attributes, timestamp, key, value.
      const message = Buffer.alloc(8 + 4 + 4 + 1 + 1 + 8 + 4 + 4 + 3);
      message.writeInt32BE(message.length - 12, 8);
      message[16] = 1;
      message.writeInt32BE(-1, 26);
      message.writeInt32BE(3, 30);
      message.write('old', 34);
      await env.broker.createTopic('old-format', 1, {});
      const res = await conn.request(Produce, 2, {transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{name: 'old-format', partitionData: [{index: 0, records: message}]}]});
      expect(res.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
      expect(env.broker.logs.partition('old-format', 0)!.logEndOffset).toBe(0);
    } finally {
      conn.close();
    }
  });

  it('-Q finds offsets for timestamps', async () => {
    const topic = 'times';
    const before = Date.now();
    await kcat(['-b', b, '-P', '-t', topic, '-p', '0'], 'a\nb\nc\n');
    await new Promise((r) => setTimeout(r, 20)); // so the next record's timestamp is later
    const between = Date.now();
    await kcat(['-b', b, '-P', '-t', topic, '-p', '0'], 'd\n');
    const after = Date.now();
    const atStart = await kcat(['-b', b, '-Q', '-t', `${topic}:0:${before - 1000}`]);
    expect(atStart).toMatch(/times \[0\] offset 0\n/);
    expect(await kcat(['-b', b, '-Q', '-t', `${topic}:0:${between}`])).toMatch(/times \[0\] offset 3\n/);
    const future = await kcat(['-b', b, '-Q', '-t', `${topic}:0:${after + 60_000}`]);
    expect(future).toMatch(/times \[0\] offset -1\n/);
  });

  it('round-trips 100,000 messages byte-exact', async () => {
    const dir = tempDir('kcat');
    const input = path.join(dir, 'in.txt');
    const lines: string[] = [];
    let seed = 7;
    for (let i = 0; i < 100_000; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      lines.push(`${String(i).padStart(6, '0')},${seed.toString(36)},${'abcdefghij'.repeat(1 + (seed % 20))}`);
    }
    fs.writeFileSync(input, lines.join('\n') + '\n');
    await runOk('sh', ['-c', `kcat -b ${b} -P -t bulk -p 0 -X acks=1 < ${input}`]);
    const out = await kcat(['-b', b, '-C', '-t', 'bulk', '-o', 'beginning', '-e', '-q', '-D', '\n']);
    expect(out.length).toBe(fs.statSync(input).size);
    expect(out === fs.readFileSync(input, 'utf8')).toBe(true);
  });
});
