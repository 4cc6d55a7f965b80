/**
 * `npm run bench:startup`: `kcollect broker start` from spawn to its port accepting a TCP
 * connection, and its RSS after 3 s idle, side by side with a bare node TCP server (the floor
 * any node broker starts from) in the same run, alternating the two. Prints a markdown table
 * with medians and ratios; STARTUP_REPS sets the runs per side (default 7). The broker's code cache
 * (bin/code-cache.js) lives in a fresh directory: one start, reported apart, writes it first.
 */
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {repoRoot} from './peers.js';
import {cleanupNow, freePort, installCleanupHandlers, makeTempDir, median, readProcStat, sleep, spawnTracked, stopChild} from './proc.js';

const REPS = Number(process.env.STARTUP_REPS ?? 7);
const IDLE_MS = 3000;

interface Side {
  name: string;
  args(port: number, dataDir: string): string[];
}

const sides: Side[] = [
  {name: 'kcollect broker start', args: (port, dataDir) => [path.join(repoRoot, 'bin', 'run.js'), 'broker', 'start', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir]},
  {name: 'node -e net.createServer().listen()', args: (port) => ['-e', `require('net').createServer().listen(${port}, '127.0.0.1')`]},
];

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * One start: ms from spawn to an accepted connection, the CPU the process used until then (steadier
 * than wall time on a busy machine), then RSS (KiB) after IDLE_MS.
 */
async function measure(side: Side, dataDir: string): Promise<{ms: number; cpuMs: number; rssKb: number}> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawnTracked(process.execPath, side.args(port, dataDir), {stdio: 'ignore', cwd: repoRoot, env: {...process.env, NODE_COMPILE_CACHE: codeCache}});
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${side.name} exited with ${child.exitCode} during start-up`);
      if (performance.now() - t0 > 30_000) throw new Error(`${side.name} did not listen within 30 s`);
      if (await accepts(port)) break;
      await sleep(2);
    }
    const ms = performance.now() - t0;
    const cpuMs = (readProcStat(child.pid!)?.cpuSeconds ?? NaN) * 1000;
    await sleep(IDLE_MS);
    return {ms, cpuMs, rssKb: readProcStat(child.pid!)?.rssKb ?? 0};
  } finally {
    await stopChild(child, 5000);
  }
}

installCleanupHandlers();
const tmp = makeTempDir('kcollect-startup-');
const codeCache = path.join(tmp, 'code-cache');
const first = await measure(sides[0], path.join(tmp, 'first'));
process.stderr.write(`${sides[0].name}, first start (no code cache yet): ${first.ms.toFixed(0)} ms, CPU ${first.cpuMs.toFixed(0)} ms\n`);
const results = sides.map(() => ({ms: [] as number[], cpuMs: [] as number[], rssKb: [] as number[]}));
for (let i = 0; i < REPS; i++) {
  // Alternate the order so drift on a shared machine hits both sides alike.
  const order = i % 2 ? [...sides.keys()].reverse() : [...sides.keys()];
  for (const s of order) {
    const r = await measure(sides[s], path.join(tmp, `run-${i}-${s}`));
    results[s].ms.push(r.ms);
    results[s].cpuMs.push(r.cpuMs);
    results[s].rssKb.push(r.rssKb);
    process.stderr.write(`${sides[s].name}: ${r.ms.toFixed(0)} ms, CPU ${r.cpuMs.toFixed(0)} ms, ${(r.rssKb / 1024).toFixed(1)} MiB\n`);
  }
}

const [ours, peer] = results.map((r) => ({ms: median(r.ms), cpuMs: median(r.cpuMs), mib: median(r.rssKb) / 1024}));
const runs = (xs: number[], f: (x: number) => string) => xs.map(f).join(', ');
console.log(`${new Date().toISOString().slice(0, 16)}Z, node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}, median of ${REPS}\n`);
console.log('| Measure | kcollect | bare node | Ratio (node / kcollect) |');
console.log('|---|--:|--:|--:|');
console.log(`| spawn to accepting TCP | ${ours.ms.toFixed(0)} ms | ${peer.ms.toFixed(0)} ms | ${(peer.ms / ours.ms).toFixed(2)} |`);
console.log(`| CPU used until then (user + system, 10 ms ticks) | ${ours.cpuMs.toFixed(0)} ms | ${peer.cpuMs.toFixed(0)} ms | ${(peer.cpuMs / ours.cpuMs).toFixed(2)} |`);
console.log(`| RSS after ${IDLE_MS / 1000} s idle | ${ours.mib.toFixed(1)} MiB | ${peer.mib.toFixed(1)} MiB | ${(peer.mib / ours.mib).toFixed(2)} |`);
console.log(`\nkcollect runs: ${runs(results[0].ms, (x) => x.toFixed(0))} ms; CPU ${runs(results[0].cpuMs, (x) => x.toFixed(0))} ms; ${runs(results[0].rssKb, (x) => (x / 1024).toFixed(1))} MiB`);
console.log(`kcollect's first start, without a code cache: ${first.ms.toFixed(0)} ms, CPU ${first.cpuMs.toFixed(0)} ms`);
console.log(`bare node runs: ${runs(results[1].ms, (x) => x.toFixed(0))} ms; CPU ${runs(results[1].cpuMs, (x) => x.toFixed(0))} ms; ${runs(results[1].rssKb, (x) => (x / 1024).toFixed(1))} MiB`);
cleanupNow();
