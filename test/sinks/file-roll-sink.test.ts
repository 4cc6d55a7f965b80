import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {withChanges, type Event} from '../../src/pipeline/event.js';
import {SinkDataError, SinkUnavailableError} from '../../src/pipeline/sink.js';
import {diskIo} from '../../src/lib/fs.js';
import {FileRollSink} from '../../src/sinks/file-roll-sink.js';
import {compilePathEscapes} from '../../src/sinks/path-escapes.js';
import {tempDir} from '../helpers/broker.js';
import type {FetchedRecord} from '../../src/client/fetcher.js';
import {recordToEvent} from '../../src/drain/events.js';
import {decodeBatches, encodeBatch} from '../../src/protocol/records/records.js';
import {fillDisk, type FullDisk} from '../helpers/failing-disk.js';

const at = (offset: number, body: string, timestamp = Date.UTC(2016, 0, 1, 13, 5)): Event => ({headers: {logType: 'driving'}, body: Buffer.from(body), kafka: {topic: 't', partition: 0, offset, timestamp, key: null}});

describe('path escapes', () => {
  it("formats headers and the event's time in UTC", () => {
    const p = compilePathEscapes('/c/%{logType}/wrk_date=%Y%m%d/%H%M-%{topic}-%{partition}-100%%');
    expect(p(at(0, 'x'))).toBe('/c/driving/wrk_date=20160101/1305-t-0-100%');
    // A timestamp header wins over the Kafka timestamp (Flume's timestamp interceptor).
    const stamped = {...at(0, 'x'), headers: {logType: 'a', timestamp: String(Date.UTC(2020, 11, 31, 23, 59))}};
    expect(p(stamped)).toBe('/c/a/wrk_date=20201231/2359-t-0-100%');
    expect(() => compilePathEscapes('%Q')).toThrow(/unknown escape %Q/);
  });

  it("by default takes the record's own time (a leading yyyyMMddHHmmss), not when it was collected", () => {
    const collected = {...at(0, '20160101235958,B0002,3,0,F,N,45,C07'), headers: {logType: 'a', timestamp: String(Date.UTC(2026, 11, 3, 9, 0))}, kafka: {topic: 't', partition: 0, offset: 0, timestamp: Date.UTC(2026, 11, 3, 9, 0, 1), key: null}};
    expect(compilePathEscapes('wrk_date=%Y%m%d/%H%M%S')(collected)).toBe('wrk_date=20160101/235958');
    expect(compilePathEscapes('wrk_date=%Y%m%d', 'header')(collected)).toBe('wrk_date=20261203');
    expect(compilePathEscapes('%H%M%S', 'kafka')(collected)).toBe('090001');
    // A line without a valid leading time falls back to the header, then the Kafka timestamp.
    const p = compilePathEscapes('%Y%m%d');
    expect(p({...collected, body: Buffer.from('20161399000000,not a date')})).toBe('20261203');
    expect(p({...collected, headers: {}, body: Buffer.from('no time here')})).toBe('20261203');
  });
});

describe('rolling file sink', () => {
  it('keeps an open file under its in-use name, rolls by count, and refuses events its path cannot name', async () => {
    const dir = tempDir('roll');
    const sink = new FileRollSink({dir: path.join(dir, '%{logType}'), rollCount: 2});
    await sink.start();
    await sink.write([at(0, 'a'), at(1, 'b'), at(2, 'c')]);
    expect(fs.readdirSync(path.join(dir, 'driving')).sort()).toEqual(['t-0-00000000000000000000.log', 't-0-00000000000000000002.log.tmp']);
    const noHeader: Event = {headers: {}, body: Buffer.from('d'), kafka: {topic: 't', partition: 0, offset: 3, timestamp: 0, key: null}};
    await expect(sink.write([noHeader, at(4, 'e')])).rejects.toBeInstanceOf(SinkDataError);
    await sink.close();
    const final = path.join(dir, 'driving');
    expect(fs.readdirSync(final).sort()).toEqual(['t-0-00000000000000000000.log', 't-0-00000000000000000002.log']);
    expect(fs.readFileSync(path.join(final, 't-0-00000000000000000002.log'), 'utf8')).toBe('c\ne\n');
  });

  it("writes each event of a batch that mixes partitions into its own partition's file", async () => {
    const dir = tempDir('roll-mixed');
    const sink = new FileRollSink({dir});
    const on = (partition: number, offset: number) => ({...at(offset, `p${partition}-${offset}`), kafka: {topic: 't', partition, offset, timestamp: 0, key: null}});
    await sink.write([on(0, 5), on(1, 7), on(1, 8), on(0, 6), on(2, 0)]);
    await sink.close();
    const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
    expect(fs.readdirSync(dir).sort()).toEqual(['t-0-00000000000000000005.log', 't-1-00000000000000000007.log', 't-2-00000000000000000000.log']);
    expect([read('t-0-00000000000000000005.log'), read('t-1-00000000000000000007.log'), read('t-2-00000000000000000000.log')]).toEqual(['p0-5\np0-6\n', 'p1-7\np1-8\n', 'p2-0\n']);
  });
});

describe('rolling file sink fed by a drain', () => {
  it("writes drained records' values straight from the fetched bytes, null values as empty lines, and a body a stage replaced", async () => {
    const dir = tempDir('roll-drained');
    const sink = new FileRollSink({dir});
    const batch = await encodeBatch([{value: 'one'}, {value: null}, {key: 'k', value: 'three'}, {value: 'four'}], {baseTimestamp: Date.UTC(2016, 0, 1)});
    const [{records}] = await decodeBatches(batch, {origin: {topic: 't', partition: 0}});
    const events = records.map((r) => recordToEvent(r as FetchedRecord));
    events[3].body = Buffer.from('replaced');
    // A plain event in the same batch goes the same way.
    await sink.write([...events, {...at(4, 'plain'), kafka: {topic: 't', partition: 0, offset: 4, timestamp: 0, key: null}}]);
    await sink.close();
    expect(fs.readFileSync(path.join(dir, 't-0-00000000000000000000.log'), 'utf8')).toBe('one\n\nthree\nreplaced\nplain\n');
    expect(events.map((e) => e.body.toString())).toEqual(['one', '', 'three', 'replaced']);
  });

  it('writes what copies hold: a record with its value replaced, an event with its body replaced', async () => {
    const dir = tempDir('roll-spread');
    const sink = new FileRollSink({dir: path.join(dir, '%{logType}')});
    const batch = await encodeBatch([{value: 'raw-0', headers: [{key: 'logType', value: 'status'}]}, {value: 'raw-1', headers: [{key: 'logType', value: 'status'}]}], {baseTimestamp: Date.UTC(2016, 0, 1)});
    const [{records}] = await decodeBatches(batch, {origin: {topic: 't', partition: 0}});
    // As --value-format avro does: the record (when printing) or the event (when draining) is
    // copied with a decoded value; both are made when read, so a copy names its headers.
    const fromRecord = recordToEvent({...records[0], value: Buffer.from('decoded-0'), headers: records[0].headers} as FetchedRecord);
    const drained = recordToEvent(records[1] as FetchedRecord);
    const fromEvent = withChanges(drained, {body: Buffer.from('decoded-1')});
    await sink.write([fromRecord, fromEvent]);
    await sink.close();
    expect(fs.readFileSync(path.join(dir, 'status', 't-0-00000000000000000000.log'), 'utf8')).toBe('decoded-0\ndecoded-1\n');
  });
});

describe('rolling file sink when the disk cannot flush', () => {
  const realDatasync = diskIo.datasync;
  afterEach(() => {
    diskIo.datasync = realDatasync;
  });

  it('does not confirm a batch whose flush failed, takes it back, and writes it once on the retry', async () => {
    const dir = tempDir('roll-eio');
    const sink = new FileRollSink({dir});
    await sink.write([at(0, 'a'), at(1, 'b')]);
    diskIo.datasync = () => Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), {code: 'EIO'}));
    await expect(sink.write([at(2, 'c'), at(3, 'd')])).rejects.toBeInstanceOf(SinkUnavailableError);
    // Only what was confirmed is in the file: the unflushed batch is cut off again.
    expect(fs.readFileSync(path.join(dir, 't-0-00000000000000000000.log.tmp'), 'utf8')).toBe('a\nb\n');
    diskIo.datasync = realDatasync;
    await sink.write([at(2, 'c'), at(3, 'd')]);
    await sink.close();
    expect(fs.readFileSync(path.join(dir, 't-0-00000000000000000000.log'), 'utf8')).toBe('a\nb\nc\nd\n');
  });
});

describe('rolling file sink on a full disk', () => {
  let disk: FullDisk | undefined;
  afterEach(() => {
    disk?.restore();
    disk = undefined;
  });

  /** Every line of every file (final and in use), in offset order of the files' names. */
  const lines = (dir: string) =>
    fs
      .readdirSync(dir)
      .sort()
      .flatMap((name) => fs.readFileSync(path.join(dir, name), 'utf8').split('\n').slice(0, -1));

  it('fails a batch it cannot write whole, leaves no part of it in any file, and takes it again once space returns', async () => {
    const dir = tempDir('roll-full');
    const sink = new FileRollSink({dir, rollCount: 7});
    await sink.start();
    const batch = (from: number) => Array.from({length: 5}, (_, i) => at(from + i, `line-${String(from + i).padStart(4, '0')}`));
    const confirmed: string[] = [];
    let failures = 0;
    for (let from = 0; from < 60; from += 5) {
      // The disk fills part-way through the run: the next write is cut short, then refused.
      if (from === 20 && !disk) disk = fillDisk({allowBytes: 30});
      try {
        await sink.write(batch(from));
      } catch (err) {
        expect(err).toBeInstanceOf(SinkUnavailableError);
        failures++;
        // What the files hold is exactly what was confirmed: no torn line, no line of the failed batch.
        expect(lines(dir)).toEqual(confirmed);
        if (failures === 3) disk!.free();
        from -= 5; // the drain retries the same records
        continue;
      }
      confirmed.push(...batch(from).map((e) => e.body.toString()));
    }
    await sink.close();
    expect(failures).toBe(3);
    expect(lines(dir)).toEqual(Array.from({length: 60}, (_, i) => `line-${String(i).padStart(4, '0')}`));
    expect(fs.readdirSync(dir).every((n) => n.endsWith('.log'))).toBe(true);
  });

  it('creates its files 0600 and its directories 0700', async () => {
    const dir = tempDir('roll-modes');
    const sink = new FileRollSink({dir: path.join(dir, 'out', '%{logType}')});
    await sink.write([at(0, 'a')]);
    await sink.close();
    expect(fs.statSync(path.join(dir, 'out')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, 'out', 'driving')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, 'out', 'driving', 't-0-00000000000000000000.log')).mode & 0o777).toBe(0o600);
  });

  it("lets a drain commit a partition up to its in-use file's start; files of one partition that overlap commit what was written", async () => {
    const dir = tempDir('roll-committable');
    const sink = new FileRollSink({dir, rollCount: 3});
    expect(sink.committable('t', 0, 2)).toBe(2);
    await sink.write([at(0, 'a'), at(1, 'b')]);
    expect(sink.committable('t', 0, 2)).toBe(0);
    await sink.write([at(2, 'c'), at(3, 'd'), at(4, 'e')]);
    // 0-2 closed on the write that reached 3: the partition is committed up to 3, not to 5.
    expect(sink.committable('t', 0, 5)).toBe(3);
    expect(sink.committable('t', 1, 9)).toBe(9);
    await sink.closePartitions('t', [0]);
    expect(fs.readdirSync(dir).sort()).toEqual(['t-0-00000000000000000000.log', 't-0-00000000000000000003.log']);
    expect(sink.committable('t', 0, 5)).toBe(5);

    // A header spreads one partition's records over two directories.
    const typed = (offset: number, logType: string) => ({...at(offset, `${logType}-${offset}`), headers: {logType}});
    const spread = new FileRollSink({dir: path.join(tempDir('roll-spread'), '%{logType}'), rollCount: 2});
    await spread.write([typed(0, 'a'), typed(1, 'b'), typed(2, 'b'), typed(3, 'b')]);
    // b's 1-2 closed, after a's start: started again at 0, a drain writes it again as it was.
    expect(spread.committable('t', 0, 4)).toBe(0);
    const straddled = new FileRollSink({dir: path.join(tempDir('roll-straddled'), '%{logType}'), rollCount: 2});
    await straddled.write([typed(0, 'b'), typed(1, 'a'), typed(2, 'b'), typed(3, 'b')]);
    // b's 0-2 closed holding records from both sides of a's start (1): no offset splits closed
    // from in-use files, so the commit follows the writes.
    expect(straddled.committable('t', 0, 4)).toBe(4);
    for (const s of [sink, spread, straddled]) await s.close();
  });

  it("written again from a file's start, ends each file where the file already there ended", async () => {
    const dir = tempDir('roll-again');
    // An earlier drain's files: 0-2 closed by time, 3-4 left in use by a kill.
    fs.writeFileSync(path.join(dir, 't-0-00000000000000000000.log'), 'a\nb\nc\n');
    fs.writeFileSync(path.join(dir, 't-0-00000000000000000003.log.tmp'), 'd\ne\n');
    const sink = new FileRollSink({dir});
    await sink.write([at(0, 'a'), at(1, 'b'), at(2, 'c'), at(3, 'd'), at(4, 'e'), at(5, 'f')]);
    expect(sink.committable('t', 0, 6)).toBe(3);
    await sink.close();
    const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
    expect(fs.readdirSync(dir).sort()).toEqual(['t-0-00000000000000000000.log', 't-0-00000000000000000003.log']);
    expect(read('t-0-00000000000000000000.log')).toBe('a\nb\nc\n');
    expect(read('t-0-00000000000000000003.log')).toBe('d\ne\nf\n');
  });
});
