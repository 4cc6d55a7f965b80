/**
 * A drain whose broker goes down under its reading: a commit the down broker refuses ends the
 * generation and the next one cannot even ask for the topic's metadata; a fetch that keeps
 * failing gives up. Either way the drain says it waits for Kafka and reads again once the broker
 * is back, instead of ending with "no Kafka broker answers".
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startHBaseEmulator, type HBaseEmulator} from '../../src/hbase/emulator/index.js';
import {startBroker} from '../helpers/broker.js';
import {freezableProxy} from '../helpers/freezable-proxy.js';
import {until as poll} from '../helpers/poll.js';
import {drivingRecords, produceLines} from './driving-records.js';
import {hbaseRowCount, startHBaseDrain} from './hbase-drain-run.js';
import {expectTableHoldsExactly} from './hbase-check.js';

describe('drain whose broker goes down under its reading', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  let hbase: HBaseEmulator;
  let proxy: Awaited<ReturnType<typeof freezableProxy>>;

  beforeAll(async () => {
    env = await startBroker({numPartitions: 2});
    hbase = await startHBaseEmulator();
    proxy = await freezableProxy({host: '127.0.0.1', port: hbase.port});
  });
  afterAll(async () => {
    proxy.close();
    await hbase.stop();
    await env.broker.close();
  });

  const startDrain = (topic: string, table: string, hbaseUrl: string) => startHBaseDrain(env.bootstrap, topic, table, hbaseUrl);

  async function restartBroker(): Promise<void> {
    env = await startBroker({port: Number(env.bootstrap.split(':')[1]), dataDir: env.dataDir});
  }

  it('a commit meets the broker down: it waits for Kafka and reads again once it is back; every record once, offsets committed', async () => {
    await env.broker.createTopic('SmartCar-Topic', 2, {});
    const records = drivingRecords(10, 30);
    await produceLines(env.bootstrap, 'SmartCar-Topic', records.slice(0, 100));
    // Through the proxy: HBase's answers to a write can be held while the broker goes down.
    const drain = startDrain('SmartCar-Topic', 'DriverCarInfo', `http://127.0.0.1:${proxy.port}`);
    await drain.until((s) => s.written === 100 && s.backlog === 0);

    // The next records reach HBase, its answers are held; the broker goes down; then HBase
    // answers: the drain commits those records while no broker answers.
    proxy.holdReplies();
    await produceLines(env.bootstrap, 'SmartCar-Topic', records.slice(100, 200));
    await poll(async () => (await hbaseRowCount(hbase.url, 'DriverCarInfo')) === 200, 'HBase to hold the second 100 records');
    await env.broker.close();
    proxy.releaseReplies();

    const outcome = await Promise.race([drain.until((s) => s.state === 'waiting').then(() => 'waiting'), drain.failed]);
    expect(outcome).toBe('waiting');
    await restartBroker();
    await produceLines(env.bootstrap, 'SmartCar-Topic', records.slice(200));
    await drain.until((s) => s.written === 300 && s.backlog === 0 && s.state === 'ok');
    expect(drain.run.ended).toBeUndefined();

    const summary = await drain.finish();
    expect(summary.records).toBe(300);
    expect(summary.partitions.reduce((n, p) => n + p.nextOffset, 0)).toBe(300);
    await expectTableHoldsExactly(hbase.url, 'DriverCarInfo', records.map((r) => r.line));
  }, 120_000);

  it('the broker stays down until the fetch gives up: the drain waits on and reads again once it is back', async () => {
    await env.broker.createTopic('Long-Outage', 2, {});
    const records = drivingRecords(10, 20, 5);
    await produceLines(env.bootstrap, 'Long-Outage', records.slice(0, 100));
    const drain = startDrain('Long-Outage', 'LongOutage', hbase.url);
    await drain.until((s) => s.written === 100 && s.backlog === 0);

    await env.broker.close();
    // Not the join's "cannot join group ... yet": the reading itself ended for want of a broker.
    const outcome = await Promise.race([drain.until((s) => s.state === 'waiting' && /^(no Kafka broker answers|lost the connection)/.test(s.error ?? '')).then(() => 'waiting'), drain.failed]);
    expect(outcome).toBe('waiting');
    await restartBroker();
    await produceLines(env.bootstrap, 'Long-Outage', records.slice(100));
    await drain.until((s) => s.written === 200 && s.backlog === 0 && s.state === 'ok');
    expect(drain.run.ended).toBeUndefined();

    const summary = await drain.finish();
    expect(summary.records).toBe(200);
    expect(summary.partitions.reduce((n, p) => n + p.nextOffset, 0)).toBe(200);
    await expectTableHoldsExactly(hbase.url, 'LongOutage', records.map((r) => r.line));
  }, 120_000);
});
