import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import kafkajs from 'kafkajs';
import {afterAll, describe, expect, it} from 'vitest';
import {zookeeperInstalled} from '../../src/zk/server/index.js';
import {tempDir} from '../helpers/broker.js';
import {runCli, runCliJson} from '../helpers/cli.js';
import {until} from '../helpers/poll.js';
import {expectExactlyOnceOutput, fillInput, PY, TRANSFORM} from '../helpers/python-transform.js';
import {hasPythonModule, requireTool} from '../helpers/system-deps.js';
import {writeTopology} from '../helpers/topology.js';

const {Kafka, logLevel} = kafkajs;
const haveZk = requireTool('zookeeper', zookeeperInstalled());
const haveConfluent = requireTool('python3-confluent-kafka', hasPythonModule('confluent_kafka'));

const INPUTS = 2000;

/**
 * Three brokers, every topic with three replicas: the transaction coordinator (the leader of the
 * transactional id's __transaction_state partition) is SIGKILLed while the loop runs. Its
 * partition moves to another broker, which loads the state and finishes what was decided: no
 * committed transaction is lost, no aborted one shows.
 */
describe.runIf(haveZk && haveConfluent)('exactly once across a SIGKILL of the transaction coordinator', () => {
  const cwd = tempDir('txn-coordinator-kill');
  const children: ChildProcess[] = [];
  const cli = (args: string[]) => runCli(args, {cwd, timeoutMs: 120_000});
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await cli(['cluster', 'down', '--purge']);
  });

  it('the transaction moves with its coordinator; every input appears once in the read_committed output', async () => {
    const up = await runCliJson(['cluster', 'up', await writeTopology(cwd, 'multi-broker-single-node'), '--detach'], {cwd, timeoutMs: 120_000});
    const kafka = new Kafka({clientId: 'txn-kill', brokers: up.brokers.split(','), logLevel: logLevel.NOTHING});
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'ctp-in', numPartitions: 1, replicationFactor: 3}, {topic: 'ctp-out', numPartitions: 1, replicationFactor: 3, configEntries: [{name: 'min.insync.replicas', value: '2'}]}], waitForLeaders: true});
    await admin.disconnect();
    await fillInput(up.brokers, 'ctp-in', INPUTS);

    const progress = path.join(cwd, 'progress');
    const committed = () => (fs.existsSync(progress) ? fs.readFileSync(progress, 'utf8').trim().split('\n').filter(Boolean).length : 0);
    // The loop is restarted if librdkafka gives up (a fatal error); exactly once must hold either way.
    const runLoop = async (): Promise<number | null> => {
      for (let attempt = 0; ; attempt++) {
        const child = spawn(PY, ['-c', TRANSFORM, up.brokers, 'ctp-in', 'ctp-out', progress], {stdio: ['ignore', 'ignore', 'ignore']});
        children.push(child);
        const code = await new Promise<number | null>((r) => child.once('exit', r));
        if (code === 0 || attempt >= 3) return code;
      }
    };
    const loop = runLoop();
    await until(() => committed() >= 4, 'four committed transactions', 90_000);
    const coordinator = (await runCliJson(['transactions', 'describe', 'transform-1', '-b', up.brokers], {cwd})).coordinator;
    expect((await cli(['cluster', 'kill', String(coordinator)])).code).toBe(0);
    const after = committed();
    await until(() => committed() > after + 2, 'transactions committed after the kill', 90_000);
    const moved = (await runCliJson(['transactions', 'describe', 'transform-1', '-b', up.brokers], {cwd})).coordinator;
    expect(moved).not.toBe(coordinator);

    expect(await loop).toBe(0);
    await expectExactlyOnceOutput(up.brokers, 'ctp-out', INPUTS);
  }, 300_000);
});
