/**
 * File drains of one group (cooperative-sticky) writing into one directory, on a topic written to
 * all along. When a second drain joins, the first keeps writing the partitions it keeps (their
 * files stay open, nothing is read again) and revokes only those that move; when the second
 * leaves, the first takes them back without revoking any; a third (a `consume --group` process)
 * joins and is killed -9, and the first takes its partitions over from their last commit. In the
 * end the files hold every record exactly once.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openProducer} from '../../src/client/producer.js';
import type {RebalanceChange} from '../../src/client/group-reading.js';
import {drainGroup, type DrainSummary} from '../../src/drain/group-drain.js';
import type {DrainStatus} from '../../src/drain/status.js';
import {DeadLetterQueue} from '../../src/sinks/dead-letter.js';
import {FileRollSink} from '../../src/sinks/file-roll-sink.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {collect, kcollectJson, spawnCli} from '../helpers/cli.js';
import {numberedValues} from '../helpers/numbered-records.js';
import {until} from '../helpers/poll.js';

const TOPIC = 'coop-topic';
const GROUP = 'coop-drains';
const PARTITIONS = 6;
const ALL = [0, 1, 2, 3, 4, 5];

/** Every line of every file in `dir` (in-use ones too). */
function linesIn(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).flatMap((n) => fs.readFileSync(path.join(dir, n), 'utf8').split('\n').filter((l) => l !== ''));
}

/** The files of `partition` in `dir` (closed and in use). */
function filesOf(dir: string, partition: number): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.startsWith(`${TOPIC}-${partition}-`)) : [];
}

describe('group drains rebalancing cooperatively (cooperative-sticky)', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;

  beforeAll(async () => {
    env = await startBroker({numPartitions: PARTITIONS});
    await env.broker.createTopic(TOPIC, PARTITIONS, {});
  });
  afterAll(async () => {
    await env.broker.close();
  });

  function drain(dir: string, changes: RebalanceChange[], stop: AbortController, statuses: DrainStatus[] = []): Promise<DrainSummary> {
    // Files close only when the drain stops writing a partition: a file closed by a rebalance shows.
    const sink = new FileRollSink({dir, idleTimeoutMs: 0, rollSize: 0});
    const deadLetters = new DeadLetterQueue([env.bootstrap], `${TOPIC}.dlq`, sink.name);
    return drainGroup({
      brokers: [env.bootstrap],
      topic: TOPIC,
      groupId: GROUP,
      sink,
      deadLetters,
      startAtBeginning: true,
      batchSize: 100,
      stopAtEnd: false,
      signal: stop.signal,
      onRebalance: (c) => changes.push(c),
      onStatus: (s) => statuses.push(s),
      statusIntervalMs: 200,
    }).finally(async () => {
      await sink.close();
      await deadLetters.close();
    });
  }

  it('keeps the partitions a member keeps, moves only the others, and writes every record once', async () => {
    const producer = await openProducer(TOPIC, {brokers: [env.bootstrap], acks: 'all'});
    let produced = 0;
    let producing = true;
    const writing = (async () => {
      while (producing) {
        await producer.send(Array.from({length: 60}, (_, i) => ({key: Buffer.from(`k${(produced + i) % 60}`), value: Buffer.from(`rec-${produced + i}`)})));
        await producer.flush();
        produced += 60;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    const dir = tempDir('coop');
    const [changes1, changes2] = [[] as RebalanceChange[], [] as RebalanceChange[]];
    const statuses1: DrainStatus[] = [];
    const [stop1, stop2] = [new AbortController(), new AbortController()];
    const one = drain(dir, changes1, stop1, statuses1);
    let two: Promise<DrainSummary> | undefined;
    try {
      await until(() => changes1.at(-1)?.assigned.length === PARTITIONS && linesIn(dir).length > 0, 'the first drain writes all six partitions');

      two = drain(dir, changes2, stop2);
      await until(() => changes2.at(-1)?.assigned.length === 3 && changes2.at(-1)!.assigned.every((p) => filesOf(dir, p).some((n) => n.endsWith('.tmp'))), 'the second drain writes its three partitions');
      const kept = changes1.at(-1)!.assigned;
      const moved = changes2.at(-1)!.assigned;
      expect(kept).toHaveLength(3);
      expect([...kept, ...moved].sort()).toEqual(ALL);
      // The first drain revoked exactly what moved, never what it kept...
      expect(changes1.flatMap((c) => c.revoked).sort()).toEqual(moved);
      expect(changes1.every((c) => c.protocol === 'cooperative-sticky')).toBe(true);
      // ... and kept reading the others: never handed them again (which a restarted reading would be).
      expect(changes1.slice(1).flatMap((c) => c.added)).toEqual([]);
      const described = await kcollectJson(env.bootstrap, ['group', 'describe', GROUP]);
      expect(described.protocol).toBe('cooperative-sticky');
      expect(described.members).toHaveLength(2);

      // Still writing what it kept, into the files it had open: nothing was closed, nothing read again.
      const before = linesIn(dir).length;
      await until(() => linesIn(dir).length > before + 600, 'the drains go on writing');
      for (const p of kept) expect(filesOf(dir, p), `partition ${p}`).toEqual([expect.stringMatching(/^coop-topic-\d-0+\.log\.tmp$/)]);

      // The second drain leaves: the first takes its partitions back, revoking none.
      let seen1 = changes1.length;
      stop2.abort();
      await two;
      await until(() => changes1.at(-1)?.assigned.length === PARTITIONS, 'the first drain owns all six again');
      expect(changes1.slice(seen1).flatMap((c) => c.revoked)).toEqual([]);
      expect(changes1.slice(seen1).flatMap((c) => c.added).sort()).toEqual(moved);
      for (const p of kept) expect(filesOf(dir, p), `partition ${p}`).toHaveLength(1);

      // A third member, a `consume --group` process, joins and is killed -9: its partitions come
      // back to the first drain from their last commit (its in-use files are written again).
      seen1 = changes1.length;
      const third = spawnCli(['consume', TOPIC, '--group', GROUP, '--to', 'file', '--out-dir', dir, '--batch-size', '100', '-X', 'session.timeout.ms=6000', '-X', 'heartbeat.interval.ms=500'], {env: {KCOLLECT_BROKERS: env.bootstrap}});
      const thirdDone = collect(third);
      await until(() => {
        const mine = changes1.at(-1)!.assigned;
        const theirs = ALL.filter((p) => !mine.includes(p));
        return mine.length === 3 && theirs.every((p) => filesOf(dir, p).some((n) => n.endsWith('.tmp')));
      }, 'the third member writes its three partitions');
      const movedToThird = ALL.filter((p) => !changes1.at(-1)!.assigned.includes(p));
      expect(changes1.slice(seen1).flatMap((c) => c.revoked).sort()).toEqual(movedToThird);
      third.kill('SIGKILL');
      expect((await thirdDone).signal).toBe('SIGKILL');
      seen1 = changes1.length;
      await until(() => changes1.at(-1)?.assigned.length === PARTITIONS, 'the first drain owns all six once the third one expired');
      expect(changes1.slice(seen1).flatMap((c) => c.revoked)).toEqual([]);
      expect(changes1.slice(seen1).flatMap((c) => c.added).sort()).toEqual(movedToThird);
      expect(changes1.every((c) => c.protocol === 'cooperative-sticky')).toBe(true);
    } finally {
      producing = false;
      await writing;
      await producer.close();
      stop2.abort();
      await two;
    }
    const total = produced;
    const stoppedProducing = Date.now();
    await until(() => statuses1.some((s) => Date.parse(s.time) > stoppedProducing && s.backlog === 0), 'the first drain wrote everything');
    stop1.abort();
    await one;

    const lines = linesIn(dir);
    const counts = new Map<string, number>();
    for (const l of lines) counts.set(l, (counts.get(l) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    expect(numberedValues(0, total).filter((v) => !counts.has(v))).toEqual([]);
    expect(lines).toHaveLength(total);
    const committed = env.broker.groups.fetchOffsets(GROUP, null).offsets;
    expect(committed.reduce((n, o) => n + o.offset, 0)).toBe(total);
  }, 150_000);
});
