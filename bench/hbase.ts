/**
 * `npm run bench:hbase`: the drain into the HBase REST emulator, rows/s. 300,000 smart-car driving
 * records in a 3-partition topic on one kcollect broker, drained by `consume -g --to hbase --exit`
 * into `hbase serve`; the peer in the same run is `kcat -C -e` of the same topic to /dev/null, the
 * upper bound of reading it. It prints the CPU time (user + system) the drain and the emulator used,
 * less sensitive to the load of a shared machine than the wall time. `--profile` runs the drain
 * and the emulator under `node --cpu-prof` and prints where each spent its time. Never run by
 * `npm test`.
 */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import {createKafka} from '../src/client/kafka.js';
import {runDrivingSimulator} from '../src/simulate/driving.js';
import {KcollectPeer, repoRoot} from './peers.js';
import {summarizeProfile} from './profile.js';
import {cleanupNow, installCleanupHandlers, makeTempDir, readProcStat, runTimed, spawnTracked, stopChild} from './proc.js';

const RUN = path.join(repoRoot, 'bin', 'run.js');
const profile = process.argv.includes('--profile');

async function main(): Promise<void> {
  installCleanupHandlers();
  if (!fs.existsSync('/usr/bin/time')) throw new Error("bench:hbase measures the drain's CPU time with GNU time: apt-get install time");
  const tmp = makeTempDir('kcollect-bench-hbase-');
  const profDir = path.join(tmp, 'profiles');
  const nodeArgs = (name: string) => (profile ? ['--cpu-prof', '--cpu-prof-dir', path.join(profDir, name)] : []);
  const broker = await KcollectPeer.start({dataDir: path.join(tmp, 'broker'), numPartitions: 3});
  const b = broker.bootstrap;
  const hbase = spawnTracked(process.execPath, [...nodeArgs('emulator'), RUN, 'hbase', 'serve', '--port', '0', '--data-dir', path.join(tmp, 'hbase')], {stdio: ['ignore', 'pipe', 'ignore'], env: {...process.env, NODE_ENV: 'production'}});
  try {
    const log = path.join(tmp, 'driving.log');
    await runDrivingSimulator({cars: 100, outFile: log, speed: 'max', date: '20160101', toSecond: 5998, seed: 1});
    const admin = createKafka([b], 'bench').admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'driving', numPartitions: 3}]});
    await admin.disconnect();
    // Records only (no header lines), as a tail-produce with --skip-headers would send them.
    await runTimed('sh', ['-c', `grep -E '^[0-9]{14}' ${log} | kcat -P -b ${b} -t driving`]);
    const records = Number((await runTimed('sh', ['-c', `grep -cE '^[0-9]{14}' ${log}`])).stdout.trim());
    const url = await new Promise<string>((resolve) => {
      let out = '';
      hbase.stdout!.on('data', (d) => {
        out += d;
        const m = /ready on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
    });
    const load = os.loadavg()[0].toFixed(2);
    const emulatorCpu = readProcStat(hbase.pid!)?.cpuSeconds ?? NaN;
    // GNU time writes the drain's user and system CPU seconds to a file (the drain exits; /proc is gone).
    const timeFile = path.join(tmp, 'drain.time');
    const drain = await runTimed('/usr/bin/time', ['-o', timeFile, '-f', '%U %S', process.execPath, ...nodeArgs('drain'), RUN, 'consume', 'driving', '-b', b, '-g', 'bench-hbase', '--to', 'hbase', '--hbase-url', url, '--table', 'DriverCarInfo', '--column-family', 'cf1', '--create-table', '--exit', '--batch-size', '2000'], {stdout: 'ignore'});
    if (drain.code !== 0) throw new Error(`the drain failed (${drain.code}): ${drain.stderr}`);
    const cpu = {drain: fs.readFileSync(timeFile, 'utf8').trim().split(/\s+/).map(Number).reduce((a, b) => a + b, 0), emulator: (readProcStat(hbase.pid!)?.cpuSeconds ?? NaN) - emulatorCpu};
    const peer = await runTimed('kcat', ['-C', '-b', b, '-t', 'driving', '-o', 'beginning', '-e', '-q'], {stdout: 'count'});
    const rate = (s: number) => `${Math.round(records / s / 100) / 10} k/s`;
    console.log(`${new Date().toISOString().slice(0, 10)}, load average ${load} at the start of the drain`);
    console.log('| Scenario | Load | kcollect | Peer, same run | peer time / kcollect time |');
    console.log('|---|---|--:|--:|--:|');
    console.log(`| drain into HBase (REST emulator) | ${records.toLocaleString('en')} driving records, 8 cells each | ${drain.seconds.toFixed(1)} s (${rate(drain.seconds)}) | kcat -C -e > /dev/null: ${peer.seconds.toFixed(2)} s (${rate(peer.seconds)}) | ${(peer.seconds / drain.seconds).toFixed(2)} |`);
    console.log(`\nCPU time (user + system) during the drain: drain ${cpu.drain.toFixed(1)} s, emulator ${cpu.emulator.toFixed(1)} s`);
    await stopChild(hbase);
    if (profile) {
      for (const name of ['drain', 'emulator']) {
        for (const file of fs.readdirSync(path.join(profDir, name))) {
          const s = summarizeProfile(path.join(profDir, name, file));
          console.log(`\n${name}: busy ${s.busySeconds.toFixed(1)} s`);
          for (const f of s.topFunctions) console.log(`  ${(f.share * 100).toFixed(1)}%  ${f.name}`);
          for (const f of s.topFiles) console.log(`  file ${(f.share * 100).toFixed(1)}%  ${f.name}`);
        }
      }
    }
  } finally {
    await stopChild(hbase);
    await broker.stop();
    cleanupNow();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
