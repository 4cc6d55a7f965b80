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
 * transactional id's __transaction_state partition) is SIGKILLed while the loop runs, then the
 * leader of the output partition. The coordinator's partition moves to another broker, which
 * loads the state and finishes what was decided: no committed transaction is lost, no aborted
 * one shows.
 */
describe.runIf(haveZk && haveConfluent)('exactly once across SIGKILLs of the transaction coordinator and of a partition leader', () => {
  const cwd = tempDir('txn-coordinator-kill');
  const children: ChildProcess[] = [];
  const cli = (args: string[]) => runCli(args, {cwd, timeoutMs: 120_000});
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await cli(['cluster', 'down', '--purge']);
  });

  it('the transaction moves with its coordinator, the output partition with its leader; every input appears once in the read_committed output', async () => {
    const up = await runCliJson(['cluster', 'up', await writeTopology(cwd, 'multi-broker-single-node'), '--detach'], {cwd, timeoutMs: 120_000});
    const kafka = new Kafka({clientId: 'txn-kill', brokers: up.brokers.split(','), logLevel: logLevel.NOTHING});
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({topics: [{topic: 'ctp-in', numPartitions: 1, replicationFactor: 3}, {topic: 'ctp-out', numPartitions: 1, replicationFactor: 3, configEntries: [{name: 'min.insync.replicas', value: '2'}]}], waitForLeaders: true});
    await admin.disconnect();
    await fillInput(up.brokers, 'ctp-in', INPUTS);

    const progress = path.join(cwd, 'progress');
    const loopLog = path.join(cwd, 'loop.log');
    const committed = () => (fs.existsSync(progress) ? fs.readFileSync(progress, 'utf8').trim().split('\n').filter(Boolean).length : 0);
    // A wait that times out says how far the loop got and what librdkafka told it.
    const waitFor = (check: () => boolean, what: string) =>
      until(check, what, 90_000).catch((err: Error) => {
        const records = fs.existsSync(progress) ? fs.readFileSync(progress, 'utf8').split('\n').reduce((n, l) => n + Number(l || 0), 0) : 0;
        const said = fs.existsSync(loopLog) ? fs.readFileSync(loopLog, 'utf8').split('\n').slice(-30).join('\n') : '';
        throw new Error(`${err.message}: ${committed()} transactions of ${records}/${INPUTS} records committed; the loop's stderr:\n${said}`);
      });
    // The loop is restarted if librdkafka gives up (a fatal error); exactly once must hold either way.
    const runLoop = async (): Promise<number | null> => {
      for (let attempt = 0; ; attempt++) {
        const stderr = fs.openSync(loopLog, 'a');
        const child = spawn(PY, ['-c', TRANSFORM, up.brokers, 'ctp-in', 'ctp-out', progress, '20', '0.15'], {stdio: ['ignore', 'ignore', stderr]});
        fs.closeSync(stderr);
        children.push(child);
        const code = await new Promise<number | null>((r) => child.once('exit', r));
        if (code === 0 || attempt >= 3) return code;
      }
    };
    const loop = runLoop();
    await waitFor(() => committed() >= 4, 'four committed transactions');
    const coordinator = (await runCliJson(['transactions', 'describe', 'transform-1', '-b', up.brokers], {cwd})).coordinator;
    expect((await cli(['cluster', 'kill', String(coordinator)])).code).toBe(0);
    const after = committed();
    await waitFor(() => committed() > after + 2, 'transactions committed after the kill');
    const moved = (await runCliJson(['transactions', 'describe', 'transform-1', '-b', up.brokers], {cwd})).coordinator;
    expect(moved).not.toBe(coordinator);

    // Then the leader of the output partition, mid-transaction too (it comes back first: two of three must live).
    expect((await cli(['cluster', 'restart', String(coordinator)])).code).toBe(0);
    const admin2 = kafka.admin();
    await admin2.connect();
    const outLeader = (await admin2.fetchTopicMetadata({topics: ['ctp-out']})).topics[0].partitions[0].leader;
    await admin2.disconnect();
    const beforeLeaderKill = committed();
    await waitFor(() => committed() > beforeLeaderKill + 1, 'transactions committed before the leader kill');
    expect((await cli(['cluster', 'kill', String(outLeader)])).code).toBe(0);
    const afterLeaderKill = committed();
    await waitFor(() => committed() > afterLeaderKill + 2, 'transactions committed after the leader kill');

    expect(await loop).toBe(0);
    await expectExactlyOnceOutput(up.brokers, 'ctp-out', INPUTS);
  }, 300_000);
});
