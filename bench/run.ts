/**
 * `npm run bench [-- --update-readme] [--only a,b] [--reps N] [--quick] [--cpu-prof]`
 *
 * Starts a kcollect broker (child process, data on disk in os.tmpdir()) and the librdkafka mock
 * cluster, drives both with the same kcat loads, alternating, and prints a markdown report; also
 * written to bench/results/latest.md. Never run by `npm test`. Scenarios live in scenarios.ts.
 */
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {parseArgs} from 'node:util';
import {generateFile, loadSpec} from './load.js';
import {KcollectPeer, MockPeer, repoRoot} from './peers.js';
import {cleanupNow, cpuPressureTotalUs, installCleanupHandlers, makeTempDir, readProcStat, sleep} from './proc.js';
import {summarizeProfile} from './profile.js';
import {describeEnvironment, renderMarkdown, updateReadme, type ProfileInfo} from './report.js';
import type {BenchContext, Row} from './scenario.js';
import {scenarios} from './scenarios.js';

const USAGE = `usage: npm run bench -- [--update-readme] [--only ${scenarios.map((s) => s.name).join(',')}] [--reps N] [--quick] [--cpu-prof]`;

async function main(): Promise<void> {
  const {values} = parseArgs({
    options: {
      'update-readme': {type: 'boolean', default: false},
      only: {type: 'string'},
      reps: {type: 'string', default: '3'},
      quick: {type: 'boolean', default: false},
      'cpu-prof': {type: 'boolean', default: false},
      help: {type: 'boolean', short: 'h', default: false},
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const reps = Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps must be a positive integer\n${USAGE}`);
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of only ?? []) {
    if (!scenarios.some((s) => s.name === name)) throw new Error(`unknown scenario "${name}"\n${USAGE}`);
  }
  try {
    execFileSync('kcat', ['-V'], {stdio: 'ignore'});
  } catch {
    throw new Error('kcat is not installed: apt-get install -y kcat');
  }

  installCleanupHandlers();
  const t0 = performance.now();
  const loadAvg1 = os.loadavg()[0];
  const psi0 = cpuPressureTotalUs();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const tmp = makeTempDir('kcollect-bench-');
  const quick = values.quick;
  const scale = quick ? 10 : 1;
  const loads = [loadSpec(tmp, 1_000_000 / scale, 200), loadSpec(tmp, 500_000 / scale, 1024)];
  log(`bench: temp dir ${tmp}`);
  for (const l of loads) {
    generateFile(l);
    log(`bench: generated ${l.name} (${(fs.statSync(l.file).size / 1e6).toFixed(0)} MB)`);
  }

  const profDir = path.join(tmp, 'prof');
  const kcollect = await KcollectPeer.start({
    dataDir: path.join(tmp, 'broker'),
    // Same shape as the mock's auto-created topics (4 partitions); loads use partition 0.
    numPartitions: 4,
    nodeArgs: values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [],
  });
  const mock = await MockPeer.start(1);
  log(`bench: kcollect on ${kcollect.bootstrap} (pid ${kcollect.pid}), mock cluster on ${mock.bootstrap} (pid ${mock.pid})`);
  await sleep(1000);
  const ctx: BenchContext = {
    tmp,
    options: {reps, quick, cpuProf: values['cpu-prof']},
    kcollect,
    mock,
    loads,
    idle: {kcollectRssKb: readProcStat(kcollect.pid)?.rssKb ?? 0, mockRssKb: readProcStat(mock.pid)?.rssKb ?? 0},
    produced: new Map(),
    notes: [],
    log,
  };

  const rows: Row[] = [];
  const ran: string[] = [];
  for (const s of scenarios) {
    if (!s.run || (only && !only.includes(s.name))) continue;
    log(`bench: ${s.name}: ${s.title}`);
    try {
      rows.push(...(await s.run(ctx)));
      ran.push(s.name);
    } catch (e) {
      log(`bench: scenario ${s.name} failed: ${(e as Error).stack ?? e}`);
      if (kcollect.recentStderr) log(`bench: broker stderr: ${kcollect.recentStderr}`);
      rows.push({kind: 'fact', scenario: s.name, key: `${s.name}.failed`, name: `${s.name} FAILED`, value: '—', note: (e as Error).message.split('\n')[0]});
    }
  }

  await kcollect.stop();
  await mock.stop();

  const psi1 = cpuPressureTotalUs();
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpuPressure = psi0 !== undefined && psi1 !== undefined ? (psi1 - psi0) / 1e6 / wallSeconds : undefined;

  let profile: ProfileInfo | undefined;
  const resultsDir = path.join(repoRoot, 'bench', 'results');
  const profileJson = path.join(resultsDir, 'broker-profile.json');
  fs.mkdirSync(resultsDir, {recursive: true});
  if (values['cpu-prof']) {
    const f = fs.existsSync(profDir) ? fs.readdirSync(profDir).find((n) => n.endsWith('.cpuprofile')) : undefined;
    if (f) {
      const dest = path.join(resultsDir, 'broker.cpuprofile');
      fs.copyFileSync(path.join(profDir, f), dest);
      profile = {summary: summarizeProfile(dest), date: new Date().toISOString().slice(0, 10), earlier: false};
      fs.writeFileSync(profileJson, JSON.stringify(profile, null, 2));
      log(`bench: broker CPU profile in ${path.relative(repoRoot, dest)} (open it in Chrome DevTools > Performance)`);
    } else {
      log('bench: no CPU profile was written (did the broker exit cleanly?)');
    }
  } else if (fs.existsSync(profileJson)) {
    // The last `--cpu-prof` run's summary, quoted with its date in the limits paragraph.
    profile = {...(JSON.parse(fs.readFileSync(profileJson, 'utf8')) as ProfileInfo), earlier: true};
  }

  const markdown = renderMarkdown({
    env: describeEnvironment(tmp),
    contention: {loadAvg1, cpuPressure},
    rows,
    notes: ctx.notes,
    scenarios,
    ran,
    reps,
    profile,
    quick,
    durationSeconds: wallSeconds,
  });
  process.stdout.write(`\n${markdown}`);
  fs.writeFileSync(path.join(resultsDir, 'latest.md'), markdown);
  log(`bench: wrote ${path.relative(repoRoot, path.join(resultsDir, 'latest.md'))}`);
  if (values['update-readme']) {
    updateReadme(path.join(repoRoot, 'README.md'), markdown);
    log('bench: updated the Benchmarks section of README.md');
  }
}

main()
  .then(() => cleanupNow())
  .catch((e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
    cleanupNow();
    process.exitCode = 1;
  });
