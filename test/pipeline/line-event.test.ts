import os from 'node:os';
import {describe, expect, it} from 'vitest';
import {createInterceptors} from '../../src/interceptors/index.js';
import {Line} from '../../src/lib/line.js';
import {EventReader, encodedEventSize, writeEvent} from '../../src/pipeline/event-codec.js';
import {LineEvent, eventSize, lineOrigin, withChanges} from '../../src/pipeline/event.js';
import {applyInterceptors} from '../../src/pipeline/interceptor.js';
import {originHeader} from '../../src/pipeline/origin.js';

const FILE = '/var/log/cars/status.txt';
const lines = ['20160101000004,K0001,87', 'no timestamp here', '20160101000005,K0002,91'];

/** Three lines of one read, sharing one origin that starts them with a basename header; each lies in the read's one chunk. */
function read() {
  const from = lineOrigin(FILE, 4242, Object.freeze({basename: 'status.txt'}));
  const chunk = Buffer.from(lines.map((l) => `${l}\n`).join(''));
  let offset = 0;
  return {
    from,
    events: lines.map((text) => {
      const event = LineEvent.of(from, new Line(offset, offset + text.length + 1, text.length, chunk, offset, offset + text.length));
      offset += text.length + 1;
      return event;
    }),
  };
}

describe('LineEvent: a line as a range of its read chunk', () => {
  it('gives its own bytes by length and copy, and a body set by an interceptor replaces them', () => {
    const [first, second] = read().events;
    expect([first.body.toString(), second.body.toString()]).toEqual(lines.slice(0, 2));
    expect(second.bodyLength).toBe(lines[1].length);
    const out = Buffer.alloc(second.bodyLength);
    expect(second.copyBody(out, 0)).toBe(lines[1].length);
    expect(out.toString()).toBe(lines[1]);

    second.body = Buffer.from('masked');
    expect(second.bodyLength).toBe(6);
    const copy = Buffer.alloc(6);
    second.copyBody(copy, 0);
    expect(copy.toString()).toBe('masked');
    expect(eventSize(second)).toBe(6 + 'basename'.length + 'status.txt'.length);
    expect(first.body.toString()).toBe(lines[0]);

    // Short lines are copied byte by byte, long ones as a range: the same bytes either way.
    const long = `${'x'.repeat(100)}|${'y'.repeat(100)}`;
    const chunk = Buffer.from(`head\n${long}\n`);
    const event = LineEvent.of(read().from, new Line(5, 6 + long.length, long.length, chunk, 5, 5 + long.length));
    const target = Buffer.alloc(long.length + 2, '#');
    expect(event.copyBody(target, 1)).toBe(long.length);
    expect(target.toString()).toBe(`#${long}#`);
  });
});

describe('LineEvent: lines sharing one origin', () => {
  it('an interceptor that sets a header on one line leaves the other lines and the shared headers alone', () => {
    const {from, events} = read();
    const kept = applyInterceptors(createInterceptors([{type: 'regex_extractor', regex: '^(\\d{14}),(K\\d{4})', serializers: [{name: 'ts'}, {name: 'car'}]}]), events);
    expect(kept.map((e) => e.headers)).toEqual([
      {basename: 'status.txt', ts: '20160101000004', car: 'K0001'},
      {basename: 'status.txt'},
      {basename: 'status.txt', ts: '20160101000005', car: 'K0002'},
    ]);
    expect(from.headers).toEqual({basename: 'status.txt'});
  });

  it('a header changed or removed in place on one line only changes that line', () => {
    const {events} = read();
    const sizeBefore = eventSize(events[2]);
    events[0].headers.basename = 'renamed';
    delete events[2].headers.basename;
    expect(events.map((e) => e.headers)).toEqual([{basename: 'renamed'}, {basename: 'status.txt'}, {}]);
    // What the channels count follows the line's own headers.
    expect(sizeBefore - eventSize(events[2])).toBe('basename'.length + 'status.txt'.length);
  });

  it('names where each line came from: file, inode and its own byte offset, in the origin header too', () => {
    const {events} = read();
    expect(events.map((e) => e.origin)).toEqual([
      {file: FILE, inode: 4242, offset: 0},
      {file: FILE, inode: 4242, offset: 24},
      {file: FILE, inode: 4242, offset: 42},
    ]);
    expect(events.map(originHeader)).toEqual([0, 24, 42].map((offset) => `${os.hostname()}:4242:${offset}`));
  });

  it('an origin changed in place (a forwarding agent sets the host that read it) is what the origin header says', () => {
    const {events} = read();
    events[1].origin.host ??= 'edge-7';
    expect(originHeader(events[1])).toBe('edge-7:4242:24');
    expect(originHeader(events[0])).toBe(`${os.hostname()}:4242:0`);
  });

  it('a line of a file rewritten from 0 names the version of its content: same offset and text, another origin, also after the codec', () => {
    const line = (generation: number) => LineEvent.of(lineOrigin(FILE, 4242, undefined, generation), new Line(0, 7, 6, Buffer.from('BANNER\n'), 0, 6));
    expect([0, 1, 2].map((g) => originHeader(line(g)))).toEqual([`${os.hostname()}:4242:0`, `${os.hostname()}:4242.1:0`, `${os.hostname()}:4242.2:0`]);
    const rewritten = line(1);
    const buf = Buffer.alloc(encodedEventSize(rewritten));
    writeEvent(buf, 0, rewritten);
    const back = new EventReader(buf).event();
    expect(back.origin).toEqual({file: FILE, inode: 4242, offset: 0, generation: 1});
    expect(originHeader(back)).toBe(originHeader(rewritten));
    rewritten.origin.host ??= 'edge-7';
    expect(originHeader(rewritten)).toBe('edge-7:4242.1:0');
  });

  it('keeps headers, origin and rejection through the file channel codec and through a copy with a new body', () => {
    const {events} = read();
    events[1].rejected = 'binary data';
    events[2].headers.car = 'K0002';
    for (const event of events) {
      const buf = Buffer.alloc(encodedEventSize(event));
      expect(writeEvent(buf, 0, event)).toBe(buf.length);
      const back = new EventReader(buf).event();
      expect({headers: back.headers, body: back.body.toString(), origin: back.origin, rejected: back.rejected}).toEqual({headers: event.headers, body: event.body.toString(), origin: event.origin, rejected: event.rejected});
    }
    const copy = withChanges(events[2], {body: Buffer.from('encoded')});
    expect({headers: copy.headers, body: copy.body.toString(), origin: copy.origin, readAt: copy.readAt}).toEqual({headers: {basename: 'status.txt', car: 'K0002'}, body: 'encoded', origin: {file: FILE, inode: 4242, offset: 42}, readAt: events[2].readAt});
    expect(events[2].body.toString()).toBe(lines[2]);
  });
});
