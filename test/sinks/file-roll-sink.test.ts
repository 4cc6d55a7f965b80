import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {Event} from '../../src/pipeline/event.js';
import {SinkDataError} from '../../src/pipeline/sink.js';
import {FileRollSink} from '../../src/sinks/file-roll-sink.js';
import {compilePathEscapes} from '../../src/sinks/path-escapes.js';
import {tempDir} from '../helpers/broker.js';

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
});
