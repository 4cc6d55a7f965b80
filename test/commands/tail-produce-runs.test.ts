/**
 * tail-produce runs in one working directory each follow only the files they were given: two
 * runs with other files and topics never send each other's lines, and a position file kept from
 * before (shared by every unnamed run) still resumes the files it is given, and only those.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {CLI, cliEnv, collect, kcollect, spawnCli} from '../helpers/cli.js';
import {topicValues} from '../helpers/kafka.js';
import {until} from '../helpers/poll.js';

let broker: Broker;
let bootstrap: string;
beforeAll(async () => {
  ({broker, bootstrap} = await startBroker());
});
afterAll(async () => {
  await broker?.close();
});

const lines = (prefix: string, from: number, to: number) => Array.from({length: to - from}, (_, i) => `${prefix}-${from + i}`);
const append = (file: string, ls: string[]) => fs.appendFileSync(file, ls.map((l) => `${l}\n`).join(''));

/** Runs `tail-produce ARGS` in `cwd` until `topic` holds `expected` lines, then stops it with SIGINT. */
async function runUntil(cwd: string, args: string[], topic: string, expected: number): Promise<string> {
  const child: ChildProcess = spawnCli(['tail-produce', ...args, '--topic', topic, '-b', bootstrap, '--poll-interval', '50ms'], {cwd});
  const result = collect(child);
  try {
    await until(async () => (await topicValues(bootstrap, topic)).length >= expected, `${expected} lines in ${topic}`);
  } finally {
    child.kill('SIGINT');
  }
  const {code, stderr} = await result;
  expect(code, stderr).toBe(0);
  return stderr;
}

describe('tail-produce --exit', () => {
  it('sends what the files hold, a last line without a newline too, and exits; run again it sends only what was added', async () => {
    const cwd = tempDir('tail-exit');
    expect((await kcollect(bootstrap, ['topic', 'create', 'exit-a'])).code).toBe(0);
    append(path.join(cwd, 'a.log'), lines('a', 0, 3000));
    fs.appendFileSync(path.join(cwd, 'b.log'), 'b-0\nb-1 without a newline');
    const run = async () => {
      const {code, stderr} = await collect(spawnCli(['tail-produce', 'a.log', 'b.log', '--exit', '--topic', 'exit-a', '-b', bootstrap], {cwd}));
      expect(code, stderr).toBe(0);
    };
    await run();
    const sent = await topicValues(bootstrap, 'exit-a');
    expect(sent.filter((v) => v.startsWith('a-'))).toEqual(lines('a', 0, 3000));
    expect(sent.filter((v) => v.startsWith('b-'))).toEqual(['b-0', 'b-1 without a newline']);

    append(path.join(cwd, 'a.log'), lines('a', 3000, 3005));
    await run();
    const again = await topicValues(bootstrap, 'exit-a');
    expect(again).toHaveLength(3007);
    expect(again.slice(3002)).toEqual(lines('a', 3000, 3005));

    // A name that matches no file: an error naming it (a wrong path is not a run that sent nothing).
    const missing = await collect(spawnCli(['tail-produce', 'no-such.log', '--exit', '--topic', 'exit-a', '-b', bootstrap], {cwd}));
    expect(missing.code, missing.stderr).toBe(1);
    expect(missing.stderr).toContain('no file matches no-such.log');
    expect(await topicValues(bootstrap, 'exit-a')).toHaveLength(3007);
  });
});

describe('tail-produce globs', () => {
  it("'DIR/**/*.log' follows the files at every depth below DIR, as bash's globstar; not hidden directories", async () => {
    const cwd = tempDir('tail-globstar');
    expect((await kcollect(bootstrap, ['topic', 'create', 'globstar'])).code).toBe(0);
    for (const [file, prefix] of [
      ['logs/top.log', 'top'],
      ['logs/a/one.log', 'one'],
      ['logs/a/b/c/deep.log', 'deep'],
      ['logs/.hidden/no.log', 'hidden'],
      ['logs/a/not-a-log.txt', 'txt'],
    ]) {
      fs.mkdirSync(path.dirname(path.join(cwd, file)), {recursive: true});
      append(path.join(cwd, file), lines(prefix, 0, 2));
    }
    const sent = await collect(spawnCli(['tail-produce', 'logs/**/*.log', '--exit', '--topic', 'globstar', '-b', bootstrap], {cwd}));
    expect(sent.code, sent.stderr).toBe(0);
    expect((await topicValues(bootstrap, 'globstar')).sort()).toEqual([...lines('deep', 0, 2), ...lines('one', 0, 2), ...lines('top', 0, 2)]);
    // A trailing ** names every file below (the .txt too); a second run sends only what it had not.
    const all = await collect(spawnCli(['tail-produce', 'logs/**', '--exit', '--topic', 'globstar', '-b', bootstrap, '--position-file', 'all.json'], {cwd}));
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toContain('logs/a/not-a-log.txt: new file');
    expect(all.stderr).not.toContain('.hidden');
  });
});

describe('tail-produce and a file it may not read', () => {
  it('says so once (not at every look), follows the others, and follows it once it can be read', async (ctx) => {
    // root reads every file: the CLI then runs as nobody, for whom a root file of mode 000 is unreadable.
    const asNobody = process.getuid?.() === 0;
    if (asNobody && !(fs.statSync(CLI).mode & 0o004)) ctx.skip();
    const cwd = tempDir('tail-unreadable');
    expect((await kcollect(bootstrap, ['topic', 'create', 'unreadable'])).code).toBe(0);
    append(path.join(cwd, 'ok.log'), lines('ok', 0, 2));
    const locked = path.join(cwd, 'locked.log');
    append(locked, lines('locked', 0, 2));
    fs.chmodSync(locked, 0o000);
    if (asNobody) for (const p of [cwd, path.join(cwd, 'ok.log')]) fs.chownSync(p, 65534, 65534);
    const child = spawn(process.execPath, [CLI, 'tail-produce', '*.log', '--topic', 'unreadable', '-b', bootstrap, '--poll-interval', '20ms'], {
      cwd,
      env: cliEnv({HOME: cwd}),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asNobody ? {uid: 65534, gid: 65534} : {}),
    });
    const done = collect(child);
    try {
      await until(async () => (await topicValues(bootstrap, 'unreadable')).length >= 2, 'ok.log sent');
      // The locked file is written to meanwhile: the same file, still unreadable, not worth saying again.
      for (let i = 0; i < 5; i++) {
        append(locked, lines('more', i, i + 1));
        await new Promise((r) => setTimeout(r, 200));
      }
      fs.chmodSync(locked, 0o644);
      await until(async () => (await topicValues(bootstrap, 'unreadable')).length >= 9, 'locked.log sent once readable');
    } finally {
      child.kill('SIGINT');
    }
    const {code, stderr} = await done;
    expect(code, stderr).toBe(0);
    const said = stderr.split('\n').filter((l) => l.includes(locked) && l.includes('permission denied'));
    expect(said, stderr).toHaveLength(1);
    expect(said[0]).toMatch(/^kcollect: source tail: \S+locked\.log cannot be read \(permission denied\): not followed until it can be read .*; make it readable to user \S+, which kcollect runs as/);
    expect((await topicValues(bootstrap, 'unreadable')).sort()).toEqual([...lines('locked', 0, 2), ...lines('more', 0, 5), ...lines('ok', 0, 2)].sort());
  });
});

describe('tail-produce and its position file', () => {
  it('a second run on the same position file exits 1 naming the first; after a SIGKILL the next run takes it over', async () => {
    const cwd = tempDir('tail-lock');
    expect((await kcollect(bootstrap, ['topic', 'create', 'lock-a'])).code).toBe(0);
    append(path.join(cwd, 'a.log'), lines('a', 0, 5));
    const args = ['a.log', '--position-file', 'pos.json', '--topic', 'lock-a', '-b', bootstrap];
    const first = spawnCli(['tail-produce', ...args, '--poll-interval', '50ms'], {cwd});
    const firstDone = collect(first);
    try {
      await until(async () => (await topicValues(bootstrap, 'lock-a')).length >= 5, '5 lines in lock-a');
      // Like the position file it guards: the owner's alone.
      expect(fs.statSync(path.join(cwd, 'pos.json.lock')).mode & 0o777).toBe(0o600);
      const second = await collect(spawnCli(['tail-produce', ...args, '--exit'], {cwd}));
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`position file pos.json is already in use by process ${first.pid}`);
    } finally {
      first.kill('SIGKILL');
    }
    await firstDone;
    // The killed run left its lock behind; its process is gone, so the next run takes the lock.
    expect(fs.existsSync(path.join(cwd, 'pos.json.lock'))).toBe(true);
    append(path.join(cwd, 'a.log'), lines('a', 5, 7));
    const third = await collect(spawnCli(['tail-produce', ...args, '--exit'], {cwd}));
    expect(third.code, third.stderr).toBe(0);
    expect(await topicValues(bootstrap, 'lock-a')).toEqual(lines('a', 0, 7));
    expect(fs.existsSync(path.join(cwd, 'pos.json.lock'))).toBe(false);
  });
});

describe('tail-produce and a position file another user holds', () => {
  it('a run as another user exits 1 saying it is locked by another user (the 0600 lock is not readable to it)', async (ctx) => {
    if (process.getuid?.() !== 0 || !(fs.statSync(CLI).mode & 0o004)) ctx.skip();
    // The position file's directory is open to all; each run has its own working directory.
    const shared = tempDir('tail-lock-shared');
    fs.chmodSync(shared, 0o777);
    const own = tempDir('tail-lock-own');
    fs.chownSync(own, 65534, 65534);
    expect((await kcollect(bootstrap, ['topic', 'create', 'lock-user'])).code).toBe(0);
    const log = path.join(shared, 'a.log');
    append(log, lines('a', 0, 2));
    const positions = path.join(shared, 'pos.json');
    const args = ['tail-produce', log, '--position-file', positions, '--topic', 'lock-user', '-b', bootstrap];
    const first = spawnCli([...args, '--poll-interval', '50ms'], {cwd: shared});
    const firstDone = collect(first);
    try {
      await until(() => fs.existsSync(`${positions}.lock`), 'the first run holds the lock');
      const other = spawn(process.execPath, [CLI, ...args, '--exit'], {cwd: own, env: cliEnv({HOME: own}), stdio: ['ignore', 'pipe', 'pipe'], uid: 65534, gid: 65534});
      const r = await collect(other);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`the position file ${positions} is locked by another user (its lock ${positions}.lock cannot be read)`);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    } finally {
      first.kill('SIGINT');
    }
    expect((await firstDone).code).toBe(0);
  });
});

describe('tail-produce runs sharing a working directory', () => {
  it("each topic holds only its own file's lines, and each run resumes its own file", async () => {
    const cwd = tempDir('tail-runs');
    for (const t of ['runs-a', 'runs-b']) expect((await kcollect(bootstrap, ['topic', 'create', t])).code).toBe(0);
    append(path.join(cwd, 'a.log'), lines('a', 0, 5));
    append(path.join(cwd, 'b.log'), lines('b', 0, 5));

    await runUntil(cwd, ['a.log'], 'runs-a', 5);
    // a.log grows while its collector is down; the other run must not pick that up.
    append(path.join(cwd, 'a.log'), lines('a', 5, 10));
    await runUntil(cwd, ['b.log'], 'runs-b', 5);
    // The first run, started again, resumes a.log where it stopped.
    await runUntil(cwd, ['a.log'], 'runs-a', 10);

    expect(await topicValues(bootstrap, 'runs-a')).toEqual(lines('a', 0, 10));
    expect(await topicValues(bootstrap, 'runs-b')).toEqual(lines('b', 0, 5));
    // Beside each position file, its progress record (NAME.json.progress).
    const positionFiles = fs.readdirSync(path.join(cwd, '.kcollect', 'positions')).filter((n) => n.endsWith('.json')).sort();
    expect(positionFiles).toHaveLength(2);
    expect(positionFiles.every((n) => /^tail-produce-[0-9a-f]{12}\.json$/.test(n))).toBe(true);
    // Each run published how long its lines took from being read to Kafka's acknowledgement.
    for (const name of positionFiles) {
      const status = JSON.parse(fs.readFileSync(path.join(cwd, '.kcollect', 'status', name), 'utf8'));
      const sink = status.components.find((c: {kind: string}) => c.kind === 'SINK');
      expect(sink.counters.LatencyP99Ms).toBeGreaterThanOrEqual(sink.counters.LatencyP50Ms);
      expect(sink.counters.LatencyP50Ms).toBeGreaterThanOrEqual(0);
    }
    for (const name of positionFiles) expect(fs.statSync(path.join(cwd, '.kcollect', 'positions', name)).mode & 0o777).toBe(0o600);
  });

  it('an old shared position file resumes the files given, and keeps the entries of the others', async () => {
    const cwd = tempDir('tail-legacy');
    for (const t of ['legacy-a', 'legacy-b']) expect((await kcollect(bootstrap, ['topic', 'create', t])).code).toBe(0);
    append(path.join(cwd, 'a.log'), lines('a', 0, 5));
    append(path.join(cwd, 'b.log'), lines('b', 0, 5));
    // Positions as unnamed runs used to keep them: both files in one file.
    const shared = path.join('.kcollect', 'positions', 'tail-produce.json');
    await runUntil(cwd, ['a.log', '--position-file', shared], 'legacy-a', 5);
    await runUntil(cwd, ['b.log', '--position-file', shared], 'legacy-b', 5);
    const before = fs.readFileSync(path.join(cwd, shared), 'utf8');
    expect(JSON.parse(before).files.map((f: {path: string}) => path.basename(f.path)).sort()).toEqual(['a.log', 'b.log']);

    append(path.join(cwd, 'a.log'), lines('a', 5, 8));
    append(path.join(cwd, 'b.log'), lines('b', 5, 8));
    const stderr = await runUntil(cwd, ['a.log'], 'legacy-a', 8);
    expect(stderr).toMatch(/resuming 1 file\(s\) from \.kcollect\/positions\/tail-produce\.json/);

    expect(await topicValues(bootstrap, 'legacy-a')).toEqual(lines('a', 0, 8));
    expect(await topicValues(bootstrap, 'legacy-b')).toEqual(lines('b', 0, 5));
    // The old file is only read: b.log's entry is still there for its own run.
    expect(fs.readFileSync(path.join(cwd, shared), 'utf8')).toBe(before);
  });
});
