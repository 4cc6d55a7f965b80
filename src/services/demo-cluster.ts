import crypto from 'node:crypto';
import path from 'node:path';
import type {ClientConfig} from '../client/client-config.js';
import {freePort, portFree} from '../lib/ports.js';
import {makeClusterCerts} from '../security/dev-certs.js';
import {ELECTION_PORT_OFFSET, PEER_PORT_OFFSET} from '../zk/server/index.js';
import {BUNDLED_DIR} from '../topology/bundled.js';
import {loadTopology, parseTopology, type Topology, type TopologySecurity} from '../topology/cluster-topology.js';
import {startBroker} from './broker-service.js';
import {clusterDown, clusterUp} from './cluster-service.js';
import {clusterClientConfig, createScramUsers, planSecuredCluster} from './cluster-security.js';
import {interpretServerProperties} from './server-properties.js';

export const DEMO_TOPOLOGIES = ['single-broker', 'multi-broker-single-node', 'multi-broker-multi-node'] as const;
export type DemoTopology = (typeof DEMO_TOPOLOGIES)[number];


export interface DemoCluster {
  brokers: string[];
  replicationFactor: number;
  describe: string;
  /** `--secure`: how every client of the demo connects; the directory of the run's CA; the one user. */
  secured?: {client: ClientConfig; certsDir: string; user: string; password: string};
  stop(): Promise<void>;
}

/** `--secure`: SASL_SSL with SCRAM-SHA-256 on every listener, one user, certificates made for the run. */
const DEMO_USER = 'smartcar';
const demoSecurity = (certsDir: string, password: string): TopologySecurity => ({
  protocol: 'SASL_SSL',
  sasl: {mechanism: 'SCRAM-SHA-256', users: [{name: DEMO_USER, password}]},
  tls: {dir: certsDir, clientAuth: 'none'},
});

/**
 * The demo's Kafka: one embedded broker in this process, or a shipped topology (ZooKeeper and
 * broker processes) moved onto free ports and into the demo's directory, so it never collides
 * with a cluster the user runs.
 */
export async function startDemoCluster(topology: DemoTopology, dir: string, log: (line: string) => void, secure = false): Promise<DemoCluster> {
  const certsDir = path.join(dir, 'certs');
  const password = crypto.randomBytes(18).toString('base64url');
  if (topology === 'single-broker') {
    const dataDir = path.join(dir, 'broker');
    if (!secure) {
      const broker = await startBroker({port: 0, dataDir, groupInitialRebalanceDelayMs: 0, log});
      const address = `${broker.advertised.host}:${broker.advertised.port}`;
      return {brokers: [address], replicationFactor: 1, describe: `embedded broker on ${address}`, stop: () => broker.close()};
    }
    // The same server.properties and SCRAM users as `cluster up` makes, for the in-process broker.
    const one = parseTopology(`type: single-broker\nbrokers:\n  - {id: 0, host: 127.0.0.1, port: ${await freePort()}, dataDir: ${JSON.stringify(dataDir)}}\n`, 'demo');
    const secured = {...one, security: demoSecurity(certsDir, password)};
    await makeClusterCerts(certsDir, secured.brokers, 1);
    const plan = planSecuredCluster(secured, dir);
    await createScramUsers(plan, secured, undefined);
    const properties = new Map(plan.brokerProperties(secured.brokers[0]).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    const {options} = interpretServerProperties(properties, 'demo --secure', dir);
    const broker = await startBroker({...options, dataDir, groupInitialRebalanceDelayMs: 0, log});
    const address = `${broker.advertised.host}:${broker.advertised.port}`;
    return {
      brokers: [address],
      replicationFactor: 1,
      describe: `embedded broker on ${address} (SASL_SSL, SCRAM-SHA-256 as ${DEMO_USER})`,
      secured: {client: clusterClientConfig(plan.client, 'demo --secure'), certsDir, user: DEMO_USER, password},
      stop: () => broker.close(),
    };
  }
  const shipped = loadTopology(path.join(BUNDLED_DIR, `${topology}.yaml`));
  const moved = await relocate(shipped, dir);
  if (secure) {
    moved.security = demoSecurity(certsDir, password);
    await makeClusterCerts(certsDir, moved.brokers, 1);
  }
  const statePath = path.join(dir, 'cluster', 'state.json');
  const up = await clusterUp(moved, {statePath, profile: false});
  return {
    brokers: up.brokers.split(','),
    replicationFactor: moved.defaults.replicationFactor,
    describe: `${topology}: brokers ${up.brokers}${secure ? ` (SASL_SSL, SCRAM-SHA-256 as ${DEMO_USER})` : ''}, ZooKeeper ${up.zookeeper}`,
    secured: up.client && {client: clusterClientConfig(up.client.properties, 'demo --secure'), certsDir, user: DEMO_USER, password},
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
