import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {spawnBroker, tempDir, type BrokerProcess} from '../helpers/broker.js';
import {until} from '../helpers/poll.js';
import {runOk} from '../helpers/run.js';
import {hasPythonModule, requireTool} from '../helpers/system-deps.js';

const PY = '/usr/bin/python3';
const haveConfluent = requireTool('python3-confluent-kafka', hasPythonModule('confluent_kafka'));

const INPUTS = 3000;

/** Writes in-0 .. in-(n-1) to the input topic. */
const FILL = `
import sys
from confluent_kafka import Producer
boot, topic, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
p = Producer({'bootstrap.servers': boot, 'enable.idempotence': True, 'linger.ms': 5})
for i in range(n): p.produce(topic, value=b'in-%d' % i)
assert p.flush(60) == 0
`;

/**
 * Consume-transform-produce, exactly once: read a batch (read_committed, no auto commit), write
 * its transformed records and the consumer's positions in one transaction, commit. Appends a line
 * to the progress file after each commit; exits once the input has been idle for a while.
 */
const TRANSFORM = `
import sys, time
from confluent_kafka import Producer, Consumer
boot, src, dst, progress = sys.argv[1:5]
c = Consumer({'bootstrap.servers': boot, 'group.id': 'transform', 'auto.offset.reset': 'earliest', 'enable.auto.commit': False,
              'isolation.level': 'read_committed', 'session.timeout.ms': 6000})
c.subscribe([src])
p = Producer({'bootstrap.servers': boot, 'transactional.id': 'transform-1'})
p.init_transactions(60)
idle = 0
while idle < 8:
    msgs = [m for m in c.consume(100, 1) if not m.error()]
    if not msgs:
        idle += 1
        continue
    idle = 0
    p.begin_transaction()
    for m in msgs: p.produce(dst, value=m.value().replace(b'in-', b'out-'))
    p.flush(60)
    time.sleep(0.05)  # most of the time is spent inside a transaction: that is where the kill lands
    p.send_offsets_to_transaction(c.position(c.assignment()), c.consumer_group_metadata(), 60)
    p.commit_transaction(60)
    with open(progress, 'a') as f: f.write('%d\\n' % len(msgs))
c.close()
`;

const READ_COMMITTED = `
import json, sys
from confluent_kafka import Consumer, TopicPartition
boot, topic = sys.argv[1:3]
c = Consumer({'bootstrap.servers': boot, 'group.id': 'check', 'isolation.level': 'read_committed', 'enable.partition.eof': True, 'enable.auto.commit': False})
c.assign([TopicPartition(topic, 0, 0)])
out = []
while True:
    m = c.poll(10)
    if m is None or m.error(): break
    out.append(m.value().decode())
c.close()
print(json.dumps(out))
`;

describe.skipIf(!haveConfluent)('exactly once: a consume-transform-produce loop killed with SIGKILL mid-transaction', () => {
  let dir: string;
  let broker: BrokerProcess;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = tempDir('txn-kill');
    fs.writeFileSync(path.join(dir, 'server.properties'), 'transaction.state.log.num.partitions=3\noffsets.topic.num.partitions=3\ngroup.initial.rebalance.delay.ms=0\n');
    broker = await spawnBroker(path.join(dir, 'data'), {extraArgs: ['--config', path.join(dir, 'server.properties')]});
    await runOk(PY, ['-c', FILL, broker.bootstrap, 'ctp-in', String(INPUTS)], {timeoutMs: 60_000});
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    broker?.proc.kill('SIGKILL');
    await broker?.exited;
  });

  const progressFile = () => path.join(dir, 'progress');
  const committedBatches = () => (fs.existsSync(progressFile()) ? fs.readFileSync(progressFile(), 'utf8').trim().split('\n').filter(Boolean).length : 0);
  const startTransform = () => {
    const child = spawn(PY, ['-c', TRANSFORM, broker.bootstrap, 'ctp-in', 'ctp-out', progressFile()], {stdio: ['ignore', 'ignore', 'pipe']});
    children.push(child);
    return child;
  };

  it('every input appears exactly once in the read_committed output', async () => {
    // Two kills, each after a few committed transactions, then a run to the end.
    for (const after of [3, 8]) {
      const child = startTransform();
      await until(() => committedBatches() >= after, `${after} committed transactions`, 60_000);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    const last = startTransform();
    const code = await new Promise<number | null>((r) => last.once('exit', r));
    expect(code).toBe(0);

    const out: string[] = JSON.parse(await runOk(PY, ['-c', READ_COMMITTED, broker.bootstrap, 'ctp-out'], {timeoutMs: 60_000}));
    const counts = new Map<string, number>();
    for (const v of out) counts.set(v, (counts.get(v) ?? 0) + 1);
    const missing = Array.from({length: INPUTS}, (_, i) => `out-${i}`).filter((v) => !counts.has(v));
    const doubled = [...counts].filter(([, n]) => n > 1).map(([v]) => v);
    expect({missing: missing.length, doubled: doubled.length, total: out.length}).toEqual({missing: 0, doubled: 0, total: INPUTS});
  }, 240_000);
});
