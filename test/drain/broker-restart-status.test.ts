/**
 * A drain across a restart of its only broker (the group's coordinator): it says it is waiting
 * while Kafka is away, and says it is ok again once it joined the restarted broker's group, which
 * no longer knows its member id (UNKNOWN_MEMBER_ID: its partitions are lost and it joins anew).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startHBaseEmulator, type HBaseEmulator} from '../../src/hbase/emulator/index.js';
import {startBroker} from '../helpers/broker.js';
import {drivingRecords, produceLines} from './driving-records.js';
import {startHBaseDrain} from './hbase-drain-run.js';
import {expectTableHoldsExactly} from './hbase-check.js';

describe('drain across a broker restart', () => {
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

  it('is "waiting" while the broker is down and "ok" again once it joined the restarted one', async () => {
    const records = drivingRecords(10, 20);
    await produceLines(env.bootstrap, 'SmartCar-Topic', records.slice(0, 100));
    const drain = startHBaseDrain(env.bootstrap, 'SmartCar-Topic', 'DriverCarInfo', hbase.url);
    const {statuses, until} = drain;
    await until((s) => s.written === 100 && s.backlog === 0);

    // The broker goes away long enough for the drain to say so, then comes back on the same port.
    const port = Number(env.bootstrap.split(':')[1]);
    await env.broker.close();
    await until((s) => s.state === 'waiting');
    env = await startBroker({port, dataDir: env.dataDir});
    await produceLines(env.bootstrap, 'SmartCar-Topic', records.slice(100));
    await until((s) => s.written === 200);

    // Writing again means joined again: no status from then on may say it cannot join.
    const after = statuses.slice(statuses.findIndex((s) => s.written === 200));
    expect(after.map((s) => [s.state, s.error])).toEqual(after.map(() => ['ok', undefined]));
    const summary = await drain.finish();
    expect(summary.records).toBe(200);
    await expectTableHoldsExactly(hbase.url, 'DriverCarInfo', records.map((r) => r.line));
  }, 120_000);
});
