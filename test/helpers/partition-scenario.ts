import type {Kafka} from 'kafkajs';
import {expect} from 'vitest';
import {eventually} from '../zk/helpers.js';
import {startPythonProducer} from './python-producer.js';
import {identicalReplicas, metadataFrom, readNumbers} from './topology.js';

export type BrokerNode = {id: number; address: string; dataDir: string};

export interface ScenarioCluster {
  kafka: Kafka;
  bootstrap: string;
  brokers: BrokerNode[];
  dir: string;
}

/**
 * A fault scenario on three brokers, in the style of Jepsen's Kafka tests: a single-partition
 * topic (RF=3, min.insync.replicas=2) led by `leader`, an idempotent acks=all producer and a
 * consumer group reading throughout; `disturb` then does its damage (`ackedMore(n)` waits for n
 * more acknowledgements). Afterwards: every replica back in the ISR, every acknowledged record read
 * exactly once by a fresh group, the group that read throughout saw them all and committed the
 * log end, and every replica's log holds the very same bytes.
 */
export async function partitionScenario(
  {kafka, bootstrap, brokers, dir}: ScenarioCluster,
  topic: string,
  leader: number,
  disturb: (ackedMore: (n: number) => Promise<void>) => Promise<void>,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const order = [leader, ...brokers.map((b) => b.id).filter((id) => id !== leader)];
  await admin.createTopics({topics: [{topic, replicaAssignment: [{partition: 0, replicas: order}], configEntries: [{name: 'min.insync.replicas', value: '2'}]}], waitForLeaders: true});
  const everyIsrFull = () =>
    eventually(async () => {
      const seen = await Promise.all(brokers.map((b) => metadataFrom(b.address, topic)));
      if (seen.some((m) => m.isr.length !== 3 || m.leader < 0)) throw new Error(`ISR ${seen.map((m) => m.isr)}`);
    }, 60_000);
  await everyIsrFull();

  const group = `${topic}-readers`;
  const consumed: number[] = [];
  const reader = kafka.consumer({groupId: group});
  await reader.connect();
  await reader.subscribe({topic, fromBeginning: true});
  await reader.run({eachMessage: async ({message}) => void consumed.push(Number(message.value!.toString()))});

  const producer = startPythonProducer(bootstrap, topic, `${dir}/${topic}`);
  const ackedAtLeast = (n: number) =>
    eventually(async () => {
      if (producer.acked().length < n) throw new Error(`${producer.acked().length} acknowledged`);
    }, 60_000);
  try {
    await ackedAtLeast(50);
    await disturb((more) => ackedAtLeast(producer.acked().length + more));
    await everyIsrFull();
    await ackedAtLeast(producer.acked().length + 30);
  } finally {
    expect(await producer.stop()).not.toMatch(/delivery failed|not delivered/);
  }
  const acked = producer.acked().map((a) => a.n);
  const end = Number((await admin.fetchTopicOffsets(topic))[0].high);

  // The group reading throughout commits up to the log end and has seen every acknowledged record.
  try {
    await eventually(async () => {
      const committed = Number((await admin.fetchOffsets({groupId: group, topics: [topic]}))[0].partitions[0].offset);
      if (committed !== end) throw new Error(`group committed ${committed} of ${end}`);
    }, 60_000);
  } finally {
    await reader.disconnect();
  }
  expect(new Set(consumed)).toEqual(new Set(acked));
  expect(Number((await admin.fetchOffsets({groupId: group, topics: [topic]}))[0].partitions[0].offset)).toBe(end);

  expect(await readNumbers(kafka, admin, topic, `${topic}-check`)).toEqual(acked);
  await admin.disconnect();
  await identicalReplicas(brokers.map((b) => b.dataDir), topic, 0);
}
