import fs from 'node:fs';
import path from 'node:path';
import type {Peer} from './peers.js';
import {ProcSampler, runTimed, type RunResult} from './proc.js';

/** A message file: `count` lines, each `size` payload bytes plus "\n". */
export interface LoadSpec {
  /** Short label, e.g. "1M x 200 B". */
  name: string;
  /** Identifier safe for topic names, e.g. "200b". */
  id: string;
  size: number;
  count: number;
  file: string;
}

export function loadSpec(dir: string, count: number, size: number): LoadSpec {
  const id = size % 1024 === 0 ? `${size / 1024}k` : `${size}b`;
  const sizeLabel = size % 1024 === 0 ? `${size / 1024} KiB` : `${size} B`;
  const countLabel = count % 1_000_000 === 0 ? `${count / 1_000_000}M` : count % 1000 === 0 ? `${count / 1000}k` : String(count);
  return {name: `${countLabel} x ${sizeLabel}`, id, size, count, file: path.join(dir, `lines-${count}x${size}.txt`)};
}

/**
 * Writes `count` lines of exactly `size` bytes (a 10-digit sequence number, then printable
 * filler that differs from line to line) and a newline. Generated once per run.
 */
export function generateFile(spec: LoadSpec): void {
  if (fs.existsSync(spec.file) && fs.statSync(spec.file).size === spec.count * (spec.size + 1)) return;
  const line = spec.size + 1;
  const perBlock = Math.max(1, Math.floor((4 << 20) / line));
  const block = Buffer.alloc(perBlock * line);
  const filler = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ';
  const fd = fs.openSync(spec.file, 'w');
  try {
    for (let first = 0; first < spec.count; first += perBlock) {
      const n = Math.min(perBlock, spec.count - first);
      for (let i = 0; i < n; i++) {
        const seq = first + i;
        const base = i * line;
        const digits = String(seq).padStart(10, '0');
        block.write(digits.slice(-Math.min(10, spec.size)), base, 'latin1');
        for (let j = 10; j < spec.size; j++) block[base + j] = filler.charCodeAt((seq + j) % filler.length);
        block[base + spec.size] = 0x0a;
      }
      fs.writeSync(fd, block, 0, n * line);
    }
    // On disk before any measurement, so its writeback does not overlap the first runs.
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export class BenchError extends Error {}

/** `kcat -Q -b BOOT -t T:P:-1` (high watermark) or `:-2` (log start offset). */
export async function watermark(bootstrap: string, topic: string, partition: number, which: 'high' | 'low'): Promise<number> {
  const r = await runTimed('kcat', ['-Q', '-b', bootstrap, '-t', `${topic}:${partition}:${which === 'high' ? -1 : -2}`], {timeoutMs: 30_000});
  const m = new RegExp(`\\[${partition}\\] offset (-?\\d+)`).exec(r.stdout);
  if (r.code !== 0 || !m) throw new BenchError(`kcat -Q ${topic}:${partition} on ${bootstrap} failed (${r.code}): ${r.stdout}${r.stderr}`);
  return Number(m[1]);
}

/** One timed run against one peer, with the peer's process sampled while it ran. */
export interface Sample {
  seconds: number;
  msgs: number;
  bytes: number;
  /** Fraction of one core the peer process used during the run. */
  cpuShare: number;
  peakRssKb: number;
}

async function sampled(peer: Peer, fn: () => Promise<RunResult>): Promise<{r: RunResult; cpuShare: number; peakRssKb: number}> {
  const s = new ProcSampler(peer.pid).start();
  const r = await fn();
  const {cpuShare, peakRssKb} = s.stop();
  return {r, cpuShare, peakRssKb};
}

function failed(what: string, r: RunResult): BenchError {
  return new BenchError(`${what} exited with ${r.code ?? r.signal}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
}

/**
 * `kcat -P -b BOOT -t T -p 0 -X acks=1 < FILE` into a fresh topic, then checks the high watermark:
 * a run counts only if every line arrived, so a fast-but-lossy broker cannot win.
 */
/** `markers`: control records the run adds to the log (a transactional run ends with one COMMIT marker). */
export async function kcatProduce(peer: Peer, topic: string, load: LoadSpec, extra: string[] = ['-X', 'acks=1'], markers = 0): Promise<Sample> {
  const {r, cpuShare, peakRssKb} = await sampled(peer, () =>
    runTimed('kcat', ['-P', '-b', peer.bootstrap, '-t', topic, '-p', '0', ...extra], {stdinFile: load.file, stdout: 'ignore', timeoutMs: 120_000}),
  );
  if (r.code !== 0) throw failed(`kcat -P to ${peer.name}`, r);
  const high = await watermark(peer.bootstrap, topic, 0, 'high');
  if (high !== load.count + markers) {
    throw new BenchError(`${peer.name} lost messages: high watermark of ${topic} is ${high}, expected ${load.count + markers}`);
  }
  return {seconds: r.seconds, msgs: load.count, bytes: load.count * load.size, cpuShare, peakRssKb};
}

/**
 * `kcat -C -b BOOT -t T -p 0 -o FROM -e -q`: reads to the end and exits. stdout is counted (not
 * kept) so the number of messages read is checked: each message is `size` bytes plus "\n".
 */
export async function kcatDrain(peer: Peer, topic: string, size: number, from: 'beginning' | number, expectMsgs: number): Promise<Sample> {
  const {r, cpuShare, peakRssKb} = await sampled(peer, () =>
    runTimed('kcat', ['-C', '-b', peer.bootstrap, '-t', topic, '-p', '0', '-o', String(from), '-e', '-q'], {stdout: 'count', timeoutMs: 120_000}),
  );
  if (r.code !== 0) throw failed(`kcat -C from ${peer.name}`, r);
  const msgs = r.stdoutBytes / (size + 1);
  if (msgs !== expectMsgs) throw new BenchError(`drain of ${topic} from ${peer.name} read ${msgs} messages (${r.stdoutBytes} B), expected ${expectMsgs}`);
  return {seconds: r.seconds, msgs, bytes: msgs * size, cpuShare, peakRssKb};
}

/** `kcat -b BOOT -G GROUP -X auto.offset.reset=earliest -e -q T`: balanced consumer, join + drain. */
export async function kcatGroupDrain(peer: Peer, group: string, topic: string, size: number, expectMsgs: number): Promise<Sample> {
  const {r, cpuShare, peakRssKb} = await sampled(peer, () =>
    runTimed('kcat', ['-b', peer.bootstrap, '-G', group, '-X', 'auto.offset.reset=earliest', '-e', '-q', topic], {stdout: 'count', timeoutMs: 60_000}),
  );
  if (r.code !== 0) throw failed(`kcat -G from ${peer.name}`, r);
  const msgs = r.stdoutBytes / (size + 1);
  if (msgs !== expectMsgs) throw new BenchError(`group drain of ${topic} from ${peer.name} read ${msgs} messages, expected ${expectMsgs}`);
  return {seconds: r.seconds, msgs, bytes: msgs * size, cpuShare, peakRssKb};
}
