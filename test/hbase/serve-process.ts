import type {ChildProcess} from 'node:child_process';
import {spawnCli} from '../helpers/cli.js';

export interface ServeProcess {
  proc: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
}

/** `kcollect hbase serve` as a real child process on a free port; resolves at its ready line. */
export async function spawnServe(dataDir: string, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<ServeProcess> {
  const proc = spawnCli(['hbase', 'serve', '--port', '0', '--data-dir', dataDir, ...extraArgs], {env});
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => proc.once('exit', (code, signal) => resolve({code, signal})));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const m = /HBase REST emulator ready on (https?:\/\/\S+)/.exec(out);
      if (m) {
        proc.stdout!.off('data', onData);
        resolve(m[1]);
      }
    };
    proc.stdout!.on('data', onData);
    void exited.then(({code}) => reject(new Error(`hbase serve exited (${code}) before it was ready:\n${out}`)));
  });
  return {proc, url, output: () => out, exited};
}
