import fs from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import type {Broker} from '../../src/broker/broker.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {collect, kcollect, spawnCli} from '../helpers/cli.js';
import {topicValues} from '../helpers/kafka.js';

const LINES = 300_000;
const lineOf = (n: number) => `line ${String(n).padStart(7, '0')}`;

describe('tail-produce --channel file killed with SIGKILL while sending a big file', () => {
  let broker: Broker | undefined;
  afterAll(async () => {
    await broker?.close();
  });

  it('after the kills and a last run, Kafka holds every line of the file exactly once', async () => {
    const started = await startBroker();
    broker = started.broker;
    const {bootstrap} = started;
    const dir = tempDir('fch-tail-kill');
    const log = path.join(dir, 'big.log');
    fs.writeFileSync(log, Array.from({length: LINES}, (_, i) => `${lineOf(i + 1)}\n`).join(''));
    const topic = 'fch-tail-kill';
    expect((await kcollect(bootstrap, ['topic', 'create', topic, '--partitions', '2'])).code).toBe(0);
    const args = ['tail-produce', log, '--topic', topic, '-b', bootstrap, '--channel', 'file', '--channel-dir', path.join(dir, 'channel'), '--position-file', path.join(dir, 'positions.json'), '--exit'];

    // Each run is killed at a random moment after it began reading, until one gets to the end first.
    const history: string[] = [];
    for (let run = 1; run <= 6; run++) {
      const child = spawnCli(args);
      const result = collect(child);
      const reading = new Promise<void>((resolve) => {
        let seen = '';
        child.stderr!.on('data', (d: Buffer) => {
          seen += d.toString();
          if (/from offset \d+/.test(seen)) resolve();
        });
        child.once('exit', () => resolve());
      });
      await reading;
      const after = 100 + Math.floor(Math.random() * 700);
      await new Promise((r) => setTimeout(r, after));
      child.kill('SIGKILL');
      const {signal, stderr} = await result;
      history.push(`run ${run}, killed ${after} ms after it began reading:\n${stderr}`);
      if (signal !== 'SIGKILL') break;
    }

    const last = await kcollect(bootstrap, args, {timeoutMs: 120_000});
    expect(last.code, `${history.join('\n')}\nlast run:\n${last.stderr}`).toBe(0);

    const counts = new Map<string, number>();
    for (const line of await topicValues(bootstrap, topic)) counts.set(line, (counts.get(line) ?? 0) + 1);
    const duplicated = [...counts].filter(([, c]) => c > 1).map(([line]) => line);
    let missing = 0;
    for (let n = 1; n <= LINES; n++) if (!counts.has(lineOf(n))) missing++;
    const context = `${history.join('\n')}\nlast run:\n${last.stderr}`;
    expect(missing, `lines missing\n${context}`).toBe(0);
    expect(duplicated.length, `lines twice in the topic (first ${duplicated.slice(0, 3).join(', ')}, last ${duplicated.at(-1)})\n${context}`).toBe(0);
    expect(counts.size).toBe(LINES);
  }, 240_000);
});
