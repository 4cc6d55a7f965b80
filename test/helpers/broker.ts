import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {Broker, type BrokerOptions} from '../../src/broker/broker.js';
import {CLI} from './cli.js';

export {CLI, ROOT} from './cli.js';

const tempDirs: string[] = [];

/** Called after each test file (test/helpers/setup.ts), once its brokers and servers stopped. */
export function removeTempDirs(): void {
  brokerLogs.length = 0;
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, {recursive: true, force: true});
}

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kcollect-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** The logs of this file's in-process brokers, printed when a test fails (test/helpers/setup.ts). */
const brokerLogs: Array<{bootstrap: string; logs: string[]}> = [];

export function printBrokerLogs(): void {
  for (const {bootstrap, logs} of brokerLogs) console.error(`broker ${bootstrap}, its last log lines:\n${logs.slice(-40).join('\n')}`);
}

/** An in-process broker on a free port with its own data dir. */
export async function startBroker(options: Partial<BrokerOptions> = {}): Promise<{broker: Broker; bootstrap: string; dataDir: string; logs: string[]}> {
  const logs: string[] = [];
  const dataDir = options.dataDir ?? tempDir('broker');
  const broker = await Broker.start({port: 0, dataDir, groupInitialRebalanceDelayMs: 0, log: (l) => logs.push(l), ...options});
  const {host, port} = broker.advertised;
  if (!options.log) brokerLogs.push({bootstrap: `${host}:${port}`, logs});
  return {broker, bootstrap: `${host}:${port}`, dataDir, logs};
}

export interface BrokerProcess {
  proc: ChildProcess;
  bootstrap: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** `kcollect broker start` as a real child process; resolves once it printed its ready line. */
export async function spawnBroker(dataDir: string, {port = 0, extraArgs = [] as string[]} = {}): Promise<BrokerProcess> {
  return spawnBrokerWith(['--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, ...extraArgs]);
}

/** `kcollect broker start ARGS...` (e.g. `--config server.properties`) once it printed its ready line. */
export async function spawnBrokerWith(args: string[], env: NodeJS.ProcessEnv = {}): Promise<BrokerProcess> {
  const proc = spawn(process.execPath, [CLI, 'broker', 'start', ...args], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, ...env}});
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const bootstrap = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const m = /ready on (\S+)/.exec(out);
      if (m) {
        proc.stdout!.off('data', onData);
        resolve(m[1]);
      }
    };
    proc.stdout!.on('data', onData);
    void exited.then((code) => reject(new Error(`broker exited (${code}) before it was ready:\n${out}`)));
  });
  return {proc, bootstrap, output: () => out, exited};
}
