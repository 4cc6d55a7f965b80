import fs from 'node:fs';
import {Broker, DEFAULT_BROKER_OPTIONS, type BrokerOptions} from '../broker/broker.js';
import {ZkRegistration} from '../cluster/zk-registration.js';
import {UserError} from '../lib/errors.js';
import {formatHostPort} from '../lib/address.js';
import {acquirePidLock} from '../lib/pid-lock.js';

/** A broker, registered in ZooKeeper when a connect string is given. */
export async function startBroker(options: Partial<BrokerOptions>, zookeeper?: string): Promise<Broker> {
  const broker = await Broker.start(options);
  if (zookeeper) {
    try {
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
    if (code === 'EADDRINUSE') throw new UserError(`${options.host}:${options.port} is already in use`, 'stop the other broker or pass --listen with another port');
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new UserError(`cannot listen on ${options.host}:${options.port} (${code})`, 'pass --listen with a local address and a port above 1023');
    throw err;
  }
  const zk = zookeeper ? `, registered in ZooKeeper ${zookeeper}` : '';
  process.stdout.write(`kcollect broker ${broker.nodeId} ready on ${formatHostPort(broker.advertised)} (data dir ${broker.options.dataDir}${zk})\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stderr.write(`${signal}: stopping broker ${broker.nodeId}\n`);
      broker.close().then(resolve, resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
