/**
 * spool-produce as a user runs it, against a real broker: a file that grows after it was taken
 * loses no line, a file it may not read is named once and left where it is, and --exit sends what
 * the directory holds and exits.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {CLI, cliEnv, collect, kcollect, spawnCli} from '../helpers/cli.js';
import {freezableProxy} from '../helpers/freezable-proxy.js';
import {topicValues} from '../helpers/kafka.js';
import {until} from '../helpers/poll.js';

let broker: Broker;
let bootstrap: string;
/** Every connection goes through this proxy (the broker advertises it), so Kafka's replies can be held. */
let proxy: Awaited<ReturnType<typeof freezableProxy>>;
beforeAll(async () => {
  const target = {host: '127.0.0.1', port: 0};
  proxy = await freezableProxy(target);
  ({broker, bootstrap} = await startBroker({advertisedPort: proxy.port}));
  target.port = broker.listening.port;
});
afterAll(async () => {
  proxy?.close();
  await broker?.close();
});

const lines = (prefix: string, from: number, to: number) => Array.from({length: to - from}, (_, i) => `${prefix}-${from + i}`);
const text = (ls: string[]) => ls.map((l) => `${l}\n`).join('');
/** Records in the topic's partition 0, read from the broker's log (no client: its replies may be held). */
const stored = (topic: string) => broker.logs.partition(topic, 0)?.highWatermark ?? 0;

/** root reads every file: the CLI then runs as nobody, for whom a root file of mode 000 is unreadable. */
const asNobody = process.getuid?.() === 0;
function canRunAsNobody(): boolean {
  try {
    return (fs.statSync(CLI).mode & 0o004) !== 0;
  } catch {
    return false;
  }
}

/** A working directory (holding the spool directory) the CLI's user owns. */
function workDir(prefix: string): {cwd: string; spool: string} {
  const cwd = tempDir(prefix);
  const spool = path.join(cwd, 'spool');
  fs.mkdirSync(spool);
  if (asNobody) for (const d of [cwd, spool]) fs.chownSync(d, 65534, 65534);
  return {cwd, spool};
}

/** A file of the CLI's user in the spool directory (written elsewhere and moved in, as it should be). */
function dropFile(spool: string, name: string, content: string | Buffer, ageS = 0): string {
  const file = path.join(spool, name);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, content);
  if (asNobody) fs.chownSync(tmp, 65534, 65534);
  if (ageS) fs.utimesSync(tmp, new Date(Date.now() - ageS * 1000), new Date(Date.now() - ageS * 1000));
  fs.renameSync(tmp, file);
  return file;
}

/** `kcollect spool-produce ARGS` in `cwd`, as nobody when the tests run as root. */
function spool(cwd: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [CLI, 'spool-produce', ...args, '-b', `127.0.0.1:${proxy.port}`], {
    cwd,
    env: cliEnv({HOME: cwd}),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asNobody ? {uid: 65534, gid: 65534} : {}),
  });
}

const occurrences = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('spool-produce: a file that changes after it was taken', () => {
  it('lines appended while Kafka had not yet acknowledged the file are sent too, each once, before the file is completed', async () => {
    expect((await kcollect(bootstrap, ['topic', 'create', 'grown'])).code).toBe(0);
    const {cwd, spool: dir} = workDir('spool-grown');
    const child = spawnCli(['spool-produce', 'spool', '--topic', 'grown', '-b', bootstrap, '--stable-for', '300ms', '--poll-interval', '50ms'], {cwd});
    const done = collect(child);
    try {
      // A first file through, so the producer is connected before Kafka's replies are held.
      dropFile(dir, 'first.log', text(lines('first', 0, 3)), 3600);
      await until(() => fs.existsSync(path.join(dir, 'first.log.COMPLETED')), 'first.log completed');

      // Kafka takes the file's lines but its acknowledgement is slow to come back...
      proxy.holdReplies();
      const file = dropFile(dir, 'trip.log', text(lines('trip', 0, 2)));
      await until(() => stored('grown') === 5, 'trip.log sent, not yet acknowledged', 20_000);
      // ...and meanwhile the writer, which was not done with the file after all, adds two lines.
      fs.appendFileSync(file, text(lines('trip', 2, 4)));
      await new Promise((r) => setTimeout(r, 300));
      proxy.releaseReplies();

      await until(() => fs.existsSync(path.join(dir, 'trip.log.COMPLETED')), 'trip.log completed');
      expect(fs.readFileSync(path.join(dir, 'trip.log.COMPLETED'), 'utf8')).toBe(text(lines('trip', 0, 4)));
      await until(() => stored('grown') >= 7, 'the added lines in Kafka', 20_000);
    } finally {
      proxy.releaseReplies();
      child.kill('SIGINT');
    }
    const {code, stderr} = await done;
    expect(code, stderr).toBe(0);
    expect(await topicValues(bootstrap, 'grown')).toEqual([...lines('first', 0, 3), ...lines('trip', 0, 4)]);
    // Said once, naming the file, what happened and what to do.
    expect(occurrences(stderr, 'trip.log changed while being read (grew from 14 to 28 bytes)'), stderr).toBe(1);
    expect(stderr).toMatch(/it was not complete when it was put into the spool directory.*mv them into the spool directory once complete/);
  });
});

describe('spool-produce: a file it may not read', () => {
  it('is named once, left where it is (not renamed), does not hold up newer files, and is sent once it can be read', async (ctx) => {
    if (asNobody && !canRunAsNobody()) ctx.skip();
    expect((await kcollect(bootstrap, ['topic', 'create', 'unread'])).code).toBe(0);
    const {cwd, spool: dir} = workDir('spool-unreadable');
    // The oldest file, first in line, is one the collector's user may not read.
    const locked = path.join(dir, 'locked.log');
    fs.writeFileSync(locked, text(lines('locked', 0, 2)));
    fs.chmodSync(locked, 0o000);
    fs.utimesSync(locked, new Date(Date.now() - 7200_000), new Date(Date.now() - 7200_000));
    dropFile(dir, 'fine.log', text(lines('fine', 0, 3)), 3600);

    const child = spool(cwd, ['spool', '--topic', 'unread', '--stable-for', '200ms', '--poll-interval', '50ms']);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const done = collect(child);
    try {
      await until(() => fs.existsSync(path.join(dir, 'fine.log.COMPLETED')), 'fine.log completed past the unreadable file', 20_000);
      // Many looks at the directory later: still said once, and the file is where it was.
      await new Promise((r) => setTimeout(r, 1500));
      expect(occurrences(stderr, `${locked} cannot be read (permission denied)`), stderr).toBe(1);
      expect(stderr).toContain('left in the spool directory as it is (not renamed, not deleted)');
      expect(fs.existsSync(locked)).toBe(true);
      expect(fs.readdirSync(dir).filter((n) => n.startsWith('locked'))).toEqual(['locked.log']);

      // Made readable: taken like any other file.
      fs.chmodSync(locked, 0o644);
      await until(() => fs.existsSync(path.join(dir, 'locked.log.COMPLETED')), 'locked.log completed once readable', 20_000);
    } finally {
      child.kill('SIGINT');
    }
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    expect((await topicValues(bootstrap, 'unread')).sort()).toEqual([...lines('fine', 0, 3), ...lines('locked', 0, 2)].sort());
    expect(result.stderr).toContain(`${locked} can be read now: reading it`);
  });
});

describe('spool-produce --exit', () => {
  it('sends every file in the directory, renames them and exits 0; a file it may not read makes it exit 1 naming it', async (ctx) => {
    if (asNobody && !canRunAsNobody()) ctx.skip();
    expect((await kcollect(bootstrap, ['topic', 'create', 'once'])).code).toBe(0);
    const {cwd, spool: dir} = workDir('spool-exit');
    dropFile(dir, 'a.log', text(lines('a', 0, 2500)), 60);
    dropFile(dir, 'b.log', 'b-0\nb-1 without a newline', 30);
    // Still being written (fresh): waited for, not left behind.
    dropFile(dir, 'c.log', text(lines('c', 0, 2)));
    const first = await collect(spool(cwd, ['spool', '--topic', 'once', '--exit', '--stable-for', '500ms']));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('sent 2,504 line(s) to once');
    expect(await topicValues(bootstrap, 'once')).toEqual([...lines('a', 0, 2500), 'b-0', 'b-1 without a newline', ...lines('c', 0, 2)]);
    expect(fs.readdirSync(dir).filter((n) => !n.startsWith('.')).sort()).toEqual(['a.log.COMPLETED', 'b.log.COMPLETED', 'c.log.COMPLETED']);

    // An empty directory: nothing to do, exit 0 at once.
    const empty = await collect(spool(cwd, ['spool', '--topic', 'once', '--exit']));
    expect(empty.code, empty.stderr).toBe(0);

    // A file it may not read: the others are sent, that one is named and left, exit 1.
    const locked = path.join(dir, 'locked.log');
    fs.writeFileSync(locked, 'secret\n');
    fs.chmodSync(locked, 0o000);
    dropFile(dir, 'd.log', text(lines('d', 0, 2)), 60);
    const second = await collect(spool(cwd, ['spool', '--topic', 'once', '--exit', '--stable-for', '200ms']));
    expect(second.code, second.stderr).toBe(1);
    expect(occurrences(second.stderr, `${locked} cannot be read (permission denied)`)).toBe(1);
    expect(second.stderr).toMatch(/^kcollect: 1 file\(s\) left unread in spool: locked\.log cannot be read \(permission denied\)\n {2}hint: make it readable to user \S+, which kcollect runs as/m);
    expect(fs.existsSync(locked)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'd.log.COMPLETED'))).toBe(true);
    expect((await topicValues(bootstrap, 'once')).slice(2504)).toEqual(lines('d', 0, 2));

    // A compressed file: not sent as binary, named once and left, exit 1 with what to do about it.
    fs.chmodSync(locked, 0o644);
    dropFile(dir, 'archive.log.gz', zlib.gzipSync('e-0\n'), 60);
    const third = await collect(spool(cwd, ['spool', '--topic', 'once', '--exit', '--stable-for', '200ms']));
    expect(third.code, third.stderr).toBe(1);
    expect(occurrences(third.stderr, 'archive.log.gz is gzip-compressed: left in the spool directory')).toBe(1);
    expect(third.stderr).toMatch(/^kcollect: 1 file\(s\) left unread in spool: archive\.log\.gz is gzip-compressed\n {2}hint: decompress it outside the spool directory and mv the text in, or keep such files out with --ignore-pattern, then run again/m);
    expect(fs.existsSync(path.join(dir, 'archive.log.gz'))).toBe(true);
    expect((await topicValues(bootstrap, 'once')).slice(2506)).toEqual(['secret']);
  });
});

describe('spool-produce: a file rewritten in place from its start (the job that wrote it ran again)', () => {
  it('the same line at the same offset of the new content is sent; lines Kafka took before a kill are sent once', async () => {
    const topic = 'rewritten';
    expect((await kcollect(bootstrap, ['topic', 'create', topic])).code).toBe(0);
    const {cwd, spool: dir} = workDir('spool-rewritten');
    const args = ['spool-produce', 'spool', '--topic', topic, '-b', bootstrap, '--stable-for', '200ms', '--poll-interval', '50ms'];
    const status = path.join(dir, 'status.txt');
    const ledgerDir = path.join(dir, '.kcollect-spool');

    // Killed mid-file: Kafka stored status.txt's lines, its acknowledgement never came back.
    const child = spawnCli(args, {cwd});
    const killed = collect(child);
    try {
      // A first file through, so the producer is connected before Kafka's replies are held.
      dropFile(dir, 'first.log', text(lines('first', 0, 1)), 3600);
      await until(() => fs.existsSync(path.join(dir, 'first.log.COMPLETED')), 'first.log completed');
      proxy.holdReplies();
      dropFile(dir, 'status.txt', 'BANNER\na line 1\na line 2\n', 3600);
      await until(() => stored(topic) === 4, 'status.txt stored, not yet acknowledged', 20_000);
      child.kill('SIGKILL');
      expect((await killed).signal).toBe('SIGKILL');
    } finally {
      proxy.releaseReplies();
    }

    // While kcollect is down the job runs again and rewrites status.txt in place (same inode), shorter.
    const ino = fs.statSync(status).ino;
    fs.writeFileSync(status, 'BANNER\nb line 1\n');
    expect(fs.statSync(status).ino).toBe(ino);
    const before = new Map(fs.readdirSync(ledgerDir).filter((n) => n !== 'lock').map((n) => [n, fs.readFileSync(path.join(ledgerDir, n))]));
    let run = await kcollect(bootstrap, [...args, '--exit'], {cwd});
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`${status} is not the file of that name read before: reading it from the start`);
    expect(await topicValues(bootstrap, topic)).toEqual(['first-0', 'BANNER', 'a line 1', 'a line 2', 'BANNER', 'b line 1']);

    // What a kill between Kafka's acknowledgement and the ledger's write leaves: the file under its
    // name and the ledger of before. The lines read again are recognised as already in Kafka.
    fs.renameSync(`${status}.COMPLETED`, status);
    for (const n of fs.readdirSync(ledgerDir)) if (n !== 'lock') fs.rmSync(path.join(ledgerDir, n));
    for (const [n, content] of before) fs.writeFileSync(path.join(ledgerDir, n), content);
    run = await kcollect(bootstrap, [...args, '--exit'], {cwd});
    expect(run.code, run.stderr).toBe(0);
    expect(await topicValues(bootstrap, topic)).toEqual(['first-0', 'BANNER', 'a line 1', 'a line 2', 'BANNER', 'b line 1']);
    expect(fs.existsSync(`${status}.COMPLETED`)).toBe(true);
  });
});
