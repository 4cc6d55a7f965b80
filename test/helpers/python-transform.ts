import {expect} from 'vitest';
import {runOk} from './run.js';

/**
 * An exactly-once consume-transform-produce loop in confluent-kafka (librdkafka), and what the
 * fault tests need around it: filling its input and reading its read_committed output.
 */
// The Debian modules are only visible to /usr/bin/python3 (python3 on PATH may be a pyenv shim).
export const PY = '/usr/bin/python3';

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
 * Read a batch (read_committed, no auto commit; argv 5-6: batch size and the pause inside each
 * transaction), write its transformed records and the consumer's positions in one transaction,
 * commit; a line in the progress file after each commit. Exits 0 once it has read the whole input
 * and then stayed idle for a while (a minute of idling at most); an error librdkafka says needs an
 * abort is aborted and the batch re-read from the committed offsets; anything fatal exits non-zero
 * (the caller restarts it).
 */
export const TRANSFORM = `
import sys, time
from confluent_kafka import Producer, Consumer, KafkaException
boot, src, dst, progress = sys.argv[1:5]
batch, pause = (int(sys.argv[5]), float(sys.argv[6])) if len(sys.argv) > 6 else (100, 0.05)
c = Consumer({'bootstrap.servers': boot, 'group.id': 'transform', 'auto.offset.reset': 'earliest', 'enable.auto.commit': False,
              'isolation.level': 'read_committed', 'session.timeout.ms': 6000})
c.subscribe([src])
p = Producer({'bootstrap.servers': boot, 'transactional.id': 'transform-1'})
p.init_transactions(60)
def read_all():
    # Idle is not the end: a consumer waiting out a failover reads nothing for a while.
    parts = c.assignment()
    if not parts: return False
    try:
        return all(tp.offset >= c.get_watermark_offsets(tp, 5, False)[1] for tp in c.position(parts))
    except KafkaException:
        return False
idle = 0
while idle < 60 and not (idle >= 8 and read_all()):
    msgs = [m for m in c.consume(batch, 1) if not m.error()]
    if not msgs:
        idle += 1
        continue
    idle = 0
    try:
        p.begin_transaction()
        for m in msgs: p.produce(dst, value=m.value().replace(b'in-', b'out-'))
        p.flush(60)
        time.sleep(pause)  # most of the time is spent inside a transaction: that is where faults land
        p.send_offsets_to_transaction(c.position(c.assignment()), c.consumer_group_metadata(), 60)
        p.commit_transaction(60)
    except KafkaException as e:
        if not e.args[0].txn_requires_abort(): raise
        sys.stderr.write('aborting: %s\\n' % e)
        p.abort_transaction(60)
        for tp in c.committed(c.assignment(), 30): c.seek(tp)
        continue
    with open(progress, 'a') as f: f.write('%d\\n' % len(msgs))
c.close()
`;

/** Partition 0 of a topic from the start, at an isolation level, as JSON values. */
const READ = `
import json, sys
from confluent_kafka import Consumer, TopicPartition
boot, topic, iso = sys.argv[1:4]
c = Consumer({'bootstrap.servers': boot, 'group.id': 'check', 'isolation.level': iso, 'enable.partition.eof': True, 'enable.auto.commit': False})
c.assign([TopicPartition(topic, 0, 0)])
out = []
while True:
    m = c.poll(10)
    if m is None or m.error(): break
    out.append(m.value().decode())
c.close()
print(json.dumps(out))
`;

/** What confluent-kafka reads from partition 0 of `topic` at this isolation level. */
export async function readValues(bootstrap: string, topic: string, isolation: 'read_committed' | 'read_uncommitted' = 'read_committed'): Promise<string[]> {
  return JSON.parse(await runOk(PY, ['-c', READ, bootstrap, topic, isolation], {timeoutMs: 60_000}));
}

export async function fillInput(bootstrap: string, topic: string, n: number): Promise<void> {
  await runOk(PY, ['-c', FILL, bootstrap, topic, String(n)], {timeoutMs: 60_000});
}

/** Every out-i for i < n exactly once in partition 0 of `topic`, read read_committed. */
export async function expectExactlyOnceOutput(bootstrap: string, topic: string, n: number): Promise<void> {
  const out = await readValues(bootstrap, topic);
  const counts = new Map<string, number>();
  for (const v of out) counts.set(v, (counts.get(v) ?? 0) + 1);
  const missing = Array.from({length: n}, (_, i) => `out-${i}`).filter((v) => !counts.has(v));
  const doubled = [...counts].filter(([, c]) => c > 1).map(([v]) => v);
  expect({missing: missing.slice(0, 5), doubled: doubled.slice(0, 5), total: out.length}).toEqual({missing: [], doubled: [], total: n});
}
