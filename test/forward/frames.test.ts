import {describe, expect, it} from 'vitest';
import {FrameError, FrameReader, encodeFrame, type Frame} from '../../src/forward/frames.js';
import type {Event} from '../../src/pipeline/event.js';

/** Every field an Event can carry, in the combinations that matter. */
const events: Event[] = [
  {headers: {}, body: Buffer.alloc(0)},
  {headers: {host: 'car-01', 'timestamp': '1700000000000', 'ünï': 'çødé'}, body: Buffer.from('line one\n'), origin: {file: '/var/log/cars/driving.log', inode: 2 ** 40 + 7, offset: 2 ** 33, host: 'collector-3'}},
  {headers: {n: '2'}, body: Buffer.from([0xff, 0x00, 0xfe]), origin: {file: '/var/log/a.log'}, rejected: 'invalid UTF-8', redelivered: true},
  {headers: {}, body: Buffer.from('from kafka'), kafka: {topic: 'drive', partition: 2, offset: 123_456_789_012, timestamp: 1_700_000_000_123, key: Buffer.from('car-07')}},
  {headers: {}, body: Buffer.from('no key'), kafka: {topic: 't', partition: 0, offset: 0, timestamp: 0, key: null}, origin: {id: 'gen-1:42'}, redelivered: true},
];

function readAll(reader: FrameReader): Frame[] {
  const out: Frame[] = [];
  for (let f = reader.next(); f; f = reader.next()) out.push(f);
  return out;
}

describe('forwarding frames', () => {
  it('carry every field of every event, whatever the chunking of the stream', () => {
    const frames: Frame[] = [
      {kind: 'batch', batchId: 1, events},
      {kind: 'ack', batchId: 1},
      {kind: 'nack', batchId: 0xffff_ffff, maybeDelivered: true, reason: 'channel closed: ☹'},
      {kind: 'batch', batchId: 2, events: []},
    ];
    const bytes = Buffer.concat(frames.map(encodeFrame));
    for (const chunkSize of [1, 7, 64, bytes.length]) {
      const reader = new FrameReader(1 << 20);
      const got: Frame[] = [];
      for (let at = 0; at < bytes.length; at += chunkSize) {
        reader.push(bytes.subarray(at, at + chunkSize));
        got.push(...readAll(reader));
      }
      expect(got).toEqual(frames);
    }
  });

  it('refuses a frame over the size limit from its header, naming its batch', () => {
    const frame = encodeFrame({kind: 'batch', batchId: 77, events: [{headers: {}, body: Buffer.alloc(5000)}]});
    const reader = new FrameReader(4096);
    reader.push(frame.subarray(0, 10));
    expect(() => reader.next()).toThrow(expect.objectContaining({batchId: 77, message: expect.stringMatching(/exceeds maxFrameBytes 4096/)}));
  });

  it('refuses bytes that are not a forwarding frame, and a batch whose counts run past its end', () => {
    const http = new FrameReader(1 << 20);
    http.push(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(() => http.next()).toThrow(FrameError);

    const frame = encodeFrame({kind: 'batch', batchId: 3, events: [events[1]]});
    frame.writeUInt32BE(1_000_000, 10); // claims a million events
    const lying = new FrameReader(1 << 20);
    lying.push(frame);
    expect(() => lying.next()).toThrow(/bad frame: count 1000000/);

    const truncated = encodeFrame({kind: 'batch', batchId: 4, events: [events[1]]});
    truncated.writeUInt32BE(truncated.readUInt32BE(0) - 3, 0); // the frame ends inside the event
    const short = new FrameReader(1 << 20);
    short.push(truncated);
    expect(() => short.next()).toThrow(/bad frame/);
  });
});
