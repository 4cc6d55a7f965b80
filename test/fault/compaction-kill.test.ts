import kafkajs from 'kafkajs';
import {afterAll, describe, expect, it} from 'vitest';
import {type BrokerProcess, spawnBroker, tempDir} from '../helpers/broker.js';
import {until} from '../helpers/poll.js';
import {runOk} from '../helpers/run.js';
import {hasCommand, requireTool} from '../helpers/system-deps.js';

const {Kafka, logLevel} = kafkajs;
const haveKcat = requireTool('kcat', hasCommand('kcat'));
const KEYS = 100;
const RECORDS = 6000;
const FILLERS = 1000;

async function rows(bootstrap: string): Promise<Array<{offset: number; key: string; value: string}>> {
  const out = await runOk('kcat', ['-b', bootstrap, '-C', '-t', 'cars', '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o %k %s\n']);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [offset, key, value] = line.split(' ');
      return {offset: Number(offset), key, value};
    });
}

describe.runIf(haveKcat)('broker killed with SIGKILL while its log cleaner works', () => {
  const procs: BrokerProcess[] = [];
  afterAll(async () => {
    for (const p of procs) p.proc.kill('SIGKILL');
  });

  it('restarts into a log that is either the old or the cleaned one, and compaction completes', async () => {
    const dataDir = tempDir('compaction-kill');
    // A slow cleaner, so that the kills land in the middle of passes and swaps.
    const extraArgs = ['--log-cleaner-backoff', '10ms', '--log-cleaner-io-max-bytes-per-second', '256KiB'];
    let broker = await spawnBroker(dataDir, {extraArgs});
    procs.push(broker);
    const admin = new Kafka({clientId: 'compaction-kill', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING}).admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{topic: 'cars', numPartitions: 1, configEntries: [{name: 'cleanup.policy', value: 'compact'}, {name: 'segment.bytes', value: '8192'}, {name: 'min.cleanable.dirty.ratio', value: '0.01'}]}],
    });
    await admin.disconnect();
    // Record i has key car<i % KEYS> and value i: one producer, one partition, so value = offset.
    const lines = Array.from({length: RECORDS}, (_, i) => `car${i % KEYS}:${i}`).join('\n') + '\n';
    await runOk('kcat', ['-b', broker.bootstrap, '-P', '-t', 'cars', '-p', '0', '-K:', '-X', 'batch.num.messages=100'], {input: lines});
    const fillers = Array.from({length: FILLERS}, (_, i) => `end${i}:${RECORDS + i}`).join('\n') + '\n';
    await runOk('kcat', ['-b', broker.bootstrap, '-P', '-t', 'cars', '-p', '0', '-K:', '-X', 'batch.num.messages=100'], {input: fillers});

    for (let kill = 1; kill <= 5; kill++) {
      await new Promise((r) => setTimeout(r, 150 * kill));
      broker.proc.kill('SIGKILL');
      await broker.exited;
      broker = await spawnBroker(dataDir, {extraArgs});
      procs.push(broker);
    }

    let got: Awaited<ReturnType<typeof rows>> = [];
    await until(async () => {
      got = await rows(broker.bootstrap);
      return got.length === KEYS + FILLERS;
    }, 'compaction to finish after the kills', 90_000);
    // Each key's last record, at its own offset; every filler; nothing else.
    for (const r of got) expect(r.value).toBe(String(r.offset));
    const cars = got.filter((r) => r.key.startsWith('car'));
    expect(cars.map((r) => r.offset).sort((a, b) => a - b)).toEqual(Array.from({length: KEYS}, (_, k) => RECORDS - KEYS + k));
    expect(got.filter((r) => r.key.startsWith('end'))).toHaveLength(FILLERS);
  }, 180_000);
});
