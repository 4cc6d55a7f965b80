import fs from 'node:fs';
import path from 'node:path';
import type {Admin, Kafka} from 'kafkajs';
import {WireConnection} from '../../src/client/wire-connection.js';
import {Metadata} from '../../src/protocol/messages/03-metadata.js';
import {eventually, pickZkPort} from '../zk/helpers.js';

export type MultiBrokerKind = 'multi-broker-single-node' | 'multi-broker-multi-node';

/**
 * The multi-node layout's three "node" addresses for this test worker: 127.0.N.2-4 with N from
 * the vitest worker, so two files cutting nodes off with iptables at the same time never cut
 * each other's cluster.
 */
export function loopbackNodes(): string[] {
  const n = 10 + Number(process.env.VITEST_POOL_ID ?? 0);
  return [2, 3, 4].map((host) => `127.0.${n}.${host}`);
}

/**
 * A topology file like the shipped one, on free ports in a temp dir; `sessionTimeout` replaces
 * the shipped zookeeper.sessionTimeout; `standaloneZk` makes the ensemble one node on 127.0.0.1;
 * `shipped` names another shipped file of that kind (e.g. multi-broker-single-node-secure).
 */
export async function writeTopology(dir: string, kind: MultiBrokerKind, {sessionTimeout, standaloneZk = false, shipped: name = kind}: {sessionTimeout?: string; standaloneZk?: boolean; shipped?: string} = {}): Promise<string> {
  const shipped = fs.readFileSync(path.resolve(import.meta.dirname, `../../topology/${name}.yaml`), 'utf8');
  const zkPort = await pickZkPort(kind === 'multi-broker-multi-node' && !standaloneZk ? 3 : 1);
  const brokerPort = zkPort + 3000;
  let text = shipped.replace('port: 2181', `port: ${zkPort}`);
  // Only the brokers' port keys: the description mentions the shipped ports too.
  text = text.replace(/port: (9092|9093|9094)\b/g, (_, p: string) => `port: ${kind === 'multi-broker-multi-node' ? brokerPort : brokerPort + Number(p) - 9092}`);
  // One ZooKeeper on 127.0.0.1, outside the nodes: cutting a node off then leaves a quorum intact.
  if (standaloneZk) text = text.replace(/ensemble: 3/, 'ensemble: 1').replace(/\n  hosts: \[[^\]]*\]/, '');
  if (sessionTimeout) text = text.replace(/sessionTimeout: \S+/, `sessionTimeout: ${sessionTimeout}`);
  if (kind === 'multi-broker-multi-node') loopbackNodes().forEach((node, i) => (text = text.replaceAll(`127.0.0.${i + 2}`, node)));
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

/** The bytes of a partition's log on one broker (its segments in offset order), to compare replicas. */
export function partitionLogBytes(brokerDataDir: string, topic: string, partition: number): Buffer {
  const dir = path.join(brokerDataDir, `${topic}-${partition}`);
  const segments = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  return Buffer.concat(segments.map((f) => fs.readFileSync(path.join(dir, f))));
}

/**
 * Reads a single-partition topic of numbers from its start to its current end with a fresh
 * group (kafkajs), in offset order: what a consumer sees, to compare with what was acknowledged.
 */
export async function readNumbers(kafka: Kafka, admin: Admin, topic: string, groupId: string): Promise<number[]> {
  const end = Number((await admin.fetchTopicOffsets(topic))[0].high);
  const all: number[] = [];
  const reader = kafka.consumer({groupId});
  await reader.connect();
  await reader.subscribe({topic, fromBeginning: true});
  let last = -1;
  await reader.run({
    eachMessage: async ({message}) => {
      all.push(Number(message.value!.toString()));
      last = Number(message.offset);
    },
  });
  try {
    await eventually(async () => {
      if (last < end - 1) throw new Error(`read up to ${last} of ${end}`);
    }, 60_000);
  } finally {
    await reader.disconnect();
  }
  return all;
}

/** Waits until every broker's copy of the partition holds the very same bytes. */
export async function identicalReplicas(dataDirs: string[], topic: string, partition: number): Promise<void> {
  await eventually(async () => {
    const [first, ...rest] = dataDirs.map((dir) => partitionLogBytes(dir, topic, partition));
    for (const other of rest) if (!other.equals(first)) throw new Error(`replica logs differ (${first.length} vs ${other.length} bytes)`);
  }, 30_000);
}

/**
 * What one broker itself answers to Metadata for a topic: its controller and the topic's first
 * partition. Connects from the broker's own address, so it works while that node is cut off.
 */
export async function metadataFrom(address: string, topic: string): Promise<{controller: number; leader: number; isr: number[]}> {
  const [host, port] = address.split(':');
  const conn = await WireConnection.connect(host, Number(port), {localAddress: host});
  try {
    const md = await conn.request(Metadata, 1, {topics: [{name: topic}]});
    const p = md.topics[0].partitions[0];
    return {controller: md.controllerId, leader: p.leaderId, isr: [...p.isrNodes].sort()};
  } finally {
    conn.close();
  }
}
