import path from 'node:path';
import {freePort, portFree} from '../lib/ports.js';
import {ELECTION_PORT_OFFSET, PEER_PORT_OFFSET} from '../zk/server/index.js';
import {BUNDLED_DIR} from '../topology/bundled.js';
import {loadTopology, type Topology} from '../topology/cluster-topology.js';
import {startBroker} from './broker-service.js';
import {clusterDown, clusterUp} from './cluster-service.js';

export const DEMO_TOPOLOGIES = ['single-broker', 'multi-broker-single-node', 'multi-broker-multi-node'] as const;
export type DemoTopology = (typeof DEMO_TOPOLOGIES)[number];


export interface DemoCluster {
  brokers: string[];
  replicationFactor: number;
  describe: string;
  stop(): Promise<void>;
}

/**
 * The demo's Kafka: one embedded broker in this process, or a shipped topology (ZooKeeper and
 * broker processes) moved onto free ports and into the demo's directory, so it never collides
 * with a cluster the user runs.
 */
export async function startDemoCluster(topology: DemoTopology, dir: string, log: (line: string) => void): Promise<DemoCluster> {
  if (topology === 'single-broker') {
    const broker = await startBroker({port: 0, dataDir: path.join(dir, 'broker'), groupInitialRebalanceDelayMs: 0, log});
    const address = `${broker.advertised.host}:${broker.advertised.port}`;
    return {brokers: [address], replicationFactor: 1, describe: `embedded broker on ${address}`, stop: () => broker.close()};
  }
  const shipped = loadTopology(path.join(BUNDLED_DIR, `${topology}.yaml`));
  const moved = await relocate(shipped, dir);
  const statePath = path.join(dir, 'cluster', 'state.json');
  const up = await clusterUp(moved, {statePath, profile: false});
  return {
    brokers: up.brokers.split(','),
    replicationFactor: moved.defaults.replicationFactor,
    describe: `${topology}: brokers ${up.brokers}, ZooKeeper ${up.zookeeper}`,
    stop: async () => void (await clusterDown(false, statePath)),
  };
}

async function relocate(t: Topology, dir: string): Promise<Topology> {
  const zk = t.zookeeper && {...t.zookeeper, dataDir: path.join(dir, 'cluster', 'zk'), port: await freeZookeeperPort(t.zookeeper.ensemble, t.zookeeper.hosts)};
  const brokers = [];
  for (const b of t.brokers) brokers.push({...b, port: await freePort(b.host), dataDir: path.join(dir, 'cluster', `broker-${b.id}`)});
  return {...t, zookeeper: zk, brokers} as Topology;
}

/** A client port whose whole block (client, quorum and election ports of every node) is free. */
async function freeZookeeperPort(ensemble: number, hosts: string[] = []): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const ports = ensemble === 3 ? [0, 1, 2].flatMap((i) => [base + i, base + PEER_PORT_OFFSET + i, base + ELECTION_PORT_OFFSET + i]) : [base];
    const checks = await Promise.all(ports.map((p, i) => portFree(hosts[i % Math.max(1, hosts.length)] ?? '127.0.0.1', p)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error('no free block of ports for ZooKeeper');
}
