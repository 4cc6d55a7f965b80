import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startBroker} from '../helpers/broker.js';
import {runOk} from '../helpers/run.js';
import {hasCommand, hasPythonModule, requireTool} from '../helpers/system-deps.js';

/** What applications do beyond produce and consume: seek by time, ... */

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
});
