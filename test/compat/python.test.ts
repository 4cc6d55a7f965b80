import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startBroker} from '../helpers/broker.js';
import {runOk} from '../helpers/run.js';
import {hasPythonModule, requireTool} from '../helpers/system-deps.js';

// The Debian modules are only visible to /usr/bin/python3 (python3 on PATH may be a pyenv shim).
const PY = '/usr/bin/python3';
const runKafkaPython = requireTool('python3-kafka', hasPythonModule('kafka'));
const runConfluent = requireTool('python3-confluent-kafka', hasPythonModule('confluent_kafka'));

const py = (script: string, ...args: string[]) => runOk(PY, ['-c', script, ...args]);

const KAFKA_PYTHON = `
import json, sys
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
boot, topic, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
p = KafkaProducer(bootstrap_servers=boot, acks=1, compression_type='gzip')
futures = [p.send(topic, key=b'car%d' % (i % 10), value=('kafka-python %d' % i).encode(), headers=[('n', str(i).encode())]) for i in range(n)]
p.flush()
acked = [f.get(timeout=10) for f in futures]
c = KafkaConsumer(bootstrap_servers=boot, enable_auto_commit=False, consumer_timeout_ms=3000)
parts = [TopicPartition(topic, q) for q in sorted(c.partitions_for_topic(topic))]
c.assign(parts)
c.seek_to_beginning(*parts)
got = []
for m in c:
    got.append({'p': m.partition, 'o': m.offset, 'k': m.key.decode(), 'v': m.value.decode(), 'h': dict((k, v.decode()) for k, v in m.headers)})
    if len(got) == n: break
print(json.dumps({'acked': len(acked), 'version': list(c.config['api_version']), 'got': got}))
`;

const CONFLUENT = `
import json, sys
from confluent_kafka import Producer, Consumer, TopicPartition, OFFSET_BEGINNING
boot, topic, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
acked = []
p = Producer({'bootstrap.servers': boot, 'compression.type': 'lz4', 'linger.ms': 5})
for i in range(n):
    p.produce(topic, key=b'car%d' % (i % 10), value=('confluent %d' % i).encode(), headers=[('n', str(i).encode())],
              on_delivery=lambda err, m: acked.append(err is None))
p.flush(30)
c = Consumer({'bootstrap.servers': boot, 'group.id': 'unused', 'enable.auto.commit': False})
md = c.list_topics(topic, timeout=10)
c.assign([TopicPartition(topic, q, OFFSET_BEGINNING) for q in md.topics[topic].partitions])
got = []
while len(got) < n:
    m = c.poll(5)
    if m is None: break
    if m.error(): raise Exception(str(m.error()))
    got.append({'p': m.partition(), 'o': m.offset(), 'k': m.key().decode(), 'v': m.value().decode(), 'h': dict((k, v.decode()) for k, v in m.headers())})
c.close()
print(json.dumps({'acked': sum(acked), 'got': got}))
`;

function expectEveryRecordOnce(got: any[], n: number, prefix: string) {
  expect(got).toHaveLength(n);
  expect(new Set(got.map((m) => m.v))).toEqual(new Set(Array.from({length: n}, (_, i) => `${prefix} ${i}`)));
  for (const m of got) expect(m.h.n).toBe(m.v.split(' ').pop());
  // Per key one partition, and offsets increase in produce order within it.
  const byKey = new Map<string, any[]>();
  for (const m of got) byKey.set(m.k, [...(byKey.get(m.k) ?? []), m]);
  for (const list of byKey.values()) {
    expect(new Set(list.map((m) => m.p)).size).toBe(1);
    const order = list.map((m) => Number(m.v.split(' ').pop()));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  }
}

describe('Python clients against the broker', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;

  beforeAll(async () => {
    env = await startBroker({numPartitions: 3});
  });
  afterAll(async () => {
    await env.broker.close();
  });

  it.runIf(runKafkaPython)('kafka-python 2.0.2 produces (gzip) and consumes without a group', async () => {
    const out = JSON.parse(await py(KAFKA_PYTHON, env.bootstrap, 'kafka-python', '300'));
    expect(out.acked).toBe(300);
    // kafka-python infers the broker version from ApiVersions: DescribeAcls v2 reads as Kafka 2.5.
    expect(out.version).toEqual([2, 5, 0]);
    expectEveryRecordOnce(out.got, 300, 'kafka-python');
  });

  it.runIf(runConfluent)('confluent-kafka produces (lz4) and consumes by assignment', async () => {
    const out = JSON.parse(await py(CONFLUENT, env.bootstrap, 'confluent', '300'));
    expect(out.acked).toBe(300);
    expectEveryRecordOnce(out.got, 300, 'confluent');
  });
});
