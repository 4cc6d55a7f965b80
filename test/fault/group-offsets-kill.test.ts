import kafkajs from 'kafkajs';
import {afterAll, describe, expect, it} from 'vitest';
import {WireConnection} from '../../src/client/wire-connection.js';
import {FindCoordinator} from '../../src/protocol/messages/10-find-coordinator.js';
import {ApiVersions} from '../../src/protocol/messages/18-api-versions.js';
import {zookeeperInstalled} from '../../src/zk/server/index.js';
import {tempDir} from '../helpers/broker.js';
import {runCli, runCliJson} from '../helpers/cli.js';
import {runOk} from '../helpers/run.js';
import {hasPythonModule, requireTool} from '../helpers/system-deps.js';
import {writeTopology} from '../helpers/topology.js';
import {eventually} from '../zk/helpers.js';

const {Kafka, logLevel} = kafkajs;
const haveZk = requireTool('zookeeper', zookeeperInstalled());
const haveKafkaPython = requireTool('python3-kafka', hasPythonModule('kafka'));

const GROUP = 'survivors';

/** kafka-python: commit `offset` for partition 0 (when given), then print what the coordinator has. */
const OFFSETS = `
import sys
from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata
boot, group, topic = sys.argv[1], sys.argv[2], sys.argv[3]
c = KafkaConsumer(bootstrap_servers=boot.split(','), group_id=group, enable_auto_commit=False, request_timeout_ms=30000)
tp = TopicPartition(topic, 0)
if len(sys.argv) > 4: c.commit({tp: OffsetAndMetadata(int(sys.argv[4]), 'by kafka-python')})
print(c.committed(tp))
c.close()
`;

describe.runIf(haveZk && haveKafkaPython)('group offsets on a three-broker cluster', () => {
  const cwd = tempDir('group-kill');
  const cli = (args: string[]) => runCli(args, {cwd, timeoutMs: 120_000});
  afterAll(async () => {
    await cli(['cluster', 'down', '--purge']);
  });

  it('survive kill -9 of their coordinator twice, read back from __consumer_offsets by the next one', async () => {
    const up = await runCliJson(['cluster', 'up', await writeTopology(cwd, 'multi-broker-single-node'), '--detach'], {cwd, timeoutMs: 120_000});
    const brokers: string = up.brokers;
    const kafka = new Kafka({clientId: 'group-kill', brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: {retries: 30, initialRetryTime: 200, maxRetryTime: 2000}});
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'kept', numPartitions: 1, replicationFactor: 3}], waitForLeaders: true});
    await admin.disconnect();
    const offsets = (...commit: number[]) => runOk('/usr/bin/python3', ['-c', OFFSETS, brokers, GROUP, 'kept', ...commit.map(String)], {timeoutMs: 120_000});
    const coordinator = async () => {
      for (const b of brokers.split(',')) {
        const [host, port] = b.split(':');
        const conn = await WireConnection.connect(host!, Number(port)).catch(() => undefined);
        if (!conn) continue;
        try {
          await conn.negotiate(ApiVersions);
          const r = await conn.request(FindCoordinator, 1, {key: GROUP, keyType: 0});
          if (r.errorCode === 0) return r.nodeId as number;
        } finally {
          conn.close();
        }
      }
      throw new Error('no coordinator');
    };

    expect((await offsets(12)).trim()).toBe('12');
    const first = await coordinator();
    expect((await cli(['cluster', 'kill', String(first)])).code).toBe(0);
    await eventually(async () => {
      if ((await coordinator()) === first) throw new Error('the group has not moved yet');
    }, 60_000);
    expect((await offsets()).trim()).toBe('12');

    // Committed through the second coordinator, then that one is killed too: the group moves on
    // again (possibly back to the restarted first broker, which caught up from the topic).
    expect((await offsets(15)).trim()).toBe('15');
    expect((await cli(['cluster', 'restart', String(first)])).code).toBe(0);
    await eventually(async () => {
      const s = await runCliJson(['cluster', 'status'], {cwd});
      if (s.underReplicated.length > 0 || s.offline.length > 0) throw new Error(JSON.stringify(s.underReplicated));
    }, 90_000);
    const second = await coordinator();
    expect((await cli(['cluster', 'kill', String(second)])).code).toBe(0);
    await eventually(async () => {
      if ((await coordinator()) === second) throw new Error('the group has not moved yet');
    }, 60_000);
    expect((await offsets()).trim()).toBe('15');
  }, 400_000);
});
