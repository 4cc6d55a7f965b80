import fs from 'node:fs';
import {isIPv4} from 'node:net';
import {z} from 'zod';
import {UserError} from '../lib/errors.js';
import {parseDuration} from '../lib/size.js';
import {parseYaml} from './yaml-config.js';

/**
 * A cluster topology file (topology/*.yaml): ZooKeeper and brokers with their addresses and data
 * dirs, validated once here. Errors name the file, the line and the YAML path of the bad key, and
 * say how to fix it.
 */

const host = z.string().refine((h) => isIPv4(h), {message: 'must be an IPv4 address, e.g. 127.0.0.1 (loopback 127.0.0.2-4 for the multi-node layout)'});
const port = z.number({message: 'must be a port number'}).int().min(1024, {message: 'must be 1024 or above (no root needed)'}).max(65535, {message: 'must be at most 65535'});
const duration = z.string().refine((s) => /^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)?\s*$/i.test(s), {message: 'must be a duration such as 500ms, 10s or 1m'});

const zookeeperSchema = z.strictObject({
  ensemble: z.union([z.literal(1), z.literal(3)], {message: 'must be 1 (standalone) or 3 (an ensemble)'}).default(1),
  port: port.default(2181),
  /** One address per node (ensemble); every node on 127.0.0.1 when absent. */
  hosts: z.array(host).optional(),
  dataDir: z.string().min(1).default('.kcollect/cluster/zk'),
  chroot: z
    .string()
    .regex(/^(\/[A-Za-z0-9._-]+)+$/, {message: 'must be a znode path such as /kafka'})
    .optional(),
  /** zookeeper.session.timeout.ms of the brokers: how long a silent broker keeps its leaderships. */
  sessionTimeout: duration.default('6s'),
});

/** A broker's own part of `security:`: its internal listener's port, its own keystore. */
const brokerSecuritySchema = z.strictObject({
  /** The INTERNAL listener (security.interBrokerProtocol) on the broker's host. */
  internalPort: port.optional(),
  /** A PEM keystore (certificate chain, then key) instead of <tls.dir>/broker-<id>-keystore.pem. */
  keystore: z.string().min(1).optional(),
});

const brokerSchema = z.strictObject({
  id: z.number({message: 'must be a broker id (a whole number >= 0)'}).int().min(0),
  host: host.default('127.0.0.1'),
  port,
  dataDir: z.string().min(1).optional(),
  security: brokerSecuritySchema.optional(),
});

const PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
const protocol = z.enum(PROTOCOLS, {message: `must be one of ${PROTOCOLS.join(', ')} (Kafka's security.protocol names)`});

const userSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, {message: 'must be a user name of letters, digits, . _ -'}),
  /** Inline, or ${env:NAME}; passwordFile keeps it out of the topology file. */
  password: z.string().min(1).optional(),
  passwordFile: z.string().min(1).optional(),
});

/**
 * A secured cluster: the listener at each broker's port speaks `protocol`; replication goes over
 * it too, or over an INTERNAL listener (interBrokerProtocol, on each broker's security.internalPort).
 */
const securitySchema = z.strictObject({
  protocol,
  interBrokerProtocol: protocol.optional(),
  sasl: z
    .strictObject({
      mechanism: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'], {message: 'must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512'}),
      /** Client users; the first is the one later kcollect commands log in as. */
      users: z.array(userSchema).min(1, {message: 'needs at least one user (the first is the one kcollect commands use)'}),
    })
    .optional(),
  tls: z
    .strictObject({
      /** ca.pem and broker-<id>-keystore.pem, as `kcollect cluster certs` makes them. */
      dir: z.string().min(1).default('.kcollect/cluster/certs'),
      /** ssl.client.auth: required makes every client present a certificate signed by the CA. */
      clientAuth: z.enum(['none', 'requested', 'required'], {message: 'must be none, requested or required (ssl.client.auth)'}).default('none'),
    })
    .default({dir: '.kcollect/cluster/certs', clientAuth: 'none'}),
});

const defaultsSchema = z.strictObject({
  replicationFactor: z.number().int().min(1).default(1),
  numPartitions: z.number().int().min(1).default(1),
  replicaLagTimeMax: duration.default('10s'),
});

const base = {
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  brokers: z.array(brokerSchema).min(1, {message: 'needs at least one broker'}),
  defaults: defaultsSchema.default({replicationFactor: 1, numPartitions: 1, replicaLagTimeMax: '10s'}),
  security: securitySchema.optional(),
};

export const topologySchema = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({type: z.literal('single-broker'), zookeeper: zookeeperSchema.optional(), ...base}),
      z.strictObject({type: z.literal('multi-broker-single-node'), zookeeper: zookeeperSchema, ...base}),
      z.strictObject({type: z.literal('multi-broker-multi-node'), zookeeper: zookeeperSchema, ...base}),
    ],
    {message: 'type must be one of single-broker, multi-broker-single-node, multi-broker-multi-node'},
  )
  .superRefine((t, ctx) => {
    const issue = (path: Array<string | number>, message: string) => ctx.addIssue({code: 'custom', path, message});
    const ids = new Set<number>();
    const addresses = new Set<string>();
    t.brokers.forEach((b, i) => {
      if (ids.has(b.id)) issue(['brokers', i, 'id'], `broker id ${b.id} is used twice; give every broker its own id`);
      ids.add(b.id);
      const addr = `${b.host}:${b.port}`;
      if (addresses.has(addr)) issue(['brokers', i, 'port'], `${addr} is used by two brokers; give each its own port (or host)`);
      addresses.add(addr);
    });
    if (t.type === 'single-broker' && t.brokers.length !== 1) issue(['brokers'], `a single-broker topology has exactly one broker (found ${t.brokers.length}); use type: multi-broker-single-node for more`);
    if (t.type !== 'single-broker' && t.brokers.length < 2) issue(['brokers'], 'a multi-broker topology needs at least 2 brokers; use type: single-broker for one');
    if (t.type === 'multi-broker-single-node' && new Set(t.brokers.map((b) => b.host)).size > 1) issue(['brokers'], 'on a single node every broker has the same host; use type: multi-broker-multi-node for several hosts');
    if (t.type === 'multi-broker-multi-node' && new Set(t.brokers.map((b) => b.host)).size !== t.brokers.length) issue(['brokers'], 'on several nodes every broker has its own host (e.g. 127.0.0.2, 127.0.0.3, 127.0.0.4)');
    if (t.zookeeper?.hosts && t.zookeeper.hosts.length !== t.zookeeper.ensemble) issue(['zookeeper', 'hosts'], `lists ${t.zookeeper.hosts.length} host(s) for an ensemble of ${t.zookeeper.ensemble}; give one per node`);
    if (t.defaults.replicationFactor > t.brokers.length) issue(['defaults', 'replicationFactor'], `${t.defaults.replicationFactor} is more than the ${t.brokers.length} broker(s); use at most ${t.brokers.length}`);
    if (t.brokers.length > 1 && !t.zookeeper) issue(['zookeeper'], 'several brokers need ZooKeeper; add a zookeeper: section');
    checkSecurity(t, issue);
  });

function checkSecurity(t: {security?: z.infer<typeof securitySchema>; brokers: Array<z.infer<typeof brokerSchema>>}, issue: (path: Array<string | number>, message: string) => void): void {
  const sec = t.security;
  t.brokers.forEach((b, i) => {
    if (b.security && !sec) issue(['brokers', i, 'security'], 'a broker\'s security: needs a security: section at the top (protocol, sasl, tls)');
  });
  if (!sec) return;
  const internal = sec.interBrokerProtocol !== undefined && sec.interBrokerProtocol !== sec.protocol;
  const usesSasl = [sec.protocol, sec.interBrokerProtocol].some((p) => p?.startsWith('SASL_'));
  if (sec.protocol === 'PLAINTEXT') issue(['security', 'protocol'], 'PLAINTEXT secures nothing; use SSL, SASL_PLAINTEXT or SASL_SSL, or leave security: out');
  if (usesSasl && !sec.sasl) issue(['security', 'sasl'], 'a SASL_ protocol needs sasl: {mechanism: SCRAM-SHA-256, users: [{name: alice, passwordFile: alice.password}]}');
  if (!usesSasl && sec.sasl) issue(['security', 'sasl'], `no listener uses SASL with protocol ${sec.protocol}; use SASL_SSL or SASL_PLAINTEXT, or remove sasl:`);
  sec.sasl?.users.forEach((u, i) => {
    if ((u.password === undefined) === (u.passwordFile === undefined)) issue(['security', 'sasl', 'users', i], `user ${u.name} needs exactly one of password or passwordFile`);
  });
  t.brokers.forEach((b, i) => {
    const p = b.security?.internalPort;
    if (internal && p === undefined) issue(['brokers', i, 'security', 'internalPort'], `interBrokerProtocol ${sec.interBrokerProtocol} differs from protocol ${sec.protocol}, so each broker needs an internal listener: add security: {internalPort: PORT}`);
    if (!internal && p !== undefined) issue(['brokers', i, 'security', 'internalPort'], 'an internal listener is only for an interBrokerProtocol other than protocol; remove it or set security.interBrokerProtocol');
    if (p !== undefined && p === b.port) issue(['brokers', i, 'security', 'internalPort'], `${p} is the broker's client port; give the internal listener its own port`);
  });
}

export type Topology = z.infer<typeof topologySchema>;
export type TopologyBroker = Topology['brokers'][number];
export type TopologySecurity = NonNullable<Topology['security']>;

export interface ResolvedBroker {
  id: number;
  host: string;
  port: number;
  dataDir: string;
}

/** Data dir of a broker: as given, or .kcollect/cluster/broker-<id>. */
export function brokerDataDir(b: TopologyBroker): string {
  return b.dataDir ?? `.kcollect/cluster/broker-${b.id}`;
}

export function zookeeperSessionMs(t: Topology): number {
  return parseDuration(t.zookeeper?.sessionTimeout ?? '6s', 'zookeeper.sessionTimeout');
}

export function replicaLagMs(t: Topology): number {
  return parseDuration(t.defaults.replicaLagTimeMax, 'defaults.replicaLagTimeMax');
}

/** Reads and validates a topology file; every problem becomes one UserError naming the key. */
export function loadTopology(file: string): Topology {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read topology file ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'pass the path of a YAML file, e.g. topology/multi-broker-single-node.yaml');
  }
  return parseTopology(text, file);
}

export function parseTopology(text: string, file = '<topology>'): Topology {
  return parseYaml(text, file, topologySchema, hintFor);
}

function hintFor(path: string, code: string): string {
  if (code === 'unrecognized_keys') return 'remove or rename that key; allowed at the top: type, name, description, zookeeper, brokers, defaults, security; per broker: id, host, port, dataDir, security (internalPort, keystore); zookeeper: ensemble, port, hosts, dataDir, chroot, sessionTimeout; defaults: replicationFactor, numPartitions, replicaLagTimeMax; security: protocol, interBrokerProtocol, sasl (mechanism, users: name, password|passwordFile), tls (dir, clientAuth)';
  if (path.startsWith('security')) return 'see topology/multi-broker-single-node-secure.yaml for a secured cluster';
  if (path === 'type' || path === '(top level)') return 'start the file with type: single-broker, type: multi-broker-single-node or type: multi-broker-multi-node';
  return 'see topology/multi-broker-single-node.yaml for a working example';
}

/** The topology of `cluster up --broker-count N [--zookeeper]`: N brokers on 127.0.0.1 from `basePort` (9092) on. */
export function generatedTopology(brokers: number, zookeeper: boolean, basePort = 9092, zookeeperPort = 2181): Topology {
  if (basePort + brokers - 1 > 65_535) throw new UserError(`--port ${basePort}: ${brokers} brokers need ports up to ${basePort + brokers - 1}`, 'give a lower --port');
  const text = [
    `type: ${brokers === 1 ? 'single-broker' : 'multi-broker-single-node'}`,
    `name: generated-${brokers}`,
    ...(zookeeper || brokers > 1 ? ['zookeeper:', '  ensemble: 1', `  port: ${zookeeperPort}`, '  sessionTimeout: 3s'] : []),
    'brokers:',
    ...Array.from({length: brokers}, (_, i) => `  - {id: ${i + 1}, host: 127.0.0.1, port: ${basePort + i}}`),
    'defaults:',
    `  replicationFactor: ${Math.min(3, brokers)}`,
  ].join('\n');
  return parseTopology(text, `--brokers ${brokers}`);
}
