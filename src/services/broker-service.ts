import fs from 'node:fs';
import {Broker, DEFAULT_BROKER_OPTIONS, type BrokerOptions} from '../broker/broker.js';
import {UserError} from '../lib/errors.js';
import {formatHostPort} from '../lib/address.js';
import {acquirePidLock} from '../lib/pid-lock.js';

/** A broker, registered in ZooKeeper when a connect string is given. */
export async function startBroker(options: Partial<BrokerOptions>, zookeeper?: string): Promise<Broker> {
  const broker = await Broker.start(options);
  if (zookeeper) {
    try {
      // Loaded only for a cluster: a single broker starts without the ZooKeeper client.
      const {ZkRegistration} = await import('../cluster/zk-registration.js');
      await ZkRegistration.start(broker, zookeeper);
    } catch (err) {
      await broker.close();
      throw err;
    }
  }
  return broker;
}

/**
 * Starts a broker, prints one ready line, and stops it gracefully on SIGINT/SIGTERM. The data dir
 * is locked for as long as the broker runs: a second broker on it would overwrite its records.
 */
export async function runBrokerUntilSignal(options: Partial<BrokerOptions>, zookeeper?: string): Promise<void> {
  const dataDir = options.dataDir ?? DEFAULT_BROKER_OPTIONS.dataDir;
  fs.mkdirSync(dataDir, {recursive: true, mode: 0o700});
  const unlock = acquirePidLock(dataDir, {what: `the broker data dir ${dataDir}`, hint: 'stop the other broker first, or give this one its own --data-dir'});
  try {
    await runBroker(options, zookeeper);
  } finally {
    unlock();
  }
}

async function runBroker(options: Partial<BrokerOptions>, zookeeper?: string): Promise<void> {
  let broker: Broker;
  try {
    broker = await startBroker(options, zookeeper);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const at = (err as {address?: string; port?: number}).address ? `${(err as {address: string}).address}:${(err as {port: number}).port}` : `${options.host}:${options.port}`;
    if (code === 'EADDRINUSE') throw new UserError(`${at} is already in use`, 'stop the other broker or pass --listen (or listeners) with another port');
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new UserError(`cannot listen on ${at} (${code})`, 'pass --listen (or listeners) with a local address and a port above 1023');
    throw err;
  }
  const zk = zookeeper ? `, registered in ZooKeeper ${zookeeper}` : '';
  const others = broker.advertisedListeners().length > 1 ? `; listeners ${broker.advertisedListeners().map((l) => `${l.name}://${formatHostPort(l)}`).join(',')}` : '';
  process.stdout.write(`kcollect broker ${broker.nodeId} ready on ${formatHostPort(broker.advertised)} (data dir ${broker.options.dataDir}${zk}${others})\n`);
  // SIGHUP re-reads the TLS keystores and truststores (certificate rotation without restart).
  const reload = () => broker.reloadCertificates();
  process.on('SIGHUP', reload);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGHUP', reload);
      process.stderr.write(`${signal}: stopping broker ${broker.nodeId}\n`);
      broker.close().then(resolve, resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
