import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {WireConnection} from '../../src/client/wire-connection.js';
import {Produce} from '../../src/protocol/messages/00-produce.js';
import {InitProducerId} from '../../src/protocol/messages/22-init-producer-id.js';
import {encodeBatch} from '../../src/protocol/records/records.js';
import {spawnBroker, startBroker, tempDir} from '../helpers/broker.js';
import {until} from '../helpers/poll.js';
import {runOk} from '../helpers/run.js';
import {hasCommand, hasPythonModule, requireTool} from '../helpers/system-deps.js';

const {Kafka, logLevel} = kafkajs;
const haveKcat = requireTool('kcat', hasCommand('kcat'));
const haveKafkaPython = requireTool('python3-kafka', hasPythonModule('kafka'));

/** Small segments so closed ones exist to clean; any dirt at all is worth a pass. */
const COMPACTED = [
  {name: 'cleanup.policy', value: 'compact'},
  {name: 'segment.bytes', value: '1024'},
  {name: 'min.cleanable.dirty.ratio', value: '0.01'},
];

interface Row {
  offset: number;
  key: string;
  value: string | null;
}

/** kcat's view of the whole partition: offset, key, value (null for a tombstone). */
async function kcatRows(bootstrap: string, topic: string, from = 'beginning'): Promise<Row[]> {
  const out = await runOk('kcat', ['-b', bootstrap, '-C', '-t', topic, '-p', '0', '-o', from, '-e', '-q', '-f', '%o|%k|%S|%s\n']);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [offset, key, size, ...value] = line.split('|');
      return {offset: Number(offset), key, value: size === '-1' ? null : value.join('|')};
    });
}

const KAFKA_PYTHON_READ = `
import json, sys
from kafka import KafkaConsumer, TopicPartition
boot, topic = sys.argv[1], sys.argv[2]
c = KafkaConsumer(bootstrap_servers=boot, enable_auto_commit=False, consumer_timeout_ms=4000)
tp = TopicPartition(topic, 0)
c.assign([tp])
c.seek_to_beginning(tp)
end = c.end_offsets([tp])[tp]
rows = []
for m in c:
    rows.append({'offset': m.offset, 'key': m.key.decode(), 'value': None if m.value is None else m.value.decode()})
print(json.dumps({'rows': rows, 'position': c.position(tp), 'end': end}))
`;

function lastValues(rows: Row[]): Map<string, string | null> {
  return new Map(rows.map((r) => [r.key, r.value]));
}

describe('log compaction seen by Kafka clients', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  let kafka: kafkajs.Kafka;

  beforeAll(async () => {
    env = await startBroker({logCleanerBackoffMs: 100});
    kafka = new Kafka({clientId: 'compaction', brokers: [env.bootstrap], logLevel: logLevel.NOTHING});
  });
  afterAll(async () => {
    await env.broker.close();
  });

  async function createCompacted(topic: string, extra: Array<{name: string; value: string}> = []): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic, numPartitions: 1, configEntries: [...COMPACTED, ...extra]}]});
    await admin.disconnect();
  }

  /** Records with keys nobody repeats, enough to push the interesting ones out of the active segment. */
  async function roll(producer: kafkajs.Producer, topic: string, tag = 'filler'): Promise<void> {
    for (let i = 0; i < 30; i++) await producer.send({topic, messages: [{key: `${tag}-${i}`, value: 'x'.repeat(40)}]});
  }

  it.runIf(haveKcat)('compacts repeated keys to the last value each, and kcat and kafka-python read across the gaps', async () => {
    const topic = 'table';
    await createCompacted(topic);
    const producer = kafka.producer();
    await producer.connect();
    const expected = new Map<string, string | null>();
    for (let round = 0; round < 20; round++) {
      for (let k = 0; k < 10; k++) {
        await producer.send({topic, messages: [{key: `car-${k}`, value: `speed ${round * 10 + k}`}]});
        expected.set(`car-${k}`, `speed ${round * 10 + k}`);
      }
    }
    await roll(producer, topic);
    await producer.disconnect();
    for (let i = 0; i < 30; i++) expected.set(`filler-${i}`, 'x'.repeat(40));

    // Every key once: nothing superseded is left, and nothing current is lost.
    let rows: Row[] = [];
    await until(async () => {
      rows = await kcatRows(env.bootstrap, topic);
      return rows.length === expected.size;
    }, 'the cleaner to leave one record per key');
    expect(lastValues(rows)).toEqual(expected);
    expect(rows.at(-1)!.offset).toBe(229); // offsets are never reassigned

    // A consumer positioned inside a gap gets the next record there is.
    expect(rows[0].offset).toBeGreaterThan(100);
    const [next] = await kcatRows(env.bootstrap, topic, '50');
    expect(next).toEqual(rows[0]);

    if (haveKafkaPython) {
      const py = JSON.parse(await runOk('/usr/bin/python3', ['-c', KAFKA_PYTHON_READ, env.bootstrap, topic]));
      expect(py.rows).toEqual(rows);
      expect(py.position).toBe(py.end);
    }
  }, 120_000);

  it('refuses DeleteRecords on a compact-only topic with POLICY_VIOLATION, as Kafka does', async () => {
    await createCompacted('no-delete-records');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.fetchTopicMetadata({topics: ['no-delete-records']});
      const err = await admin.deleteTopicRecords({topic: 'no-delete-records', partitions: [{partition: 0, offset: '-1'}]}).catch((e) => e);
      // kafkajs wraps the per-partition error it refuses to retry.
      expect(err.cause.partitions.map((p: any) => p.error.type)).toEqual(['POLICY_VIOLATION']);
    } finally {
      await admin.disconnect();
    }
  });

  it.runIf(haveKcat)('drops tombstones once delete.retention.ms has passed', async () => {
    const topic = 'tombstones';
    await createCompacted(topic, [{name: 'delete.retention.ms', value: '500'}]);
    const producer = kafka.producer();
    await producer.connect();
    for (let k = 0; k < 5; k++) await producer.send({topic, messages: [{key: `user-${k}`, value: `profile ${k}`}]});
    await producer.send({topic, messages: [{key: 'user-1', value: null}]});
    await producer.send({topic, messages: [{key: 'user-3', value: null}]});
    await roll(producer, topic);
    await producer.disconnect();

    await until(async () => {
      const keys = (await kcatRows(env.bootstrap, topic)).map((r) => r.key);
      return !keys.includes('user-1') && !keys.includes('user-3');
    }, 'the tombstones and the values they delete to go');
    const users = (await kcatRows(env.bootstrap, topic)).filter((r) => r.key.startsWith('user-'));
    expect(users.map((r) => [r.key, r.value])).toEqual([
      ['user-0', 'profile 0'],
      ['user-2', 'profile 2'],
      ['user-4', 'profile 4'],
    ]);
  }, 120_000);

  it.runIf(haveKcat)('a kafkajs idempotent producer keeps writing while the topic is compacted', async () => {
    const topic = 'idempotent-table';
    await createCompacted(topic);
    const producer = kafka.producer({idempotent: true, maxInFlightRequests: 1});
    await producer.connect();
    for (let round = 0; round < 15; round++) {
      for (let k = 0; k < 8; k++) await producer.send({topic, acks: -1, messages: [{key: `k${k}`, value: `r${round}`}]});
    }
    await roll(producer, topic);
    await until(async () => (await kcatRows(env.bootstrap, topic)).length === 38, 'the first compaction');
    // Same producer, same sequence numbers going on, after its earlier batches were cleaned away.
    for (let k = 0; k < 8; k++) await producer.send({topic, acks: -1, messages: [{key: `k${k}`, value: 'after'}]});
    await roll(producer, topic, 'second');
    await producer.disconnect();
    await until(async () => (await kcatRows(env.bootstrap, topic)).length === 68, 'the second compaction');
    const rows = await kcatRows(env.bootstrap, topic);
    expect(rows.filter((r) => r.key.startsWith('k')).map((r) => r.value)).toEqual(Array(8).fill('after'));
  }, 120_000);
});

describe.runIf(haveKcat)('idempotent producer state after compaction and kill -9', () => {
  it('a retried batch whose records were all compacted away is still answered as a duplicate', async () => {
    const dataDir = tempDir('compaction-kill');
    const extraArgs = ['--log-cleaner-backoff', '100ms'];
    let proc = await spawnBroker(dataDir, {extraArgs});
    try {
      const kafka = new Kafka({clientId: 'kill', brokers: [proc.bootstrap], logLevel: logLevel.NOTHING});
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({topics: [{topic: 'state', numPartitions: 1, configEntries: [...COMPACTED, {name: 'segment.bytes', value: '200'}]}]});
      await admin.disconnect();

      const [host, port] = proc.bootstrap.split(':');
      let conn = await WireConnection.connect(host, Number(port));
      const {producerId} = await conn.request(InitProducerId, 1, {transactionalId: null, transactionTimeoutMs: 60000});
      const batchOf = (seq: number, key: string) => encodeBatch([{key, value: `s${seq}`}], {producerId, producerEpoch: 0, baseSequence: seq});
      const send = async (records: Buffer) => {
        const res = await conn.request(Produce, 7, {transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{name: 'state', partitionData: [{index: 0, records}]}]});
        return res.responses[0].partitionResponses[0];
      };
      for (let seq = 0; seq < 3; seq++) expect(await send(await batchOf(seq, 'k'))).toMatchObject({errorCode: 0, baseOffset: seq});
      // Plain writes that supersede every record the producer wrote, and roll its segments shut.
      const plain = kafka.producer();
      await plain.connect();
      await plain.send({topic: 'state', messages: [{key: 'k', value: 'plain'}]});
      for (let i = 0; i < 10; i++) await plain.send({topic: 'state', messages: [{key: `f${i}`, value: 'x'.repeat(100)}]});
      await plain.disconnect();
      await until(async () => !(await kcatRows(proc.bootstrap, 'state')).some((r) => r.value?.startsWith('s')), "the producer's records to be compacted away");
      conn.close();

      proc.proc.kill('SIGKILL');
      await proc.exited;
      proc = await spawnBroker(dataDir, {extraArgs});
      const [host2, port2] = proc.bootstrap.split(':');
      conn = await WireConnection.connect(host2, Number(port2));
      // The retry of the last batch: the broker remembers it from the emptied batch it kept.
      expect(await send(await batchOf(2, 'k'))).toMatchObject({errorCode: 0, baseOffset: 2});
      expect(await send(await batchOf(3, 'k'))).toMatchObject({errorCode: 0, baseOffset: 14});
      conn.close();
      const rows = await kcatRows(proc.bootstrap, 'state');
      expect(rows.filter((r) => r.key === 'k').map((r) => r.value)).toEqual(['plain', 's3']);
      if (haveKafkaPython) {
        // The emptied batch kept for the producer is in the log: kafka-python steps over it too.
        const py = JSON.parse(await runOk('/usr/bin/python3', ['-c', KAFKA_PYTHON_READ, proc.bootstrap, 'state']));
        expect(py.rows).toEqual(rows);
        expect(py.position).toBe(py.end);
      }
    } finally {
      proc.proc.kill('SIGKILL');
      await proc.exited;
    }
  }, 120_000);
});
