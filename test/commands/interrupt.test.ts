/**
 * Ctrl-C: a collector stops once what is in flight is safe and saves its positions; a second
 * Ctrl-C stops it at once, positions staying at the last batch Kafka acknowledged. (The test
 * timeouts are deadlines for a hang, not the subject: no test here measures how fast.)
 */
import type {ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {PositionStore} from '../../src/sources/tail/position-store.js';
import {spawnBroker, startBroker, tempDir} from '../helpers/broker.js';
import {collect, kcollect, spawnCli} from '../helpers/cli.js';
import {topicValues} from '../helpers/kafka.js';
import {until} from '../helpers/poll.js';

let broker: Broker;
let bootstrap: string;
beforeAll(async () => {
  ({broker, bootstrap} = await startBroker());
});
afterAll(async () => {
  await broker?.close();
});

const lines = (prefix: string, from: number, to: number) => Array.from({length: to - from}, (_, i) => `${prefix}-${from + i}`);
const append = (file: string, ls: string[]) => fs.appendFileSync(file, ls.map((l) => `${l}\n`).join(''));

/** The offsets a collector saved (what a restart resumes from), by file name, from its position file(s) under `cwd`. */
function savedOffsets(cwd: string): Record<string, number> {
  const dir = path.join(cwd, '.kcollect', 'positions');
  const out: Record<string, number> = {};
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    for (const f of PositionStore.load(path.join(dir, name)).all()) out[path.basename(f.path)] = f.offset;
  }
  return out;
}

/** How many events the collector's Kafka sink has tried to write, from its status file. */
function sinkAttempts(cwd: string): number {
  const dir = path.join(cwd, '.kcollect', 'status');
  const [name] = fs.readdirSync(dir);
  const status = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
  return status.components.find((c: {kind: string}) => c.kind === 'SINK').counters.EventDrainAttemptCount ?? 0;
}

function stderrOf(child: ChildProcess): () => string {
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return () => err;
}

describe('Ctrl-C', () => {
  it('tail-produce, idle, exits and saves its positions; a pattern matching nothing is said once', async () => {
    const cwd = tempDir('int-tail');
    expect((await kcollect(bootstrap, ['topic', 'create', 'int-tail'])).code).toBe(0);
    const file = path.join(cwd, 'late.log');
    const child = spawnCli(['tail-produce', 'late*.log', '--topic', 'int-tail', '-b', bootstrap, '--poll-interval', '50ms'], {cwd});
    const stderr = stderrOf(child);
    const result = collect(child);
    await until(() => /waiting for late\*\.log to appear/.test(stderr()), 'the waiting line');
    append(file, lines('l', 0, 5));
    await until(async () => (await topicValues(bootstrap, 'int-tail')).length === 5, '5 lines in int-tail');
    child.kill('SIGINT');
    const r = await result;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/waiting for late\*\.log to appear/g)).toHaveLength(1);
    expect(savedOffsets(cwd)).toEqual({'late.log': fs.statSync(file).size});
  }, 120_000);

  it('agent run, idle, exits and saves its positions', async () => {
    const cwd = tempDir('int-agent');
    expect((await kcollect(bootstrap, ['topic', 'create', 'int-agent'])).code).toBe(0);
    const file = path.join(cwd, 'a.log');
    append(file, lines('a', 0, 5));
    fs.writeFileSync(
      path.join(cwd, 'agent.yaml'),
      `name: idle\nsources:\n  tail:\n    type: tail\n    paths: [${file}]\n    positionFile: ${path.join(cwd, '.kcollect', 'positions', 'idle.json')}\n    channels: [mem]\n` +
        `channels:\n  mem: {type: memory}\nsinks:\n  kafka: {type: kafka, channel: mem, topic: int-agent, brokers: '${bootstrap}'}\n`,
    );
    const child = spawnCli(['agent', 'run', 'agent.yaml'], {cwd});
    const result = collect(child);
    await until(async () => (await topicValues(bootstrap, 'int-agent')).length === 5, '5 lines in int-agent');
    child.kill('SIGINT');
    const r = await result;
    expect(r.code, r.stderr).toBe(0);
    expect(savedOffsets(cwd)).toEqual({'a.log': fs.statSync(file).size});
  }, 120_000);

  /** tail-produce with lines on their way to a broker that stopped answering (SIGSTOP). */
  async function stuckCollector(name: string, run: (child: ChildProcess, stderr: () => string) => Promise<void>): Promise<{acked: number; cwd: string}> {
    const cwd = tempDir(name);
    const stopped = await spawnBroker(tempDir(`${name}-broker`));
    try {
      expect((await kcollect(stopped.bootstrap, ['topic', 'create', name])).code).toBe(0);
      const file = path.join(cwd, 'a.log');
      append(file, lines('a', 0, 5));
      const acked = fs.statSync(file).size;
      const child = spawnCli(['tail-produce', 'a.log', '--topic', name, '-b', stopped.bootstrap, '--poll-interval', '50ms'], {cwd});
      const stderr = stderrOf(child);
      await until(() => savedOffsets(cwd)['a.log'] === acked, 'the position of the acknowledged lines');
      stopped.proc.kill('SIGSTOP');
      append(file, lines('a', 5, 10));
      await until(() => sinkAttempts(cwd) === 10, 'the new lines to be on their way to Kafka');
      await run(child, stderr);
      return {acked, cwd};
    } finally {
      stopped.proc.kill('SIGKILL');
      await stopped.exited;
    }
  }

  it('one Ctrl-C while Kafka does not answer: stops once the bounded drain is over; positions stay at the acknowledged lines', async () => {
    const {acked, cwd} = await stuckCollector('int-once', async (child) => {
      const result = collect(child);
      child.kill('SIGINT');
      const r = await result;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/a sink is still writing after \d+ ms; stopping without it/);
      // The summary counts the 5 lines on their way as not sent (not as filtered out, not silently).
      expect(r.stdout.trim()).toBe('sent 5 line(s) to int-once; 0 filtered out; 5 read but not acknowledged by Kafka before the stop (the next run sends them)');
    });
    expect(savedOffsets(cwd)).toEqual({'a.log': acked});
  }, 120_000);

  it('a second Ctrl-C stops at once while Kafka does not answer; positions stay at the acknowledged lines', async () => {
    const {acked, cwd} = await stuckCollector('int-twice', async (child, stderr) => {
      const result = collect(child);
      child.kill('SIGINT');
      await until(() => /Ctrl-C again to stop at once/.test(stderr()), 'the first Ctrl-C to be taken');
      child.kill('SIGINT');
      const r = await result;
      expect(r.code, r.stderr).toBe(130);
      expect(r.stderr).toMatch(/SIGINT again: exiting now/);
    });
    expect(savedOffsets(cwd)).toEqual({'a.log': acked});
  }, 120_000);
});
