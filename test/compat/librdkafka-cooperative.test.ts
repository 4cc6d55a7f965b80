/**
 * A kcollect group drain and a librdkafka consumer (confluent-kafka, partition.assignment.strategy
 * cooperative-sticky) in one group: the group stays cooperative-sticky; when the librdkafka
 * consumer joins, the drain revokes only the partitions that move to it and keeps reading the
 * others; when it leaves, the drain takes them back; every record is read.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RebalanceChange} from '../../src/client/group-reading.js';
import {drainGroup} from '../../src/drain/group-drain.js';
import {DeadLetterQueue} from '../../src/sinks/dead-letter.js';
import {startBroker} from '../helpers/broker.js';
import {numberedValues, produceNumbered, recordingSink} from '../helpers/numbered-records.js';
import {until} from '../helpers/poll.js';
import {hasPythonModule, requireTool} from '../helpers/system-deps.js';

const runConfluent = requireTool('python3-confluent-kafka', hasPythonModule('confluent_kafka'));
const TOPIC = 'coop-mixed';
const GROUP = 'coop-mixed-group';

const CONSUMER = `
import signal, sys
from confluent_kafka import Consumer
boot, topic, group = sys.argv[1:4]
c = Consumer({'bootstrap.servers': boot, 'group.id': group, 'partition.assignment.strategy': 'cooperative-sticky',
              'auto.offset.reset': 'earliest', 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 500, 'auto.commit.interval.ms': 100})
show = lambda kind: lambda consumer, parts: print(kind, ','.join(str(p.partition) for p in parts), flush=True)
c.subscribe([topic], on_assign=show('assigned'), on_revoke=show('revoked'))
running = [True]
signal.signal(signal.SIGTERM, lambda *a: running.__setitem__(0, False))
while running[0]:
    m = c.poll(0.2)
    if m is not None and not m.error():
        print('msg', m.value().decode(), flush=True)
c.close()
print('closed', flush=True)
`;

/** The python consumer's output lines, as they come. */
function spawnConsumer(bootstrap: string, group: string): {proc: ChildProcess; lines: string[]} {
  const lines: string[] = [];
  const proc = spawn('/usr/bin/python3', ['-c', CONSUMER, bootstrap, TOPIC, group], {stdio: ['ignore', 'pipe', 'inherit']});
  let rest = '';
  proc.stdout!.on('data', (d) => {
    const parts = (rest + d).split('\n');
    rest = parts.pop()!;
    lines.push(...parts);
  });
  return {proc, lines};
}

const partitionsSaid = (lines: string[], kind: 'assigned' | 'revoked') => lines.filter((l) => l.startsWith(`${kind} `)).flatMap((l) => l.slice(kind.length + 1).split(',').filter(Boolean).map(Number));

describe.runIf(runConfluent)('a group of a kcollect drain and a librdkafka consumer, both cooperative-sticky', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  const pythons: ChildProcess[] = [];
  beforeAll(async () => {
    env = await startBroker({numPartitions: 6});
    await env.broker.createTopic(TOPIC, 6, {});
  });
  afterAll(async () => {
    for (const p of pythons) p.kill('SIGKILL');
    await env.broker.close();
  });

  it('moves only the partitions the librdkafka consumer takes, and gives them back when it leaves', async () => {
    await produceNumbered(env.bootstrap, TOPIC, 0, 6000);
    const {sink, seen, fast} = recordingSink(50);
    const changes: RebalanceChange[] = [];
    const stop = new AbortController();
    const deadLetters = new DeadLetterQueue([env.bootstrap], `${TOPIC}.dlq`, sink.name);
    const draining = drainGroup({brokers: [env.bootstrap], topic: TOPIC, groupId: GROUP, sink, deadLetters, startAtBeginning: true, batchSize: 50, stopAtEnd: false, signal: stop.signal, member: {sessionTimeoutMs: 6000, heartbeatIntervalMs: 500}, onRebalance: (c) => changes.push(c)});
    await until(() => changes.at(-1)?.assigned.length === 6 && seen.size > 0, 'the drain alone reads all six partitions');

    const {proc: python, lines} = spawnConsumer(env.bootstrap, GROUP);
    pythons.push(python);
    const assignedToPython = () => partitionsSaid(lines, 'assigned');
    await until(() => assignedToPython().length === 3 && changes.at(-1)?.assigned.length === 3, 'the librdkafka consumer takes three partitions');
    const g = env.broker.groups.describeGroup(GROUP);
    expect(g.protocol).toBe('cooperative-sticky');
    const moved = assignedToPython().sort();
    const kept = changes.at(-1)!.assigned;
    expect([...kept, ...moved].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    // The drain revoked exactly what moved, and was never handed again what it kept.
    expect(changes.flatMap((c) => c.revoked).sort()).toEqual(moved);
    expect(changes.slice(1).flatMap((c) => c.added)).toEqual([]);
    fast();

    const byPython = () => new Set(lines.filter((l) => l.startsWith('msg ')).map((l) => l.slice(4)));
    await until(() => {
      const other = byPython();
      return numberedValues(0, 6000).every((v) => seen.has(v) || other.has(v));
    }, 'every record read by one of them');

    const seenChanges = changes.length;
    python.kill('SIGTERM');
    await until(() => lines.includes('closed'), 'the librdkafka consumer leaves');
    await until(() => changes.at(-1)?.assigned.length === 6, 'the drain reads all six again');
    expect(changes.slice(seenChanges).flatMap((c) => c.revoked)).toEqual([]);
    stop.abort();
    await draining;
    await deadLetters.close();
  }, 120_000);

  it('joins a group led by the librdkafka consumer, which hands over half of its partitions incrementally', async () => {
    const group = 'rdkafka-led';
    const {proc: python, lines} = spawnConsumer(env.bootstrap, group);
    pythons.push(python);
    await until(() => partitionsSaid(lines, 'assigned').length === 6, 'the librdkafka consumer alone owns all six');
    const changes: RebalanceChange[] = [];
    const {sink, seen} = recordingSink();
    const stop = new AbortController();
    const deadLetters = new DeadLetterQueue([env.bootstrap], `${TOPIC}.dlq`, sink.name);
    const draining = drainGroup({brokers: [env.bootstrap], topic: TOPIC, groupId: group, sink, deadLetters, startAtBeginning: true, batchSize: 50, stopAtEnd: false, signal: stop.signal, member: {sessionTimeoutMs: 6000, heartbeatIntervalMs: 500}, onRebalance: (c) => changes.push(c)});
    try {
      await until(() => changes.at(-1)?.assigned.length === 3, 'the drain gets three partitions');
      expect(env.broker.groups.describeGroup(group).protocol).toBe('cooperative-sticky');
      // librdkafka revoked only what moved (an eager rebalance revokes all six).
      expect(partitionsSaid(lines, 'revoked').sort()).toEqual(changes.at(-1)!.assigned);
      const byPython = () => new Set(lines.filter((l) => l.startsWith('msg ')).map((l) => l.slice(4)));
      await until(() => {
        const other = byPython();
        return numberedValues(0, 6000).every((v) => seen.has(v) || other.has(v));
      }, 'every record read by one of them');
    } finally {
      stop.abort();
      await draining;
      await deadLetters.close();
      python.kill('SIGTERM');
    }
  }, 120_000);
});
