import {Broker, type BrokerOptions} from '../broker/broker.js';
import {UserError} from '../lib/errors.js';
import {formatHostPort} from '../lib/address.js';

/** Starts a broker, prints one ready line, and stops it gracefully on SIGINT/SIGTERM. */
export async function runBrokerUntilSignal(options: Partial<BrokerOptions>): Promise<void> {
  let broker: Broker;
  try {
    broker = await Broker.start(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`${options.host}:${options.port} is already in use`, 'stop the other broker or pass --listen with another port');
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new UserError(`cannot listen on ${options.host}:${options.port} (${code})`, 'pass --listen with a local address and a port above 1023');
    throw err;
  }
  process.stdout.write(`kcollect broker ${broker.nodeId} ready on ${formatHostPort(broker.advertised)} (data dir ${broker.options.dataDir})\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stderr.write(`${signal}: stopping broker ${broker.nodeId}\n`);
      broker.close().then(resolve, resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
