import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startBroker} from '../helpers/broker.js';
import {runOk} from '../helpers/run.js';
import {hasCommand, hasPythonModule, requireTool} from '../helpers/system-deps.js';

/** What applications do beyond produce and consume: seeking by time, in compressed batches and open transactions. */

const {Kafka, logLevel, CompressionTypes} = kafkajs;
const haveKcat = requireTool('kcat', hasCommand('kcat'), 'apt-get install -y kcat');
const haveConfluent = requireTool('python3-confluent-kafka', hasPythonModule('confluent_kafka'));

const T0 = 1_700_000_000_000;

/** confluent-kafka produces ten records one second apart into one lz4 batch, then asks offsets_for_times. */
const CONFLUENT_TIMES = `
import sys, json
from confluent_kafka import Producer, Consumer, TopicPartition
boot, topic, t0 = sys.argv[1], sys.argv[2], int(sys.argv[3])
p = Producer({'bootstrap.servers': boot, 'compression.type': 'lz4', 'linger.ms': 1000})
for i in range(10): p.produce(topic, value=b'v%d ' % i + b'z' * 500, partition=0, timestamp=t0 + i * 1000)
p.flush(30)
c = Consumer({'bootstrap.servers': boot, 'group.id': 'unused'})
print(json.dumps([c.offsets_for_times([TopicPartition(topic, 0, t0 + d)], timeout=10)[0].offset for d in (4500, 9000, 9001)]))
c.close()
`;

/** offsets_for_times while a transaction is open: p0 at T0, the open transaction's t0 at T0+1s, then p1 at T0+2s. */
const TIMES_IN_OPEN_TRANSACTION = `
import sys, json
from confluent_kafka import Producer, Consumer, TopicPartition
boot, topic, t0 = sys.argv[1], sys.argv[2], int(sys.argv[3])
plain = Producer({'bootstrap.servers': boot, 'linger.ms': 0})
plain.produce(topic, value=b'p0', partition=0, timestamp=t0); plain.flush(30)
tx = Producer({'bootstrap.servers': boot, 'transactional.id': 'times-' + topic, 'linger.ms': 0})
tx.init_transactions(30)
tx.begin_transaction()
tx.produce(topic, value=b't0', partition=0, timestamp=t0 + 1000); tx.flush(30)
plain.produce(topic, value=b'p1', partition=0, timestamp=t0 + 2000); plain.flush(30)
out = {}
for iso in ('read_committed', 'read_uncommitted'):
    c = Consumer({'bootstrap.servers': boot, 'group.id': 'unused', 'isolation.level': iso})
    out[iso] = [c.offsets_for_times([TopicPartition(topic, 0, t0 + d)], timeout=10)[0].offset for d in (0, 500, 1500)]
    c.close()
tx.abort_transaction(30)
print(json.dumps(out))
`;

describe('application patterns against the broker', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  let kafka: InstanceType<typeof Kafka>;

  beforeAll(async () => {
    env = await startBroker();
    kafka = new Kafka({clientId: 'app-patterns', brokers: [env.bootstrap], logLevel: logLevel.NOTHING});
  });
  afterAll(async () => {
    await env.broker.close();
  });

  it('seeking by time finds the record inside a compressed batch, not the batch\'s first record', async () => {
    // One gzip batch of ten records, one second apart: Kafka decompresses it to answer exactly.
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'by-time',
      compression: CompressionTypes.GZIP,
      messages: Array.from({length: 10}, (_, i) => ({partition: 0, value: `v${i} ${'z'.repeat(500)}`, timestamp: String(T0 + i * 1000)})),
    });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.fetchTopicOffsetsByTimestamp('by-time', T0 + 4500)).toEqual([{partition: 0, offset: '5'}]);
      expect(await admin.fetchTopicOffsetsByTimestamp('by-time', T0 + 9000)).toEqual([{partition: 0, offset: '9'}]);
    } finally {
      await admin.disconnect();
    }
    if (haveKcat) {
      expect(await runOk('kcat', ['-b', env.bootstrap, '-Q', '-t', `by-time:0:${T0 + 4500}`])).toMatch(/by-time \[0\] offset 5\n/);
      // kcat -o s@TIME starts the consumer there: nothing older than the time comes back.
      const from = await runOk('kcat', ['-b', env.bootstrap, '-C', '-t', 'by-time', '-o', `s@${T0 + 7000}`, '-e', '-q', '-f', '%o %T\\n']);
      expect(from.trim().split('\n')).toEqual(['7 1700000007000', '8 1700000008000', '9 1700000009000']);
    }
    if (haveConfluent) {
      expect(JSON.parse(await runOk('/usr/bin/python3', ['-c', CONFLUENT_TIMES, env.bootstrap, 'by-time-lz4', String(T0)]))).toEqual([5, 9, -1]);
    }
  });

  it.runIf(haveConfluent)('a read_committed consumer seeking by time is never sent into an open transaction', async () => {
    const out = JSON.parse(await runOk('/usr/bin/python3', ['-c', TIMES_IN_OPEN_TRANSACTION, env.bootstrap, 'times-open-tx', String(T0)]));
    // Kafka answers only offsets the consumer may fetch: below the last stable offset (1) for read_committed.
    expect(out).toEqual({read_committed: [0, -1, -1], read_uncommitted: [0, 1, 2]});
  });
});
