// Fetch error answers as real consumers meet them: an offset past the end, a committed offset
// behind the log start (DeleteRecords), a topic deleted under a reader. Kafka answers each error
// with empty records; a null (size -1) made librdkafka loop on "invalid MessageSetSize -1".
import {spawn} from 'node:child_process';
import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {WireConnection} from '../../src/client/wire-connection.js';
import {ErrorCode} from '../../src/protocol/errors.js';
import {Fetch} from '../../src/protocol/messages/01-fetch.js';
import {startBroker} from '../helpers/broker.js';
import {until} from '../helpers/poll.js';
import {collect, runOk} from '../helpers/run.js';
import {hasCommand, hasPythonModule, requireTool} from '../helpers/system-deps.js';

const PY = '/usr/bin/python3';
const haveKcat = requireTool('kcat', hasCommand('kcat'));
const haveKafkaPython = requireTool('python3-kafka', hasPythonModule('kafka'));
const haveConfluent = requireTool('python3-confluent-kafka', hasPythonModule('confluent_kafka'));

const TEN = Array.from({length: 10}, (_, i) => `m${i}`);

describe('Fetch error answers', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  let b: string;

  beforeAll(async () => {
    env = await startBroker({numPartitions: 1});
    b = env.bootstrap;
  });
  afterAll(async () => {
    await env.broker.close();
  });

  async function produceTen(topic: string): Promise<void> {
    const kafka = new kafkajs.Kafka({brokers: [b], logLevel: kafkajs.logLevel.NOTHING});
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({topic, messages: TEN.map((value) => ({value}))});
    await producer.disconnect();
  }

  it('carry empty records, not null, for every error, in every served version', async () => {
    await produceTen('wire-errors');
    const [host, port] = b.split(':');
    const conn = await WireConnection.connect(host, Number(port));
    try {
      for (const version of [4, 11]) {
        const fetch = (topic: string, fetchOffset: number) =>
          conn.request(Fetch, version, {
            replicaId: -1,
            maxWaitMs: 0,
            minBytes: 1,
            maxBytes: 1 << 20,
            isolationLevel: 0,
            sessionId: 0,
            sessionEpoch: -1,
            topics: [{topic, partitions: [{partition: 0, currentLeaderEpoch: -1, fetchOffset, logStartOffset: -1, partitionMaxBytes: 1 << 20}]}],
            forgottenTopicsData: [],
            rackId: '',
          });
        for (const [topic, offset, error] of [
          ['wire-errors', 999, ErrorCode.OFFSET_OUT_OF_RANGE],
          ['no-such-topic-here', 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
        ] as const) {
          const res = await fetch(topic, offset);
          const p = res.responses[0].partitions[0];
          expect(p.errorCode, `v${version} ${topic}`).toBe(error);
          expect(p.records, `v${version} ${topic}: records must be empty, not null`).toEqual(Buffer.alloc(0));
        }
      }
    } finally {
      conn.close();
    }
  });

  it.runIf(haveKcat)('kcat: an offset past the end resets to earliest and reads on', async () => {
    await runOk('kcat', ['-b', b, '-P', '-t', 'kcat-reset', '-p', '0'], {input: `${TEN.join('\n')}\n`});
    const child = spawn('kcat', ['-b', b, '-C', '-t', 'kcat-reset', '-p', '0', '-o', '999', '-e', '-X', 'auto.offset.reset=earliest'], {stdio: ['ignore', 'pipe', 'pipe']});
    const r = await collect(child, {timeoutMs: 30_000});
    expect(r.stderr).not.toMatch(/MessageSetSize/);
    expect(r.stdout.trim().split('\n')).toEqual(TEN);
    expect(r.code).toBe(0);
  });

  it.runIf(haveKcat)('kcat: a topic deleted under a reader gives an error, not a flood', async () => {
    await produceTen('kcat-deleted');
    const child = spawn('kcat', ['-b', b, '-C', '-u', '-t', 'kcat-deleted', '-p', '0', '-o', 'beginning'], {stdio: ['ignore', 'pipe', 'pipe']});
    const done = collect(child, {timeoutMs: 60_000});
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    await until(() => out.trim().split('\n').length === 10, 'kcat to print the ten records');
    const kafka = new kafkajs.Kafka({brokers: [b], logLevel: kafkajs.logLevel.NOTHING});
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({topics: ['kcat-deleted']});
    await admin.disconnect();
    // librdkafka keeps fetching the partition it was told to read; let it meet the error a while.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    child.kill('SIGTERM');
    const r = await done;
    expect(r.stderr).not.toMatch(/MessageSetSize/);
  });

  it.runIf(haveConfluent)('confluent-kafka: a committed offset behind the log start (DeleteRecords) resets to earliest', async () => {
    const topic = 'confluent-behind';
    await produceTen(topic);
    const kafka = new kafkajs.Kafka({brokers: [b], logLevel: kafkajs.logLevel.NOTHING});
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({groupId: 'behind', topic, partitions: [{partition: 0, offset: '2'}]});
    await admin.deleteTopicRecords({topic, partitions: [{partition: 0, offset: '5'}]});
    await admin.disconnect();
    const script = `
import sys
from confluent_kafka import Consumer
c = Consumer({'bootstrap.servers': sys.argv[1], 'group.id': 'behind', 'auto.offset.reset': 'earliest', 'enable.auto.commit': False})
c.subscribe([sys.argv[2]])
got = []
while len(got) < 5:
    m = c.poll(10)
    if m is None: break
    if m.error(): continue
    got.append('%d:%s' % (m.offset(), m.value().decode()))
c.close()
print(' '.join(got))
`;
    const out = await runOk(PY, ['-c', script, b, topic], {timeoutMs: 60_000});
    expect(out.trim()).toBe('5:m5 6:m6 7:m7 8:m8 9:m9');
  });

  it.runIf(haveKafkaPython)('kafka-python: an offset past the end resets to earliest and reads on', async () => {
    const topic = 'python-reset';
    await produceTen(topic);
    const script = `
import sys
from kafka import KafkaConsumer, TopicPartition
c = KafkaConsumer(bootstrap_servers=sys.argv[1], auto_offset_reset='earliest', enable_auto_commit=False, consumer_timeout_ms=10000)
tp = TopicPartition(sys.argv[2], 0)
c.assign([tp])
c.seek(tp, 999)
got = []
for m in c:
    got.append(m.value.decode())
    if len(got) == 10: break
print(' '.join(got))
`;
    const out = await runOk(PY, ['-c', script, b, topic], {timeoutMs: 60_000});
    expect(out.trim()).toBe(TEN.join(' '));
  });
});
