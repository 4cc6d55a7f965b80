import {type ChildProcess, spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startZookeeper, zookeeperInstalled, type ZookeeperHandle} from '../../src/zk/server/index.js';
import type {Broker} from '../../src/broker/broker.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {until} from '../helpers/poll.js';
import {run, runOk} from '../helpers/run.js';
import {hasCommand, hasPythonModule, requireTool} from '../helpers/system-deps.js';
import {closedPort, pickZkPort} from '../zk/helpers.js';

// Burrow (Debian `burrow`, 1.2.1) reads group offsets from __consumer_offsets itself, with Sarama's
// oldest request versions (Metadata v0, ListOffsets v0, Fetch v0): it works only if the topic holds
// Kafka's exact records and the broker serves those versions.
const haveBurrow = requireTool('burrow', hasCommand('Burrow'));
const haveZk = requireTool('zookeeper', zookeeperInstalled());
const haveKcat = requireTool('kcat', hasCommand('kcat'));
const haveKafkaPython = requireTool('python3-kafka', hasPythonModule('kafka'));

const GROUP = 'burrow-lag';
const TOPIC = 'lagged';
/** Java: Utils.abs("burrow-lag".hashCode()) % 50 = 599959616 % 50. */
const GROUP_PARTITION = 16;

const COMMIT = `
import sys
from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata
boot, group, topic = sys.argv[1], sys.argv[2], sys.argv[3]
c = KafkaConsumer(bootstrap_servers=boot, group_id=group, enable_auto_commit=False)
c.commit({TopicPartition(topic, p): OffsetAndMetadata(int(o), '') for p, o in enumerate(sys.argv[4:])})
c.close()
`;

function burrowConfig(dir: string, zk: string, bootstrap: string, httpPort: number): string {
  return `[general]
pidfile="${dir}/burrow.pid"
[logging]
level="info"
[zookeeper]
servers=["${zk}"]
timeout=6
root-path="/burrow"
[client-profile.kcollect]
client-id="burrow-test"
[cluster.local]
class-name="kafka"
servers=["${bootstrap}"]
client-profile="kcollect"
topic-refresh=2
offset-refresh=2
[consumer.local]
class-name="kafka"
cluster="local"
servers=["${bootstrap}"]
client-profile="kcollect"
start-latest=false
[httpserver.default]
address="127.0.0.1:${httpPort}"
[storage.default]
class-name="inmemory"
workers=2
intervals=10
expire-group=604800
min-distance=1
`;
}

interface BurrowLag {
  partitions: Array<{topic: string; partition: number; current_lag: number; end: {offset: number}}>;
}

describe.runIf(haveBurrow && haveZk && haveKcat && haveKafkaPython)('Burrow 1.2.1 and kcat read __consumer_offsets', () => {
  let zk: ZookeeperHandle;
  let broker: Broker;
  let bootstrap: string;
  let burrow: ChildProcess | undefined;
  let burrowOut = '';
  let httpPort: number;
  const dir = tempDir('burrow');

  beforeAll(async () => {
    zk = await startZookeeper({port: await pickZkPort(1), dataDir: path.join(dir, 'zk')});
    ({broker, bootstrap} = await startBroker());
    await broker.createTopic(TOPIC, 2, {});
    for (const p of [0, 1]) await runOk('kcat', ['-P', '-b', bootstrap, '-t', TOPIC, '-p', String(p)], {input: Array.from({length: 10}, (_, i) => `m${i}`).join('\n') + '\n'});
  }, 90_000);

  afterAll(async () => {
    burrow?.kill('SIGKILL');
    await broker?.close();
    await zk?.stop();
  });

  const commit = (...offsets: number[]) => runOk('/usr/bin/python3', ['-c', COMMIT, bootstrap, GROUP, TOPIC, ...offsets.map(String)]);

  it('shows the lag of a group committed by kafka-python per partition, and the lag moves as the group commits', async () => {
    await commit(3, 5);
    httpPort = await closedPort();
    fs.writeFileSync(path.join(dir, 'burrow.toml'), burrowConfig(dir, zk.connectString, bootstrap, httpPort));
    burrow = spawn('Burrow', ['--config-dir', dir], {cwd: dir, stdio: ['ignore', 'pipe', 'pipe']});
    burrow.stdout!.on('data', (d) => (burrowOut += d));
    burrow.stderr!.on('data', (d) => (burrowOut += d));

    const lags = async (): Promise<number[] | undefined> => {
      const res = await fetch(`http://127.0.0.1:${httpPort}/v3/kafka/local/consumer/${GROUP}/lag`).catch(() => undefined);
      if (!res?.ok) return undefined;
      const body = (await res.json()) as {status?: BurrowLag};
      const parts = body.status?.partitions ?? [];
      if (parts.length !== 2) return undefined;
      return [...parts].sort((a, b) => a.partition - b.partition).map((p) => p.current_lag);
    };
    let seen: number[] | undefined;
    await until(async () => JSON.stringify((seen = await lags())) === '[7,5]', `Burrow to report lag [7,5] (last ${JSON.stringify(seen)}):\n${burrowOut.slice(-3000)}`, 90_000);

    await commit(10, 8);
    await until(async () => JSON.stringify((seen = await lags())) === '[0,2]', `Burrow to report lag [0,2] after the next commit (last ${JSON.stringify(seen)}):\n${burrowOut.slice(-3000)}`, 90_000);
  }, 240_000);

  it("kcat -C -t __consumer_offsets shows Kafka's OffsetCommitKey/Value in the group's partition", async () => {
    const file = path.join(dir, 'offsets.bin');
    const r = await run('sh', ['-c', `kcat -C -b ${bootstrap} -t __consumer_offsets -e -q -f '%p|%k|%s\\n' > ${file}`]);
    expect(r.code, r.stderr).toBe(0);
    const out = fs.readFileSync(file);
    const str = (s: string) => Buffer.concat([Buffer.from([0, s.length]), Buffer.from(s)]);
    const int = (n: number, bytes: 2 | 4 | 8) => {
      const b = Buffer.alloc(bytes);
      if (bytes === 8) b.writeBigInt64BE(BigInt(n));
      else if (bytes === 4) b.writeInt32BE(n);
      else b.writeInt16BE(n);
      return b;
    };
    // Key version 1 (group, topic, partition), value version 3 starting with the offset.
    for (const [partition, offset] of [[0, 10], [1, 8]]) {
      const record = Buffer.concat([Buffer.from(`${GROUP_PARTITION}|`), int(1, 2), str(GROUP), str(TOPIC), int(partition, 4), Buffer.from('|'), int(3, 2), int(offset, 8)]);
      expect(out.includes(record), `record for ${TOPIC}-${partition} at offset ${offset} in partition ${GROUP_PARTITION}`).toBe(true);
    }
  });

  it('describes __consumer_offsets as an internal topic of 50 partitions (kafka-python admin)', async () => {
    const out = await runOk('/usr/bin/python3', [
      '-c',
      `import json, sys
from kafka.admin import KafkaAdminClient
a = KafkaAdminClient(bootstrap_servers=sys.argv[1])
print(json.dumps([{'topic': t['topic'], 'internal': t['is_internal'], 'partitions': len(t['partitions'])} for t in a.describe_topics(['__consumer_offsets', '${TOPIC}'])]))`,
      bootstrap,
    ]);
    expect(JSON.parse(out)).toEqual([
      {topic: '__consumer_offsets', internal: true, partitions: 50},
      {topic: TOPIC, internal: false, partitions: 2},
    ]);
  });
});
