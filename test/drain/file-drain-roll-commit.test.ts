/**
 * A file drain killed after a file rolled but before the group's commit caught up with the roll
 * (the commit lagged behind the write that closed the file). The group's offset then pointed
 * inside a closed file, and the next drain wrote that file's tail a second time into a new one.
 * A file drain now commits at its files' boundaries: what that means for the commit, the
 * backlog, files closed without a write, and --exit in a group of two.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openProducer} from '../../src/client/producer.js';
import {drainGroup, type DrainSummary} from '../../src/drain/group-drain.js';
import type {DrainStatus} from '../../src/drain/status.js';
import {DeadLetterQueue} from '../../src/sinks/dead-letter.js';
import {FileRollSink, type FileRollOptions} from '../../src/sinks/file-roll-sink.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {collect, kcollect, spawnCli} from '../helpers/cli.js';
import {until} from '../helpers/poll.js';

const TOPIC = 'rolled';

/** Every line of every file under `dir` (in-use ones too), with the files' names. */
function linesIn(dir: string): {names: string[]; lines: string[]} {
  const names = fs.readdirSync(dir).sort();
  return {names, lines: names.flatMap((n) => fs.readFileSync(path.join(dir, n), 'utf8').split('\n').filter((l) => l !== ''))};
}

function lineCount(file: string): number {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').length - 1 : 0;
}

describe('file drain killed while its commit lagged behind a roll', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  const records = (from: number, to: number) => Array.from({length: to - from}, (_, i) => `rec-${from + i}`);

  async function produce(values: string[], topic = TOPIC): Promise<void> {
    const producer = await openProducer(topic, {brokers: [env.bootstrap], acks: 'all'});
    await producer.send(values.map((v) => ({key: null, value: Buffer.from(v)})));
    await producer.flush();
    await producer.close();
  }

  beforeAll(async () => {
    env = await startBroker({numPartitions: 1});
    await env.broker.createTopic(TOPIC, 1, {});
    await env.broker.createTopic('timed', 1, {});
    await produce(records(0, 300), 'timed');
  });
  afterAll(async () => {
    await env.broker.close();
  });

  const committed = (group: string) => env.broker.groups.fetchOffsets(group, null).offsets.find((o) => o.partition === 0)?.offset ?? -1;

  /**
   * From here on the group keeps none of its commits (each is answered as if kept): what a kill
   * leaves when it comes after a write and before that write's commit reached the group,
   * stretched so that the test can kill in it. Returns the undo.
   */
  function dropCommits(group: string): () => void {
    const groups = env.broker.groups;
    const commitOffsets = groups.commitOffsets;
    groups.commitOffsets = (req) => (req.groupId === group ? req.offsets.map((o) => ({topic: o.topic, partition: o.partition, errorCode: 0})) : commitOffsets.call(groups, req));
    return () => {
      groups.commitOffsets = commitOffsets;
    };
  }

  it('the next drain writes every record once, into the same files', async () => {
    const group = 'roll-lag';
    const dir = tempDir('roll-lag');
    const roll = ['--roll-count', '1000', '--idle-timeout', '0'];
    const file = (first: number, inUse = false) => path.join(dir, `${TOPIC}-0-${String(first).padStart(20, '0')}.log${inUse ? '.tmp' : ''}`);
    await produce(records(0, 1500));
    const drain = spawnCli(['consume', TOPIC, '-g', group, '--to', 'file', '--out-dir', dir, ...roll, '--batch-size', '300', '-b', env.bootstrap, '-X', 'session.timeout.ms=6000']);
    const done = collect(drain);
    try {
      // 0-999 rolled (closed on the write that reached 1000), 1000-1499 in use; the group's
      // commit settled, wherever the drain puts it.
      await until(async () => {
        if (!fs.existsSync(file(0)) || lineCount(file(1000, true)) !== 500) return false;
        const before = committed(group);
        await new Promise((r) => setTimeout(r, 1000));
        return before >= 0 && committed(group) === before;
      }, 'the drain to write 1,500 records and commit');
      const undo = dropCommits(group);
      try {
        // 1000-1999 roll on the write that reaches 2000; none of the commits after it arrive.
        await produce(records(1500, 2500));
        await until(() => fs.existsSync(file(1000)) && lineCount(file(2000, true)) === 500, 'the drain to roll 1000-1999 and write 2000-2499');
      } finally {
        drain.kill('SIGKILL');
        expect((await done).signal).toBe('SIGKILL');
        undo();
      }
    } finally {
      drain.kill('SIGKILL');
    }

    const again = await kcollect(env.bootstrap, ['consume', TOPIC, '-g', group, '--to', 'file', '--out-dir', dir, ...roll, '--exit']);
    expect(again.code, again.stderr).toBe(0);
    const {names, lines} = linesIn(dir);
    expect(lines.length - new Set(lines).size).toBe(0);
    expect(lines.sort()).toEqual(records(0, 2500).sort());
    expect(names).toEqual([file(0), file(1000), file(2000)].map((f) => path.basename(f)));
    expect(committed(group)).toBe(2500);
  }, 90_000);

  it('a file closed by its roll interval before its commit arrived: the next drain writes it again as it was', async () => {
    const topic = 'stamped';
    const group = 'interval-lag';
    const dir = tempDir('interval-lag');
    const roll = ['--roll-interval', '3s', '--idle-timeout', '0'];
    const file = (first: number) => path.join(dir, `${topic}-0-${String(first).padStart(20, '0')}.log`);
    await env.broker.createTopic(topic, 1, {});
    await produce(records(0, 1000), topic);
    // None of the drain's commits arrive: the one after the roll is the one that matters.
    const undo = dropCommits(group);
    const drain = spawnCli(['consume', topic, '-g', group, '--to', 'file', '--out-dir', dir, ...roll, '--batch-size', '200', '-b', env.bootstrap, '-X', 'session.timeout.ms=6000']);
    const done = collect(drain);
    try {
      await until(() => lineCount(file(0)) === 1000, 'the drain to write 0-999 and close the file 3 s after it opened it');
      await produce(records(1000, 1500), topic);
      await until(() => lineCount(`${file(1000)}.tmp`) === 500 || lineCount(file(1000)) === 500, 'the drain to write 1000-1499');
    } finally {
      drain.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
      undo();
    }

    // Starts again at 0, where the written files begin; in one go, the interval would not end 0-999.
    const again = await kcollect(env.bootstrap, ['consume', topic, '-g', group, '--to', 'file', '--out-dir', dir, ...roll, '--exit']);
    expect(again.code, again.stderr).toBe(0);
    const {names, lines} = linesIn(dir);
    expect(lines.length - new Set(lines).size).toBe(0);
    expect(lines.sort()).toEqual(records(0, 1500).sort());
    expect(names).toEqual([file(0), file(1000)].map((f) => path.basename(f)));
    expect(lineCount(file(0))).toBe(1000);
    expect(committed(group)).toBe(1500);
  }, 90_000);

  /** A file drain of the topic `timed` in this process, until `stop` is aborted. */
  function drainTimed(group: string, dir: string, roll: Partial<FileRollOptions>, statuses: DrainStatus[], stop: AbortController, {topic = 'timed', stopAtEnd = false} = {}): Promise<DrainSummary> {
    const sink = new FileRollSink({dir, ...roll});
    const deadLetters = new DeadLetterQueue([env.bootstrap], `${topic}.dlq`, sink.name);
    return drainGroup({brokers: [env.bootstrap], topic, groupId: group, sink, deadLetters, startAtBeginning: true, stopAtEnd, signal: stop.signal, onStatus: (st) => statuses.push(st), statusIntervalMs: 100}).finally(async () => {
      await sink.close();
      await deadLetters.close();
    });
  }

  it('commits up to the in-use file, reports no backlog once it is written, and commits the rest when it stops', async () => {
    const group = 'boundary';
    const dir = tempDir('boundary');
    const inUse = path.join(dir, 'timed-0-00000000000000000000.log.tmp');
    const statuses: DrainStatus[] = [];
    const stop = new AbortController();
    const draining = drainTimed(group, dir, {idleTimeoutMs: 0}, statuses, stop);
    try {
      await until(() => statuses.some((st) => st.written === 300 && st.backlog === 0), 'a status with 300 written and no backlog');
      expect(lineCount(inUse)).toBe(300);
      expect(committed(group)).toBe(0);
    } finally {
      stop.abort();
    }
    expect((await draining).partitions).toEqual([{partition: 0, nextOffset: 300, highWatermark: 300}]);
    expect(committed(group)).toBe(300);
    expect(linesIn(dir)).toEqual({names: ['timed-0-00000000000000000000.log'], lines: records(0, 300)});
  }, 60_000);

  it('commits a file closed by its roll interval, with no write after it', async () => {
    const group = 'interval';
    const dir = tempDir('interval');
    const stop = new AbortController();
    const draining = drainTimed(group, dir, {idleTimeoutMs: 0, rollIntervalMs: 1500}, [], stop);
    try {
      await until(() => committed(group) === 300, 'the group to commit 300');
      expect(linesIn(dir)).toEqual({names: ['timed-0-00000000000000000000.log'], lines: records(0, 300)});
    } finally {
      stop.abort();
      await draining;
    }
  }, 60_000);

  it('two members with --exit and files that never idle out: each closes its files at the end, and both stop', async () => {
    const topic = 'shared';
    await env.broker.createTopic(topic, 2, {});
    const producer = await openProducer(topic, {brokers: [env.bootstrap], acks: 'all'});
    await producer.send(records(0, 2000).map((v, i) => ({key: null, value: Buffer.from(v), partition: i % 2})));
    await producer.flush();
    await producer.close();
    /** A file sink taking its time, so that the first member still has work when the second joins. */
    class SlowFileSink extends FileRollSink {
      override async write(events: Parameters<FileRollSink['write']>[0]): Promise<void> {
        await new Promise((r) => setTimeout(r, 50));
        return super.write(events);
      }
    }
    const dirs = [tempDir('shared-a'), tempDir('shared-b')];
    const member = (dir: string) => {
      const sink = new SlowFileSink({dir, idleTimeoutMs: 0});
      const deadLetters = new DeadLetterQueue([env.bootstrap], `${topic}.dlq`, sink.name);
      const member = {sessionTimeoutMs: 6000, heartbeatIntervalMs: 300};
      return drainGroup({brokers: [env.bootstrap], topic, groupId: 'sharing', sink, deadLetters, startAtBeginning: true, batchSize: 50, stopAtEnd: true, member, signal: new AbortController().signal}).finally(async () => {
        await sink.close();
        await deadLetters.close();
      });
    };
    const first = member(dirs[0]);
    await until(() => fs.readdirSync(dirs[0]).length > 0, 'the first member to write');
    const summaries = await Promise.all([first, member(dirs[1])]);
    expect(summaries.map((s) => s.stoppedBy)).toEqual(['end', 'end']);
    expect(env.broker.groups.fetchOffsets('sharing', null).offsets.map((o) => o.offset)).toEqual([1000, 1000]);
    // The second member wrote a share of its own: the partitions were split between them.
    expect(fs.readdirSync(dirs[1]).length).toBeGreaterThan(0);
    const lines = dirs.flatMap((dir) => linesIn(dir).lines);
    expect(lines.length - new Set(lines).size).toBe(0);
    expect(lines.sort()).toEqual(records(0, 2000).sort());
  }, 60_000);
});
