import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {ROOT, startBroker, tempDir} from '../helpers/broker.js';
import {spawnCli} from '../helpers/cli.js';
import {topicValues} from '../helpers/kafka.js';
import {until} from '../helpers/poll.js';
import {freePort} from '../../src/lib/ports.js';

const AGENTS = path.join(ROOT, 'topology', 'agents');

describe('Flume layout type 4 from the shipped agent files', () => {
  it('three collectors, two aggregators, aggregator 1 killed -9 mid-stream and restarted: every line in Kafka exactly once', async () => {
    const {broker, bootstrap} = await startBroker();
    await broker.createTopic('SmartCar-Topic', 3, {});
    const cwd = tempDir('tiers');
    const [p1, p2] = [await freePort(), await freePort()];
    const aggregator = (port: number) =>
      spawnCli(['agent', 'run', path.join(AGENTS, 'flume-type4-aggregator.yaml'), '-b', bootstrap], {cwd, env: {PORT: String(port), CHANNEL_DIR: path.join(cwd, `wal-${port}`)}});
    const aggregators = [aggregator(p1), aggregator(p2)];
    const logs = [1, 2, 3].map((i) => path.join(cwd, `car-${i}.log`));
    const collectors = logs.map((log, i) =>
      spawnCli(['agent', 'run', path.join(AGENTS, 'flume-type4-collector.yaml')], {cwd, env: {NAME: `collector-${i + 1}`, LOG: log, AGGREGATOR1_PORT: String(p1), AGGREGATOR2_PORT: String(p2)}}),
    );
    const output = new Map<string, string>();
    [...aggregators, ...collectors].forEach((p, i) => {
      const name = i < 2 ? `aggregator ${i + 1}` : `collector ${i - 1}`;
      output.set(name, '');
      p.stderr!.on('data', (d) => output.set(name, output.get(name) + d));
    });
    const written: string[] = [];
    let second = 0;
    const write = (rounds: number) => {
      for (let r = 0; r < rounds; r++, second++) {
        logs.forEach((log, i) => {
          const line = `2016010100${String(second).padStart(4, '0')},C000${i + 1},1,0,F,N,${second % 200},A01`;
          fs.appendFileSync(log, `${line}\n`);
          written.push(line);
        });
      }
    };
    try {
      const writer = setInterval(() => write(20), 50);
      await until(async () => (await topicValues(bootstrap, 'SmartCar-Topic')).length >= 600, 'the first 600 lines', 60_000);
      aggregators[0].kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 1500));
      clearInterval(writer);
      // What aggregator 1 had acknowledged is on its disk (file channel): it is delivered once the
      // aggregator is back, and what it had already sent to Kafka is not sent again.
      aggregators[0] = aggregator(p1);
      await until(async () => (await topicValues(bootstrap, 'SmartCar-Topic')).length >= written.length, 'every line, through aggregator 2 and the restarted aggregator 1', 60_000).catch(async (err) => {
        const have = await topicValues(bootstrap, 'SmartCar-Topic');
        const missing = written.filter((l) => !have.includes(l));
        throw new Error(`${err.message}: ${have.length} of ${written.length}; missing e.g. ${missing.slice(0, 3).join(' | ')}\n${[...output].map(([n, o]) => `--- ${n}\n${o}`).join('\n')}`);
      });
      const values = await topicValues(bootstrap, 'SmartCar-Topic');
      expect(values.length, [...output].map(([n, o]) => `--- ${n}\n${o}`).join('\n')).toBe(written.length);
      expect(values.sort()).toEqual([...written].sort());
    } finally {
      for (const p of [...collectors, ...aggregators]) p.kill('SIGKILL');
      await broker.close();
    }
  }, 120_000);
});
