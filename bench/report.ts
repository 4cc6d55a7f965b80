import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import type {ProfileSummary} from './profile.js';
import {median} from './proc.js';
import type {CompareRow, FactRow, Measure, Row, Scenario} from './scenario.js';

const MB = 1e6;

export interface Environment {
  date: string;
  nproc: number;
  cpuModel: string;
  memGiB: number;
  kernel: string;
  node: string;
  kcat: string;
  tmpFs: string;
}

export function describeEnvironment(tmp: string): Environment {
  let cpuModel = 'unknown';
  try {
    cpuModel = /model name\s*:\s*(.+)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1].trim() ?? cpuModel;
  } catch {
    // not Linux
  }
  let kcat = 'unknown';
  try {
    const v = execFileSync('kcat', ['-V'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
    const m = /Version (\S+).*?(librdkafka \S+)/.exec(v);
    kcat = m ? `${m[1]} (${m[2]})` : v.trim().split('\n')[0];
  } catch {
    // reported as unknown
  }
  let tmpFs = tmp;
  try {
    const mounts = fs
      .readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .filter((f) => f.length > 2 && (tmp === f[1] || tmp.startsWith(f[1].endsWith('/') ? f[1] : `${f[1]}/`)))
      .sort((a, b) => b[1].length - a[1].length);
    if (mounts[0]) tmpFs = `${os.tmpdir()} (${mounts[0][2]} on ${mounts[0][0]})`;
  } catch {
    // not Linux
  }
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    nproc: os.availableParallelism(),
    cpuModel,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    kcat,
    tmpFs,
  };
}

// ---- numbers ----------------------------------------------------------------------------------

export interface Rate {
  msgs: number;
  seconds: number;
  msgsPerSec: number;
  mbPerSec: number;
  cpuShare: number;
  runs: number[];
}

/** Median wall time of the samples, and the rates it gives. */
export function rate(m: Measure | undefined): Rate | undefined {
  if (!m || m.error || m.samples.length === 0) return undefined;
  const seconds = median(m.samples.map((s) => s.seconds));
  const msgs = m.samples[0].msgs;
  const bytes = m.samples[0].bytes;
  return {
    msgs,
    seconds,
    msgsPerSec: msgs / seconds,
    mbPerSec: bytes / seconds / MB,
    cpuShare: median(m.samples.map((s) => s.cpuShare)),
    runs: m.samples.map((s) => s.seconds),
  };
}

function fmtRate(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(0)} k`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k`;
  return x.toFixed(0);
}

const fmtMB = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const fmtS = (x: number) => (x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

function errCell(m: Measure | undefined): string {
  return m?.error ? `FAILED: ${m.error.replace(/\|/g, '/')}` : '—';
}

// ---- markdown ---------------------------------------------------------------------------------

export interface Contention {
  /** 1-minute load average when the bench started. */
  loadAvg1: number;
  /** Share of the run's wall time in which some runnable task waited for a CPU (PSI), 0..1. */
  cpuPressure?: number;
}

export interface ProfileInfo {
  summary: ProfileSummary;
  /** When the profile was taken; `earlier` when it comes from a previous `--cpu-prof` run. */
  date: string;
  earlier: boolean;
}

export interface ReportInput {
  env: Environment;
  contention: Contention;
  rows: Row[];
  notes: string[];
  scenarios: Scenario[];
  ran: string[];
  reps: number;
  profile?: ProfileInfo;
  quick: boolean;
  durationSeconds: number;
}

function compareTable(rows: CompareRow[], footnotes: string[]): string[] {
  const out = [
    '| Scenario | Load | kcollect msg/s | kcollect MB/s | mock msg/s | mock MB/s | kcollect / mock | median s (kcollect / mock) | CPU (kcollect / mock) |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of rows) {
    const a = rate(r.ours);
    const b = rate(r.peer);
    let load = r.load;
    if (r.note) {
      footnotes.push(r.note);
      load += ` [${footnotes.length}]`;
    }
    const ratio = a && b ? (r.noRatio ? `(${(a.msgsPerSec / b.msgsPerSec).toFixed(2)})` : `**${(a.msgsPerSec / b.msgsPerSec).toFixed(2)}**`) : '—';
    out.push(
      `| ${r.scenario} | ${load} | ${a ? fmtRate(a.msgsPerSec) : errCell(r.ours)} | ${a ? fmtMB(a.mbPerSec) : ''} | ` +
        `${b ? fmtRate(b.msgsPerSec) : errCell(r.peer)} | ${b ? fmtMB(b.mbPerSec) : ''} | ${ratio} | ` +
        `${a ? fmtS(a.seconds) : '—'} / ${b ? fmtS(b.seconds) : '—'} | ${a ? pct(a.cpuShare) : '—'} / ${b ? pct(b.cpuShare) : '—'} |`,
    );
  }
  return out;
}

function factTable(rows: FactRow[]): string[] {
  const out = ['| Fact | Value | Note |', '|---|--:|---|'];
  for (const r of rows) out.push(`| ${r.name} | ${r.value} | ${r.note ?? ''} |`);
  return out;
}

/** A data-driven paragraph on what limits the broker's rate. */
export function limitsParagraph(rows: Row[], contention?: Contention, profile?: ProfileInfo): string {
  const facts = new Map(rows.filter((r): r is FactRow => r.kind === 'fact').map((r) => [r.key, r.num]));
  const compares = rows.filter((r): r is CompareRow => r.kind === 'compare');
  const best = compares
    .filter((r) => r.scenario === 'produce')
    .map((r) => ({r, a: rate(r.ours), b: rate(r.peer)}))
    .filter((x) => x.a)
    .sort((x, y) => y.a!.mbPerSec - x.a!.mbPerSec)[0];
  if (!best) return 'No complete kcollect produce run, so there is nothing to say about limits.';
  const disk = facts.get('disk.write');
  const diskSync = facts.get('disk.write.sync');
  const tcp = facts.get('tcp.loopback');
  const a = best.a!;
  const parts: string[] = [];
  parts.push(
    `**What limits the broker.** kcollect's best produce rate in this run was ${fmtMB(a.mbPerSec)} MB/s (${best.r.load}, ${fmtRate(a.msgsPerSec)} msg/s)` +
      (disk ? `, ${pct(a.mbPerSec / disk)} of a plain 1 MiB-chunk write into a fresh file on the same filesystem (${fmtMB(disk)} MB/s; ${fmtMB(diskSync ?? 0)} MB/s including fdatasync)` : '') +
      (tcp ? ` and ${pct(a.mbPerSec / tcp)} of loopback TCP (${fmtMB(tcp)} MB/s)` : '') +
      '.',
  );
  if (disk) {
    const writeShare = a.mbPerSec / disk;
    parts.push(
      `At the page-cache write rate measured at the start of this run, writing that payload takes ${fmtS(a.seconds * writeShare)} s, ${pct(writeShare)} of kcollect's run time` +
        (writeShare >= 0.3
          ? ': the kernel copying into fresh page-cache pages is the largest single cost, and one the mock never pays (it keeps its log in memory).'
          : '; the rest is the broker\'s per-request work (decoding, CRC32C, copying, garbage collection) and waiting for a CPU.'),
    );
  }
  parts.push(
    `The broker process used ${pct(a.cpuShare)} of one core during those runs; all of its request handling runs on one JavaScript thread, and kcat needs CPU at the same time.`,
  );
  if (contention?.cpuPressure !== undefined && contention.cpuPressure > 0.2) {
    parts.push(
      `Other processes competed for the ${os.availableParallelism()} CPUs during this run (some runnable task waited for a CPU ${pct(contention.cpuPressure)} of the time; load average ${contention.loadAvg1.toFixed(1)} at the start), so a runnable broker often waited for a CPU: absolute rates are low and noisy (see the per-run seconds), and the same-run ratios are the numbers to compare.`,
    );
  }
  if (best.b) {
    parts.push(
      `The mock cluster (${fmtMB(best.b.mbPerSec)} MB/s on the same load) is C code inside another kcat process that appends to memory and drops all but a few MB per partition, so it is an upper bound set by the client, not a broker to match; the ratio says how far kcollect's per-message cost is from zero.`,
    );
  }
  const fixedDrain = facts.get('kcollect.fixed.drain');
  const fullDrain = compares
    .filter((r) => r.scenario === 'drain' && r.noRatio)
    .map((r) => rate(r.ours))
    .filter((x): x is Rate => !!x)
    .sort((x, y) => y.mbPerSec - x.mbPerSec)[0];
  if (fullDrain) {
    const net = fixedDrain !== undefined && fullDrain.seconds > fixedDrain / 1000 ? (fullDrain.mbPerSec * fullDrain.seconds) / (fullDrain.seconds - fixedDrain / 1000) : undefined;
    parts.push(
      `Full drains from kcollect reached ${fmtMB(fullDrain.mbPerSec)} MB/s at ${pct(fullDrain.cpuShare)} broker CPU` +
        (net ? ` (${fmtMB(net)} MB/s net of kcat's fixed ${fixedDrain!.toFixed(0)} ms, most of it the final 500 ms long poll)` : '') +
        '; drains of the few MB the mock keeps are dominated by that fixed cost on both sides.',
    );
  }
  if (profile) {
    const top = profile.summary.topFiles.slice(0, 5).map((e) => `${e.name} ${pct(e.share)}`).join(', ');
    parts.push(
      `A CPU profile of the broker (\`--cpu-prof\`, ${profile.earlier ? `an earlier run on ${profile.date}` : 'this run'}) puts its busy time (${profile.summary.busySeconds.toFixed(1)} s) in: ${top}.`,
    );
  }
  return parts.join(' ');
}

export function renderMarkdown(input: ReportInput): string {
  const {env, rows} = input;
  const out: string[] = [];
  out.push(
    `Measured ${env.date} on ${env.nproc} × ${env.cpuModel} (nproc ${env.nproc}), ${env.memGiB} GiB RAM, ${env.kernel}; ` +
      `Node ${env.node}; kcat ${env.kcat}; data and load files in ${env.tmpFs}. ` +
      `Median of ${input.reps} alternating runs per cell; MB = 10^6 payload bytes; whole bench ${input.durationSeconds.toFixed(0)} s. ` +
      `Machine load: load average ${input.contention.loadAvg1.toFixed(1)} at the start` +
      (input.contention.cpuPressure !== undefined ? `, CPU pressure ${pct(input.contention.cpuPressure)} over the run (share of time some runnable task waited for a CPU).` : '.') +
      (input.quick ? ' **--quick run: loads scaled down 10x, not for quoting.**' : '') +
      (input.profile && !input.profile.earlier ? ' The broker ran under `node --cpu-prof` in this run, which costs it a few percent.' : ''),
  );
  out.push('');
  const compares = rows.filter((r): r is CompareRow => r.kind === 'compare');
  const footnotes: string[] = [];
  if (compares.length) {
    out.push(...compareTable(compares, footnotes));
    out.push('');
    out.push(
      'Peer: the librdkafka mock cluster (`kcat -X test.mock.num.brokers=1`), driven with the same kcat command line. ' +
        'Every produce run goes to a fresh topic and counts only if the high watermark (`kcat -Q -t T:0:-1`) equals the number of lines sent. ' +
        'Time is wall time from spawning kcat to its exit. CPU is the broker process (for the mock, the kcat process that hosts it) as a share of one core.',
    );
    footnotes.forEach((f, i) => out.push(`[${i + 1}] ${f}`, ''));
    out.push('Seconds of every run, in run order (the spread shows how noisy the machine was):', '');
    for (const r of compares) {
      const runs = (m: Measure | undefined) => (m?.samples.length ? m.samples.map((x) => fmtS(x.seconds)).join(', ') : '—');
      out.push(`- ${r.scenario} ${r.load}: kcollect ${runs(r.ours)}; ${r.peerName} ${runs(r.peer)}`);
    }
  }
  const facts = rows.filter((r): r is FactRow => r.kind === 'fact');
  if (facts.length) {
    out.push('');
    out.push(...factTable(facts));
  }
  for (const n of input.notes) out.push('', n);
  out.push('', limitsParagraph(rows, input.contention, input.profile));
  const todo = input.scenarios.filter((s) => s.todo);
  if (todo.length) {
    out.push('', 'Not measured yet:');
    for (const s of todo) out.push(`- ${s.name}: ${s.title}. TODO: ${s.todo}.`);
  }
  if (input.profile && !input.profile.earlier) {
    out.push('', `CPU profile (${input.profile.summary.file}, self time as a share of busy time):`, '');
    out.push('| Function | Self |', '|---|--:|');
    for (const e of input.profile.summary.topFunctions) out.push(`| \`${e.name}\` | ${pct(e.share)} |`);
  }
  return out.join('\n') + '\n';
}

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** Replaces the text between the bench markers, adding a "## Benchmarks" section if missing. */
export function updateReadme(readmePath: string, markdown: string): void {
  const text = fs.readFileSync(readmePath, 'utf8');
  const body = `${START}\n${markdown.trimEnd()}\n${END}`;
  const s = text.indexOf(START);
  const e = text.indexOf(END);
  let next: string;
  if (s >= 0 && e > s) {
    next = text.slice(0, s) + body + text.slice(e + END.length);
  } else {
    const intro =
      'Run with `npm run bench` (about 2–3 minutes; `-- --update-readme` rewrites this section, `-- --only produce,drain` picks scenarios, ' +
      '`-- --cpu-prof` profiles the broker). kcollect is measured against the librdkafka mock cluster in the same run, with the same kcat load.';
    next = `${text.trimEnd()}\n\n## Benchmarks\n\n${intro}\n\n${body}\n`;
  }
  fs.writeFileSync(readmePath, next);
}
