import {spawn, type ChildProcess} from 'node:child_process';
import path from 'node:path';
import kafkajs from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ROOT, startBroker} from '../helpers/broker.js';

const {Kafka, logLevel} = kafkajs;
const N = 3000;

interface Member {
  name: string;
  proc: ChildProcess;
  lines: string[];
}

function startMember(bootstrap: string, name: string): Member {
  const proc = spawn(process.execPath, [path.join(ROOT, 'test/fixtures/group-member.mjs'), bootstrap, 'orders', 'billing', name], {stdio: ['ignore', 'pipe', 'inherit']});
  const member = {name, proc, lines: [] as string[]};
  let rest = '';
  proc.stdout!.on('data', (d) => {
    const parts = (rest + d).split('\n');
    rest = parts.pop()!;
    member.lines.push(...parts);
  });
  return member;
}

const committed = (m: Member) => m.lines.filter((l) => l.startsWith('committed ')).map((l) => l.split(' ').slice(1));

async function until(what: string, cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('kafkajs consumer group of 3 against the broker', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  const members: Member[] = [];

  beforeAll(async () => {
    env = await startBroker();
  });
  afterAll(async () => {
    for (const m of members) m.proc.kill('SIGKILL');
    await env.broker.close();
  });

  it('processes every message exactly once across the group, one member joining late and one killed', async () => {
    const kafka = new Kafka({clientId: 'setup', brokers: [env.bootstrap], logLevel: logLevel.NOTHING});
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'orders', numPartitions: 6}]});
    const producer = kafka.producer();
    await producer.connect();
    let produced = 0;
    const produce = async (count: number) => {
      const messages = Array.from({length: count}, () => ({key: `k${produced % 60}`, value: `m${produced++}`}));
      await producer.send({topic: 'orders', messages});
    };

    const a = startMember(env.bootstrap, 'a');
    const b = startMember(env.bootstrap, 'b');
    members.push(a, b);
    await until('a and b to share the partitions', () => [a, b].every((m) => m.lines.some((l) => l.startsWith('joined ') && /"orders":\[\d/.test(l))));
    await produce(1000);
    await until('a and b to commit some', () => committed(a).length > 0 && committed(b).length > 0);

    const c = startMember(env.bootstrap, 'c');
    members.push(c);
    // Produce once c holds partitions, so the late joiner has work of its own.
    await until('c to join with partitions', () => c.lines.some((l) => l.startsWith('joined ') && /"orders":\[\d/.test(l)));
    await produce(1000);
    await until('c to commit some', () => committed(c).length > 0);

    b.proc.kill('SIGKILL');
    await produce(N - 2000);

    const total = () => [a, b, c].reduce((n, m) => n + committed(m).length, 0);
    // b may have died between its commit and printing it: at most one record nobody reports.
    await until('every message to be committed', () => total() >= N - 1, 90_000);
    const ends = await admin.fetchTopicOffsets('orders');
    const caughtUp = async () => {
      const [{partitions}] = await admin.fetchOffsets({groupId: 'billing', topics: ['orders']});
      return partitions.every((p) => p.offset === ends.find((e) => e.partition === p.partition)!.high);
    };
    for (let i = 0; !(await caughtUp()); i++) {
      expect(i).toBeLessThan(600);
      await new Promise((r) => setTimeout(r, 50));
    }

    const byValue = new Map<string, string[]>();
    for (const m of [a, b, c]) for (const [, , value] of committed(m)) byValue.set(value, [...(byValue.get(value) ?? []), m.name]);
    const duplicates = [...byValue].filter(([, who]) => who.length > 1);
    expect(duplicates).toEqual([]);
    // Whatever nobody reported was b's last in-flight record, processed and committed as it died.
    const unreported = Array.from({length: N}, (_, i) => `m${i}`).filter((v) => !byValue.has(v));
    const bInFlight = new Set(b.lines.filter((l) => l.startsWith('processing ')).map((l) => l.split(' ')[3]));
    for (const v of unreported) expect(bInFlight.has(v)).toBe(true);
    expect(unreported.length).toBeLessThanOrEqual(1);
    // The late member really took part, and the survivors took over b's partitions.
    expect(committed(c).length).toBeGreaterThan(0);
    await producer.disconnect();
    await admin.disconnect();
  }, 150_000);
});
