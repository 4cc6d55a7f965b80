import kafkajs from 'kafkajs';
import {afterAll, describe, expect, it} from 'vitest';
import {WireConnection} from '../../src/client/wire-connection.js';
import {Fetch} from '../../src/protocol/messages/01-fetch.js';
import {decodeBatches} from '../../src/protocol/records/records.js';
import {type BrokerProcess, spawnBroker, tempDir} from '../helpers/broker.js';

const {Kafka, logLevel} = kafkajs;
const PARTITIONS = 3;

/** Reads every record of a partition from the start, through our own protocol client. */
async function readPartition(bootstrap: string, topic: string, partition: number): Promise<string[]> {
  const [host, port] = bootstrap.split(':');
  const conn = await WireConnection.connect(host, Number(port));
  const values: string[] = [];
  try {
    for (let offset = 0; ; ) {
      const res = await conn.request(Fetch, 11, {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 8 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{topic, partitions: [{partition, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 8 << 20}]}],
        forgottenTopicsData: [], rackId: '',
      });
      const p = res.responses[0].partitions[0];
      expect(p.errorCode).toBe(0);
      const batches = await decodeBatches(p.records ?? Buffer.alloc(0));
      const records = batches.flatMap((b) => b.records).filter((r) => r.offset >= offset);
      if (records.length === 0) return values;
      for (const r of records) values.push(r.value!.toString());
      offset = records[records.length - 1].offset + 1;
    }
  } finally {
    conn.close();
  }
}

describe('broker killed with SIGKILL mid-stream', () => {
  const procs: BrokerProcess[] = [];
  afterAll(() => {
    for (const p of procs) p.proc.kill('SIGKILL');
  });

  it('keeps every acknowledged message exactly once, in order per partition', async () => {
    const dataDir = tempDir('crash');
    const first = await spawnBroker(dataDir, {extraArgs: ['--num-partitions', String(PARTITIONS)]});
    procs.push(first);
    const port = Number(first.bootstrap.split(':')[1]);
    const kafka = new Kafka({clientId: 'crash-test', brokers: [first.bootstrap], logLevel: logLevel.NOTHING, retry: {retries: 0}});
    const producer = kafka.producer({allowAutoTopicCreation: true, retry: {retries: 0}});
    await producer.connect();

    const acked: string[] = [];
    let stop = false;
    // Several senders in flight at once, so the kill lands in the middle of writes. Each sender
    // is sequential and keys its records by its id, so its numbers must appear in order.
    const sender = async (id: number) => {
      for (let n = 0; !stop; ) {
        const batch = Array.from({length: 200}, () => ({key: `s${id}`, value: `s${id}-${String(n++).padStart(8, '0')}`}));
        try {
          await producer.send({topic: 'crash', acks: 1, messages: batch});
          acked.push(...batch.map((m) => m.value));
        } catch {
          return;
        }
      }
    };
    const senders = Array.from({length: 4}, (_, id) => sender(id));
    while (acked.length < 20_000) await new Promise((r) => setTimeout(r, 5));
    first.proc.kill('SIGKILL');
    stop = true;
    await Promise.all(senders);
    await first.exited;
    await producer.disconnect().catch(() => {});

    const second = await spawnBroker(dataDir, {port});
    procs.push(second);
    const stored: string[] = [];
    for (let p = 0; p < PARTITIONS; p++) {
      const values = await readPartition(second.bootstrap, 'crash', p);
      // In order within the partition: each sender's numbers only grow.
      const lastBySender = new Map<string, number>();
      for (const v of values) {
        const [id, n] = v.split('-');
        expect(Number(n)).toBeGreaterThan(lastBySender.get(id) ?? -1);
        lastBySender.set(id, Number(n));
      }
      stored.push(...values);
    }
    const counts = new Map<string, number>();
    for (const v of stored) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    const missing = acked.filter((v) => !counts.has(v));
    expect(missing).toEqual([]);
    expect(acked.length).toBeGreaterThanOrEqual(20_000);
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000);
});
