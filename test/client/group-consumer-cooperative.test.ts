/**
 * `consume -g` (to stdout) on kcollect's group member: a second consumer joining takes half the
 * partitions incrementally; the first goes on printing the others and nothing is printed twice.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {consumeAsGroupMember} from '../../src/client/group-consumer.js';
import {decodeAssignment} from '../../src/client/groups.js';
import {startBroker} from '../helpers/broker.js';
import {produceNumbered} from '../helpers/numbered-records.js';
import {until} from '../helpers/poll.js';

const TOPIC = 'printed';
const GROUP = 'printers';

describe('consume -g members rebalancing cooperatively', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  beforeAll(async () => {
    env = await startBroker({numPartitions: 6});
    await env.broker.createTopic(TOPIC, 6, {});
  });
  afterAll(async () => {
    await env.broker.close();
  });

  const produce = (from: number, to: number) => produceNumbered(env.bootstrap, TOPIC, from, to);

  it('prints every record once across the two, the first keeping its partitions while the second joins', async () => {
    await produce(0, 3000);
    const printed: Array<{member: number; partition: number; value: string}> = [];
    const member = (n: number, stop: AbortController) =>
      consumeAsGroupMember({brokers: [env.bootstrap], topic: TOPIC, groupId: GROUP, startAtBeginning: true, stopAtEnd: false, signal: stop.signal, member: {sessionTimeoutMs: 6000, heartbeatIntervalMs: 500}}, async (records) => {
        for (const r of records) printed.push({member: n, partition: r.partition, value: r.value!.toString()});
        // A slow reader: the first one still has records in hand when the second one joins.
        await new Promise((r) => setTimeout(r, 20));
        return true;
      });
    const [stop1, stop2] = [new AbortController(), new AbortController()];
    const one = member(1, stop1);
    await until(() => printed.length > 0, 'the first consumer prints');
    const two = member(2, stop2);
    const assignment = () => {
      const g = env.broker.groups.describeGroup(GROUP);
      return g.state === 'Stable' ? g.members.map((m) => decodeAssignment(m.assignment).flatMap((t) => t.partitions)) : [];
    };
    await until(() => assignment().length === 2 && assignment().every((ps) => ps.length === 3), 'the two share the partitions');
    expect(env.broker.groups.describeGroup(GROUP).protocol).toBe('cooperative-sticky');
    await produce(3000, 6000);
    await until(() => new Set(printed.map((p) => p.value)).size === 6000, 'every record printed', 90_000);
    stop1.abort();
    stop2.abort();
    await Promise.all([one, two]);

    const counts = new Map<string, number>();
    for (const p of printed) counts.set(p.value, (counts.get(p.value) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    expect(printed.some((p) => p.member === 2)).toBe(true);
  }, 120_000);
});
