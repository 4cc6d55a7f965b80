import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openProducer} from '../../src/client/producer.js';
import {decodeAssignment} from '../../src/client/groups.js';
import {drainGroup} from '../../src/drain/group-drain.js';
import type {Event} from '../../src/pipeline/event.js';
import type {Sink} from '../../src/pipeline/sink.js';
import {DeadLetterQueue} from '../../src/sinks/dead-letter.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {collect, spawnCli} from '../helpers/cli.js';
import {until} from '../helpers/poll.js';

const TOPIC = 'rebalance-topic';
const GROUP = 'two-members';
const RECORDS = 40_000;

interface Written {
  partition: number;
  offset: number;
  value: string;
  /** The group's committed offset of that partition when the sink was handed the record. */
  committedThen: number;
  afterKill: boolean;
}

describe('group drain: two members rebalancing, one killed -9', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;

  beforeAll(async () => {
    env = await startBroker({numPartitions: 4});
    await env.broker.createTopic(TOPIC, 4, {});
    const producer = await openProducer(TOPIC, {brokers: [env.bootstrap], acks: 'all'});
    for (let i = 0; i < RECORDS; i += 2000) {
      await producer.send(Array.from({length: 2000}, (_, j) => ({key: Buffer.from(`k${(i + j) % 97}`), value: Buffer.from(`rec-${i + j}`)})));
    }
    await producer.flush();
    await producer.close();
  });
  afterAll(async () => {
    await env.broker.close();
  });

  const committed = () => new Map(env.broker.groups.fetchOffsets(GROUP, null).offsets.map((o) => [o.partition, o.offset]));

  it('delivers every record, commits only what the sink confirmed, and the survivor re-reads the dead member from its last commit', async () => {
    const written: Written[] = [];
    let killed = false;
    /** Slow at first, so the second member joins while this one still has work; fast after the kill. */
    const sink: Sink = {
      name: 'memory',
      type: 'memory',
      async write(events: Event[]) {
        const c = committed();
        for (const e of events) written.push({partition: e.kafka!.partition, offset: e.kafka!.offset, value: e.body.toString(), committedThen: c.get(e.kafka!.partition) ?? -1, afterKill: killed});
        if (!killed) await new Promise((r) => setTimeout(r, 40));
      },
      async close() {},
    };
    const deadLetters = new DeadLetterQueue([env.bootstrap], 'rebalance-dead-letters');
    const stopA = new AbortController();
    const a = drainGroup({brokers: [env.bootstrap], topic: TOPIC, groupId: GROUP, sink, deadLetters, startAtBeginning: true, batchSize: 50, stopAtEnd: true, signal: stopA.signal});
    await until(() => written.length > 0, 'the first member writes');

    const outDir = tempDir('rebalance-b');
    const b = spawnCli(['consume', TOPIC, '--group', GROUP, '--to', 'file', '--out-dir', path.join(outDir, '%{partition}'), '--batch-size', '50'], {env: {KCOLLECT_BROKERS: env.bootstrap}});
    const bDone = collect(b);
    // The group settles with both members, and the second one commits some of its share.
    let bPartitions: number[] = [];
    let atJoin = new Map<number, number>();
    await until(() => {
      const g = env.broker.groups.describeGroup(GROUP);
      if (g.state !== 'Stable' || g.members.length !== 2) return false;
      atJoin = committed();
      const seen = written.length;
      bPartitions = [];
      return until(() => written.length > seen, 'the first member writes after the rebalance').then(() => {
        const mine = written.at(-1)!.partition;
        bPartitions = g.members.map((m) => decodeAssignment(m.assignment).flatMap((t) => t.partitions)).find((ps) => !ps.includes(mine)) ?? [];
        return bPartitions.length > 0;
      });
    }, 'the group settles with two members');
    await until(() => bPartitions.some((p) => (committed().get(p) ?? -1) > (atJoin.get(p) ?? -1)), 'the second member commits');
    b.kill('SIGKILL');
    expect((await bDone).signal).toBe('SIGKILL');
    const atKill = committed();
    killed = true;

    const summary = await a;
    expect(summary.stoppedBy).toBe('end');
    expect(written.filter((w) => w.committedThen > w.offset)).toEqual([]);

    const end = committed();
    for (let p = 0; p < 4; p++) expect(end.get(p), `partition ${p}`).toBe(summary.partitions.find((x) => x.partition === p)!.highWatermark);
    // The partitions of the dead member: read again from exactly where it had committed.
    for (const p of bPartitions) {
      const first = written.find((w) => w.afterKill && w.partition === p);
      if (atKill.get(p)! < end.get(p)!) expect(first?.offset, `partition ${p}`).toBe(atKill.get(p));
    }
    const values = new Set(written.map((w) => w.value));
    for (const entry of fs.readdirSync(outDir, {recursive: true, withFileTypes: true})) {
      if (entry.isFile()) for (const line of fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8').split('\n')) if (line) values.add(line);
    }
    const missing = Array.from({length: RECORDS}, (_, i) => `rec-${i}`).filter((v) => !values.has(v));
    expect(missing).toEqual([]);
  }, 150_000);
});
