import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startBroker} from '../helpers/broker.js';
import {runOk} from '../helpers/run.js';
import {hasCommand, hasPythonModule, requireTool} from '../helpers/system-deps.js';

const haveKcat = requireTool('kcat', hasCommand('kcat'), 'apt-get install -y kcat');
const haveKafkaPython = requireTool('python3-kafka', hasPythonModule('kafka'));

const KAFKA_PYTHON_GROUP = `
import json, sys
from kafka import KafkaConsumer
boot, topic, group, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
c = KafkaConsumer(topic, bootstrap_servers=boot, group_id=group, auto_offset_reset='earliest',
                  enable_auto_commit=False, consumer_timeout_ms=4000)
got = []
for m in c:
    got.append(m.value.decode())
    if len(got) == limit: break
c.commit()
c.close()
print(json.dumps(got))
`;

describe('consumer groups with kcat and kafka-python', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;

  beforeAll(async () => {
    env = await startBroker({numPartitions: 4});
  });
  afterAll(async () => {
    await env.broker.close();
  });

  it.runIf(haveKcat)('kcat -G reads everything as a balanced consumer and commits its position', async () => {
    const lines = Array.from({length: 400}, (_, i) => `line-${i}`);
    await runOk('kcat', ['-b', env.bootstrap, '-P', '-t', 'kg', '-K', ':'], {input: lines.map((l, i) => `k${i}:${l}`).join('\n') + '\n'});
    const out = await runOk('kcat', ['-b', env.bootstrap, '-G', 'kg-group', '-o', 'beginning', '-e', '-q', '-X', 'auto.commit.interval.ms=100', 'kg']);
    expect(out.trim().split('\n').sort()).toEqual([...lines].sort());
    // Its commits are there: a second run of the same group finds nothing new.
    const again = await runOk('kcat', ['-b', env.bootstrap, '-G', 'kg-group', '-e', '-q', 'kg']);
    expect(again).toBe('');
    const desc = env.broker.groups.describeGroup('kg-group');
    expect(desc.state).toBe('Empty');
    expect(env.broker.groups.fetchOffsets('kg-group', null).offsets.reduce((n, o) => n + o.offset, 0)).toBe(400);
  });

  it.runIf(haveKafkaPython)('kafka-python commits, stops, and resumes where it left off', async () => {
    await runOk('kcat', ['-b', env.bootstrap, '-P', '-t', 'py-group'], {input: Array.from({length: 100}, (_, i) => `r${i}`).join('\n') + '\n'});
    const py = (limit: number) => runOk('/usr/bin/python3', ['-c', KAFKA_PYTHON_GROUP, env.bootstrap, 'py-group', 'py', String(limit)]);
    const first: string[] = JSON.parse(await py(60));
    const second: string[] = JSON.parse(await py(1000));
    expect(first).toHaveLength(60);
    expect(second).toHaveLength(40);
    expect(new Set([...first, ...second])).toEqual(new Set(Array.from({length: 100}, (_, i) => `r${i}`)));
  });
});
