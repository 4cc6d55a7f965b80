import {describe, expect, it} from 'vitest';
import {Reader} from '../../src/protocol/reader.js';
import {Writer} from '../../src/protocol/writer.js';

describe('Reader varints', () => {
  it('reads back every length of zig-zag varint and varlong the writer makes, one after another', () => {
    const ints = [0, 1, -1, 63, -64, 64, 8191, -8192, 8192, 1_048_575, 134_217_727, -134_217_728, 2 ** 31 - 1, -(2 ** 31)];
    const longs = [...ints, 2 ** 40, -(2 ** 47), 2 ** 48 - 1, 2 ** 53 - 1, -(2 ** 53 - 1), 1_700_000_000_000];
    const w = new Writer();
    for (const v of ints) w.varint(v);
    for (const v of longs) w.varlong(v);
    const r = new Reader(w.toBuffer());
    expect(ints.map(() => r.varint())).toEqual(ints);
    expect(longs.map(() => r.varlong())).toEqual(longs);
    expect(r.remaining).toBe(0);
  });

  it('refuses a varint cut off inside its bytes or longer than five bytes', () => {
    const cut = new Writer().varint(1_000_000).toBuffer();
    expect(() => new Reader(cut, 0, cut.length - 1).varint()).toThrow(/truncated/);
    expect(() => new Reader(cut.subarray(0, 1)).varlong()).toThrow(/truncated/);
    expect(() => new Reader(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])).uvarint()).toThrow(/too long/);
  });
});
