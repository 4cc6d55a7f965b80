import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startHBaseEmulator, type HBaseEmulator} from '../../src/hbase/emulator/index.js';
import type {RecordJson} from '../../src/services/record-format.js';
import {startBroker} from '../helpers/broker.js';
import {kcollect} from '../helpers/cli.js';
import {drivingRecords, produceLines} from './driving-records.js';
import {expectTableHoldsExactly} from './hbase-check.js';

describe('consume --to hbase with a poison record', () => {
  let env: Awaited<ReturnType<typeof startBroker>>;
  let hbase: HBaseEmulator;

  beforeAll(async () => {
    env = await startBroker({numPartitions: 1});
    await env.broker.createTopic('SmartCar-Topic', 1, {});
    hbase = await startHBaseEmulator();
  });
  afterAll(async () => {
    await hbase.stop();
    await env.broker.close();
  });

  it('sends the record that does not map to the dead-letter topic with its reason; the rest arrive', async () => {
    const records = drivingRecords(5, 40);
    await produceLines(env.bootstrap, 'SmartCar-Topic', records.slice(0, 100));
    await produceLines(env.bootstrap, 'SmartCar-Topic', [{car: 'X9999', line: '20160101000000,X9999,broken'}]);
    await produceLines(env.bootstrap, 'SmartCar-Topic', records.slice(100));

    const r = await kcollect(env.bootstrap, ['consume', 'SmartCar-Topic', '--group', 'loader', '--to', 'hbase', '--hbase-url', hbase.url, '--create-table', '--exit', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({type: 'summary', records: 200, deadLettered: 1, deadLetterTopic: 'SmartCar-Topic.dlq'});
    await expectTableHoldsExactly(hbase.url, 'DriverCarInfo', records.map((x) => x.line));

    const dlq = await kcollect(env.bootstrap, ['consume', 'SmartCar-Topic.dlq', '--exit', '--json']);
    const letters = dlq.stdout.trim().split('\n').map((l) => JSON.parse(l) as RecordJson);
    expect(letters).toHaveLength(1);
    expect(letters[0].value).toBe('20160101000000,X9999,broken');
    expect(letters[0].key).toBe('X9999');
    const headers = Object.fromEntries(letters[0].headers.map((h) => [h.key, h.value]));
    expect(headers).toMatchObject({'dlq.topic': 'SmartCar-Topic', 'dlq.partition': '0', 'dlq.offset': '100'});
    expect(headers['dlq.reason']).toMatch(/3 field\(s\) where the columns name 8/);
  }, 90_000);

  it('dead-letters records whose row key field is empty instead of writing them all into one shared row', async () => {
    await env.broker.createTopic('EmptyKeys', 1, {});
    const records = drivingRecords(3, 20);
    // No car number, no time: the book's key would be "20000010106102-" and "-", rows such records share.
    const blanks = ['20160101000002,,3,0,F,N,45,C07', ',,3,0,F,N,45,C07', ',,1,0,F,N,90,A01'];
    await produceLines(env.bootstrap, 'EmptyKeys', [...records.slice(0, 30), ...blanks.map((line) => ({car: 'none', line})), ...records.slice(30)]);

    const r = await kcollect(env.bootstrap, ['consume', 'EmptyKeys', '--group', 'loader', '--to', 'hbase', '--hbase-url', hbase.url, '--table', 'EmptyKeys', '--create-table', '--exit', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toMatchObject({type: 'summary', records: 60, deadLettered: 3});
    await expectTableHoldsExactly(hbase.url, 'EmptyKeys', records.map((x) => x.line));

    const dlq = await kcollect(env.bootstrap, ['consume', 'EmptyKeys.dlq', '--exit', '--json']);
    const letters = dlq.stdout.trim().split('\n').map((l) => JSON.parse(l) as RecordJson);
    expect(letters.map((l) => l.value)).toEqual(blanks);
    const reasons = letters.map((l) => l.headers.find((h) => h.key === 'dlq.reason')?.value);
    expect(reasons).toEqual([expect.stringMatching(/row key's field car_number is empty/), expect.stringMatching(/row key's field date is empty/), expect.stringMatching(/row key's field date is empty/)]);
  }, 90_000);
});
