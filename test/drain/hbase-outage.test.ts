import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DeadLetterQueue} from '../../src/sinks/dead-letter.js';
import {drainGroup} from '../../src/drain/group-drain.js';
import type {DrainStatus} from '../../src/drain/status.js';
import {startHBaseEmulator, type HBaseEmulator} from '../../src/hbase/emulator/index.js';
import {openSink} from '../../src/sinks/open-sink.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {BOOK_COLUMNS, drivingRecords, produceLines} from './driving-records.js';
import {expectTableHoldsExactly} from './hbase-check.js';

describe('drain to HBase across an outage', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  let hbase: HBaseEmulator;
  const hbaseDir = tempDir('hbase');

  beforeAll(async () => {
    env = await startBroker({numPartitions: 3});
    await env.broker.createTopic('SmartCar-Topic', 3, {});
    hbase = await startHBaseEmulator({dataDir: hbaseDir});
  });
  afterAll(async () => {
    await hbase.stop();
    await env.broker.close();
  });

  it('10,000 driving records, HBase stopped for 30 s in the middle: every record exactly once', async () => {
    const records = drivingRecords(100, 100);
    expect(records).toHaveLength(10_000);
    const statuses: DrainStatus[] = [];
    const waiters: Array<() => void> = [];
    const onStatus = (s: DrainStatus) => {
      statuses.push(s);
      for (const w of waiters.splice(0)) w();
    };
    const until = async (what: (s: DrainStatus) => boolean) => {
      while (!statuses.some(what)) await new Promise<void>((r) => waiters.push(r));
    };
    const sink = openSink({kind: 'hbase', url: hbase.url, table: 'DriverCarInfo', family: 'cf1', columns: BOOK_COLUMNS, rowKey: '{date:reverse}-{car_number}', createTable: true});
    const deadLetters = new DeadLetterQueue([env.bootstrap], 'SmartCar-Topic.dlq', sink.name);
    const stop = new AbortController();
    await produceLines(env.bootstrap, 'SmartCar-Topic', records.slice(0, 5000));
    const draining = drainGroup({
      brokers: [env.bootstrap],
      topic: 'SmartCar-Topic',
      groupId: 'hbase-loader',
      sink,
      deadLetters,
      startAtBeginning: true,
      batchSize: 250,
      stopAtEnd: false,
      signal: stop.signal,
      backoff: {initialMs: 200, maxMs: 2000},
      onStatus,
      statusIntervalMs: 200,
    });
    await until((s) => s.written === 5000);

    // HBase goes away (connections refused), the second half arrives meanwhile.
    const port = hbase.port;
    await hbase.stop();
    await produceLines(env.bootstrap, 'SmartCar-Topic', records.slice(5000));
    await until((s) => s.state === 'parked');
    await until((s) => s.state === 'retrying');
    const parked = statuses.find((s) => s.state === 'parked')!;
    expect(parked.error).toMatch(/HBase/);
    await new Promise((r) => setTimeout(r, 30_000));
    // The group kept the drain as its member all along.
    expect(env.broker.groups.describeGroup('hbase-loader').state).toBe('Stable');
    const backlog = statuses.filter((s) => s.state !== 'ok' && s.backlog !== null).at(-1)!.backlog!;
    expect(backlog).toBeGreaterThan(0);

    hbase = await startHBaseEmulator({port, dataDir: hbaseDir});
    await until((s) => s.written === 10_000 && s.backlog === 0);
    stop.abort();
    const summary = await draining;
    await sink.close();
    await deadLetters.close();

    expect(summary.records).toBe(10_000);
    expect(summary.deadLettered).toBe(0);
    expect(summary.partitions.reduce((n, p) => n + p.nextOffset, 0)).toBe(10_000);
    expect(statuses.at(-1)!.state).toBe('ok');
    await expectTableHoldsExactly(hbase.url, 'DriverCarInfo', records.map((r) => r.line));
  }, 120_000);

  it('HBase down when the drain starts (503): it parks and probes, then creates the table and writes every record exactly once', async () => {
    const records = drivingRecords(20, 100, 11);
    expect(records).toHaveLength(2000);
    await env.broker.createTopic('Late-HBase', 3, {});
    await produceLines(env.bootstrap, 'Late-HBase', records);
    const statuses: DrainStatus[] = [];
    const waiters: Array<() => void> = [];
    const onStatus = (s: DrainStatus) => {
      statuses.push(s);
      for (const w of waiters.splice(0)) w();
    };
    const until = async (what: (s: DrainStatus) => boolean) => {
      while (!statuses.some(what)) await new Promise<void>((r) => waiters.push(r));
    };
    hbase.setDown(true);
    const sink = openSink({kind: 'hbase', url: hbase.url, table: 'LateTable', family: 'cf1', columns: BOOK_COLUMNS, rowKey: '{date:reverse}-{car_number}', createTable: true});
    const deadLetters = new DeadLetterQueue([env.bootstrap], 'Late-HBase.dlq', sink.name);
    const stop = new AbortController();
    const draining = drainGroup({
      brokers: [env.bootstrap],
      topic: 'Late-HBase',
      groupId: 'late-loader',
      sink,
      deadLetters,
      startAtBeginning: true,
      batchSize: 250,
      stopAtEnd: false,
      signal: stop.signal,
      backoff: {initialMs: 200, maxMs: 1000},
      onStatus,
      statusIntervalMs: 200,
    });
    // Failing at start ends the drain: race it against parking.
    const failed = draining.then(
      () => 'ended',
      (err: unknown) => `failed: ${err instanceof Error ? err.message : String(err)}`,
    );
    const parkedOrFailed = await Promise.race([until((s) => s.state === 'parked').then(() => 'parked'), failed]);
    expect(parkedOrFailed).toBe('parked');
    expect(statuses.find((s) => s.state === 'parked')!.error).toMatch(/HBase.*503/);
    await until((s) => s.state === 'retrying');
    await new Promise((r) => setTimeout(r, 2000));
    expect(statuses.every((s) => s.written === 0)).toBe(true);
    expect(env.broker.groups.describeGroup('late-loader').state).toBe('Stable');

    hbase.setDown(false);
    await until((s) => s.written === 2000 && s.backlog === 0);
    stop.abort();
    const summary = await draining;
    await sink.close();
    await deadLetters.close();

    expect(summary.records).toBe(2000);
    expect(summary.deadLettered).toBe(0);
    expect(summary.partitions.reduce((n, p) => n + p.nextOffset, 0)).toBe(2000);
    expect(statuses.at(-1)!.state).toBe('ok');
    await expectTableHoldsExactly(hbase.url, 'LateTable', records.map((r) => r.line));
  }, 60_000);
});
