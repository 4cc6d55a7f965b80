import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {parseClientConfig, type ClientConfig} from '../client/client-config.js';
import {ZkSecurityStore} from '../cluster/zk-security-store.js';
import {UserError} from '../lib/errors.js';
import {clusterCertFiles, makeClusterCerts, type ClusterCertsResult} from '../security/dev-certs.js';
import {PLAIN_LOGIN_MODULE, SCRAM_LOGIN_MODULE} from '../security/jaas.js';
import {upsertScram} from '../security/scram-credentials.js';
import {newCredential, type ScramMechanism} from '../security/scram.js';
import {DataDirSecurityStore} from '../security/security-store.js';
import {brokerDataDir, type Topology, type TopologyBroker, type TopologySecurity} from '../topology/cluster-topology.js';
import {ZkClient} from '../zk/client.js';

/**
 * What a topology's `security:` means for `cluster up`: each broker's server.properties (Kafka's
 * own keys), the SCRAM users to create before the brokers start, and the client properties later
 * commands connect with.
 */

export const DEFAULT_CERTS_DIR = '.kcollect/cluster/certs';

/** The brokers' own login between themselves (replication, transaction markers). */
const BROKER_USER = 'kcollect-broker';

/** `kcollect cluster certs`: a dev CA and a keystore per broker of the topology, into `dir`. */
export function clusterCerts(topology: Topology, dir?: string, days?: number): Promise<ClusterCertsResult> {
  return makeClusterCerts(path.resolve(dir ?? topology.security?.tls.dir ?? DEFAULT_CERTS_DIR), topology.brokers, days);
}

export interface SecuredCluster {
  /** The server.properties lines of one broker (listeners and their security). */
  brokerProperties(b: TopologyBroker): string[];
  /** Users (and the brokers' own) to create before the brokers start, for SCRAM. */
  scramUsers: Array<{name: string; password: string}>;
  mechanism?: string;
  /** Client properties of the first user: the password as a ${file:} reference, never inline. */
  client: Record<string, string>;
  /** The file holding the client password (mode 0600), when SASL is used. */
  passwordFile?: string;
  /** Password files that did not exist and were made with a random password. */
  createdPasswordFiles: string[];
}

const usesSasl = (p: string | undefined): boolean => p?.startsWith('SASL_') ?? false;
const usesTls = (p: string | undefined): boolean => p === 'SSL' || p === 'SASL_SSL';

/** Reads (or makes) the users' passwords and checks the TLS files, before anything starts. */
export function planSecuredCluster(topology: Topology, stateDir: string): SecuredCluster {
  const sec = topology.security as TopologySecurity;
  const internal = sec.interBrokerProtocol !== undefined && sec.interBrokerProtocol !== sec.protocol;
  const interBroker = sec.interBrokerProtocol ?? sec.protocol;
  const createdPasswordFiles: string[] = [];
  const users = (sec.sasl?.users ?? []).map((u) => ({name: u.name, password: jaasSafe(u.password ?? readOrMakePassword(u.passwordFile!, createdPasswordFiles), u.passwordFile ?? 'security.sasl.users'), file: u.passwordFile}));
  const brokerPassword = crypto.randomBytes(18).toString('base64url');
  const files = clusterCertFiles(path.resolve(sec.tls.dir));
  const tls = usesTls(sec.protocol) || usesTls(interBroker);
  if (tls) {
    const missing = [files.ca, ...topology.brokers.map((b) => path.resolve(b.security?.keystore ?? files.keystore(b.id))), ...(sec.tls.clientAuth === 'required' ? [files.clientCert, files.clientKey] : [])].filter((f) => !fs.existsSync(f));
    if (missing.length > 0) throw new UserError(`security.tls: ${missing.join(', ')} not found`, `make a development CA and certificates with \`kcollect cluster certs TOPOLOGY --dir ${sec.tls.dir}\`, or set brokers[].security.keystore`);
  }
  const mechanism = sec.sasl?.mechanism;
  const jaas = (): string => {
    const module = mechanism === 'PLAIN' ? PLAIN_LOGIN_MODULE : SCRAM_LOGIN_MODULE;
    const plainUsers = mechanism === 'PLAIN' ? [{name: BROKER_USER, password: brokerPassword}, ...users].map((u) => ` user_${u.name}="${u.password}"`).join('') : '';
    return `${module} required username="${BROKER_USER}" password="${brokerPassword}"${plainUsers};`;
  };
  const brokerProperties = (b: TopologyBroker): string[] => {
    const listeners = [{name: 'CLIENT', protocol: sec.protocol, port: b.port}, ...(internal ? [{name: 'INTERNAL', protocol: interBroker, port: b.security!.internalPort!}] : [])];
    return [
      `listeners=${listeners.map((l) => `${l.name}://${b.host}:${l.port}`).join(',')}`,
      `listener.security.protocol.map=${listeners.map((l) => `${l.name}:${l.protocol}`).join(',')}`,
      `inter.broker.listener.name=${internal ? 'INTERNAL' : 'CLIENT'}`,
      ...(mechanism ? [`sasl.enabled.mechanisms=${mechanism}`] : []),
      ...(mechanism && usesSasl(interBroker) ? [`sasl.mechanism.inter.broker.protocol=${mechanism}`] : []),
      ...listeners.filter((l) => usesSasl(l.protocol)).map((l) => `listener.name.${l.name.toLowerCase()}.${mechanism!.toLowerCase()}.sasl.jaas.config=${jaas()}`),
      ...(tls
        ? [
            'ssl.keystore.type=PEM',
            `ssl.keystore.location=${path.resolve(b.security?.keystore ?? files.keystore(b.id))}`,
            'ssl.truststore.type=PEM',
            `ssl.truststore.location=${files.ca}`,
            `ssl.client.auth=${sec.tls.clientAuth}`,
          ]
        : []),
    ];
  };
  // Later commands log in as the first user, with the password from a file (made for an inline one).
  const first = usesSasl(sec.protocol) ? users[0] : undefined;
  let passwordFile: string | undefined;
  if (first) {
    passwordFile = path.resolve(first.file ?? path.join(stateDir, 'client.password'));
    if (!first.file) fs.writeFileSync(passwordFile, `${first.password}\n`, {mode: 0o600});
  }
  const client: Record<string, string> = {
    'security.protocol': sec.protocol,
    ...(first ? {'sasl.mechanism': mechanism!, 'sasl.username': first.name, 'sasl.password': `\${file:${passwordFile}}`} : {}),
    ...(usesTls(sec.protocol) ? {'ssl.ca.location': files.ca} : {}),
    ...(usesTls(sec.protocol) && sec.tls.clientAuth === 'required' ? {'ssl.certificate.location': files.clientCert, 'ssl.key.location': files.clientKey} : {}),
  };
  return {
    brokerProperties,
    scramUsers: mechanism?.startsWith('SCRAM-') ? [...users, ...(usesSasl(interBroker) ? [{name: BROKER_USER, password: brokerPassword}] : [])] : [],
    mechanism,
    client,
    passwordFile,
    createdPasswordFiles,
  };
}

/** A password file's first line; a missing file is made with a random password (mode 0600). */
function readOrMakePassword(file: string, created: string[]): string {
  if (!fs.existsSync(file)) {
    const password = crypto.randomBytes(18).toString('base64url');
    fs.mkdirSync(path.dirname(path.resolve(file)), {recursive: true, mode: 0o700});
    fs.writeFileSync(file, `${password}\n`, {mode: 0o600});
    created.push(path.resolve(file));
    return password;
  }
  const password = fs.readFileSync(file, 'utf8').split(/\r?\n/)[0];
  if (password === '') throw new UserError(`security.sasl.users: the password file ${file} starts with an empty line`, 'write the password on its first line, or delete the file to have one made');
  return password;
}

/** The password goes into a JAAS config between double quotes. */
function jaasSafe(password: string, where: string): string {
  if (/["\\]/.test(password)) throw new UserError(`${where}: a password contains " or \\`, 'choose a password without double quotes and backslashes (it goes into the brokers\' JAAS config)');
  return password;
}

/**
 * SCRAM credentials where the brokers read them, before they start (as kafka-configs.sh
 * --zookeeper bootstraps them): /config/users in ZooKeeper, or a single broker's data dir.
 */
export async function createScramUsers(plan: SecuredCluster, topology: Topology, zookeeper: string | undefined): Promise<void> {
  if (plan.scramUsers.length === 0) return;
  const mechanism = plan.mechanism as ScramMechanism;
  if (zookeeper) {
    const zk = await ZkClient.connect(zookeeper, {createChroot: true});
    const store = new ZkSecurityStore(() => zk, () => {});
    try {
      await store.attach();
      for (const u of plan.scramUsers) await upsertScram(store, u.name, mechanism, newCredential(mechanism, u.password));
    } finally {
      store.detach();
      await zk.close();
    }
    return;
  }
  const dataDir = path.resolve(brokerDataDir(topology.brokers[0]));
  fs.mkdirSync(dataDir, {recursive: true, mode: 0o700});
  const store = new DataDirSecurityStore(dataDir);
  for (const u of plan.scramUsers) await upsertScram(store, u.name, mechanism, newCredential(mechanism, u.password));
}

/** The client config of a cluster's recorded client properties (PLAINTEXT when it has none). */
export function clusterClientConfig(client: Record<string, string> | undefined, where: string): ClientConfig {
  return parseClientConfig(Object.entries(client ?? {}).map(([key, value]) => ({key, value, where}))).config;
}
