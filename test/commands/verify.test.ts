import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {startHBaseEmulator} from '../../src/hbase/emulator/server.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {expectUserError, kcollect} from '../helpers/cli.js';

describe('kcollect verify', () => {
  it('reconciles a log file against its topic, and names what was lost, what is still on its way and what was doubled', async () => {
    const {broker, bootstrap} = await startBroker();
    await broker.createTopic('driving', 2, {});
    const dir = tempDir('verify');
    const log = path.join(dir, 'driving.log');
    const lines = ['Driver Status Infomation,CarNum', '20160101000002,B0002,3,0,F,N,45,C07', '20160101000002,K0003,1,0,F,N,20,A01', '20160101000004,B0002,0,1,F,N,35,C02', '20160101000004,K0003,1,0,F,N,25,A02'];
    fs.writeFileSync(log, lines.join('\n') + '\n');
    const produce = (input: string) => kcollect(bootstrap, ['produce', 'driving'], {input});
    const verify = async () => {
      const r = await kcollect(bootstrap, ['verify', '--lines', log, '--topic', 'driving', '--json']);
      return {code: r.code, result: JSON.parse(r.stdout)};
    };
    // Lines 1 and 3 arrived: line 2 is lost (a later line made it), line 4 is still on its way.
    expect((await produce(`${lines[1]}\n${lines[3]}\n`)).code).toBe(0);
    let {code, result} = await verify();
    expect(code).toBe(1);
    expect(result).toMatchObject({written: 4, lost: 1, notYet: 1, duplicated: 0, deadLettered: 0});
    expect(result.stages).toEqual([{stage: 'Kafka', count: 2, lost: 1, notYet: 1, duplicated: 0, unexpected: 0}]);

    // Everything arrives.
    expect((await produce(`${lines[2]}\n${lines[4]}\n`)).code).toBe(0);
    let r = await kcollect(bootstrap, ['verify', '--lines', log, '--topic', 'driving']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/reconciled: nothing lost, nothing doubled/);

    // The simulator writes on while verify runs: new lines are on their way, not lost, and never doubled.
    fs.appendFileSync(log, '20160101000006,B0002,0,0,F,N,35,C03\n');
    r = await kcollect(bootstrap, ['verify', '--lines', log, '--topic', 'driving']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/nothing lost or doubled so far; 1 line\(s\) still on their way/);

    // One line arrives twice.
    expect((await produce(`${lines[1]}\n`)).code).toBe(0);
    ({code, result} = await verify());
    expect(code).toBe(1);
    expect(result).toMatchObject({written: 5, lost: 0, notYet: 1, duplicated: 1});
    await broker.close();
  });

  // Lines that --include does not keep are not looked for: with none kept, every record in Kafka
  // was reported as DUPLICATED ("written 0 / Kafka 3 ... NOT reconciled").
  it('says so when no line of the files matches --include, rather than calling every record a duplicate', async () => {
    const {broker, bootstrap} = await startBroker();
    try {
      await broker.createTopic('plain', 1, {});
      const log = path.join(tempDir('verify-include'), 'plain.txt');
      fs.writeFileSync(log, 'abc\ndef\nghi\n');
      expect((await kcollect(bootstrap, ['produce', 'plain'], {input: 'abc\ndef\nghi\n'})).code).toBe(0);

      for (const json of [[], ['--json']]) {
        const r = await kcollect(bootstrap, ['verify', '--lines', log, '--topic', 'plain', ...json]);
        expectUserError(r, `read 3 line(s) from ${log}, and none matched --include '^\\d{14}': nothing to look for`, '--include . for every line');
      }

      // Every line a record: all three arrived once.
      let r = await kcollect(bootstrap, ['verify', '--lines', log, '--topic', 'plain', '--include', '.']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/reconciled: nothing lost, nothing doubled/);

      // A filter that keeps too few lines: the records it dropped are named as such, not only counted as doubled.
      r = await kcollect(bootstrap, ['verify', '--lines', log, '--topic', 'plain', '--include', '^a']);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("2 record(s) in Kafka match none of the 1 line(s) --include '^a' kept of the 3 read (counted as DUPLICATED): if the collector sent them, change --include (--include . for every line) or --lines");
      expect(r.stdout).toMatch(/NOT reconciled\n$/);
    } finally {
      await broker.close();
    }
  });

  it('--table looks for every line in the HBase table the drain wrote (the name consume --to hbase uses)', async () => {
    const {broker, bootstrap} = await startBroker();
    const hbase = await startHBaseEmulator({dataDir: tempDir('verify-hbase')});
    try {
      await broker.createTopic('to-table', 1, {});
      const log = path.join(tempDir('verify-table'), 'driving.log');
      const lines = ['20160101000002,B0002,3,0,F,N,45,C07', '20160101000004,B0002,0,1,F,N,35,C02'];
      fs.writeFileSync(log, lines.join('\n') + '\n');
      expect((await kcollect(bootstrap, ['produce', 'to-table'], {input: lines.join('\n') + '\n'})).code).toBe(0);
      const drain = await kcollect(bootstrap, ['consume', 'to-table', '--group', 'loader', '--to', 'hbase', '--hbase-url', hbase.url, '--table', 'Cars', '--create-table', '--exit']);
      expect(drain.code, drain.stderr).toBe(0);
      const r = await kcollect(bootstrap, ['verify', '--lines', log, '--topic', 'to-table', '--table', 'Cars', '--hbase-url', hbase.url, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).stages).toEqual([
        {stage: 'Kafka', count: 2, lost: 0, notYet: 0, duplicated: 0, unexpected: 0},
        expect.objectContaining({stage: 'HBase Cars', count: 2, lost: 0, duplicated: 0}),
      ]);
    } finally {
      await hbase.stop();
      await broker.close();
    }
  });
});
