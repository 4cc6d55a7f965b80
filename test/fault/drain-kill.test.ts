import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startHBaseEmulator, type HBaseEmulator} from '../../src/hbase/emulator/index.js';
import {startBroker} from '../helpers/broker.js';
import {collect, kcollect, spawnCli} from '../helpers/cli.js';
import {drivingRecords, produceLines} from '../drain/driving-records.js';
import {expectTableHoldsExactly} from '../drain/hbase-check.js';

describe('consume --to hbase killed -9 in the middle of a batch', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  let hbase: HBaseEmulator;

  beforeAll(async () => {
    env = await startBroker({numPartitions: 2});
    await env.broker.createTopic('SmartCar-Topic', 2, {});
    hbase = await startHBaseEmulator();
  });
  afterAll(async () => {
    await hbase.stop();
    await env.broker.close();
  });

  it('a restarted drain leaves HBase with every record exactly once', async () => {
    const records = drivingRecords(100, 100);
    await produceLines(env.bootstrap, 'SmartCar-Topic', records);
    const args = ['consume', 'SmartCar-Topic', '--group', 'hbase-loader', '--to', 'hbase', '--hbase-url', hbase.url, '--create-table', '--batch-size', '50'];
    const committed = () => env.broker.groups.fetchOffsets('hbase-loader', null).offsets.reduce((n, o) => n + o.offset, 0);

    const first = spawnCli(args, {env: {KCOLLECT_BROKERS: env.bootstrap}});
    const firstDone = collect(first);
    while (committed() < 3000) await new Promise((r) => setTimeout(r, 5));
    first.kill('SIGKILL');
    const killed = await firstDone;
    expect(killed.signal).toBe('SIGKILL');
    expect(committed()).toBeLessThan(10_000);

    const second = await kcollect(env.bootstrap, [...args, '--exit', '--json']);
    expect(second.code, second.stderr).toBe(0);
    const summary = JSON.parse(second.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({type: 'summary', stoppedBy: 'end', deadLettered: 0});
    expect(summary.records).toBeGreaterThan(0);
    expect(committed()).toBe(10_000);
    await expectTableHoldsExactly(hbase.url, 'DriverCarInfo', records.map((r) => r.line));
  }, 120_000);
});
