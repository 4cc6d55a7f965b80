import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {spawnBroker, tempDir, type BrokerProcess} from '../helpers/broker.js';
import {until} from '../helpers/poll.js';
import {expectExactlyOnceOutput, fillInput, PY, TRANSFORM} from '../helpers/python-transform.js';
import {hasPythonModule, requireTool} from '../helpers/system-deps.js';

const haveConfluent = requireTool('python3-confluent-kafka', hasPythonModule('confluent_kafka'));

const INPUTS = 3000;

describe.skipIf(!haveConfluent)('exactly once: a consume-transform-produce loop killed with SIGKILL mid-transaction', () => {
  let dir: string;
  let broker: BrokerProcess;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = tempDir('txn-kill');
    fs.writeFileSync(path.join(dir, 'server.properties'), 'transaction.state.log.num.partitions=3\noffsets.topic.num.partitions=3\ngroup.initial.rebalance.delay.ms=0\n');
    broker = await spawnBroker(path.join(dir, 'data'), {extraArgs: ['--config', path.join(dir, 'server.properties')]});
    await fillInput(broker.bootstrap, 'ctp-in', INPUTS);
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
    expect(await new Promise<number | null>((r) => last.once('exit', r))).toBe(0);
    await expectExactlyOnceOutput(broker.bootstrap, 'ctp-out', INPUTS);
  }, 240_000);
});
