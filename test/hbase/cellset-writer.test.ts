/**
 * The CellSet bytes the sink sends are the JSON a gateway expects: the same document as the
 * object encoding, for any bytes in keys and values, empty values and any timestamp.
 */
import {describe, expect, it} from 'vitest';
import {cellSetBody, writeBase64, CellSetWriter} from '../../src/hbase/cellset-writer.js';
import {encodeCellSet, type HBaseRow} from '../../src/hbase/wire.js';

const json = (pieces: Buffer[]) => JSON.parse(Buffer.concat(pieces).toString('utf8'));
const everyByte = Buffer.from(Array.from({length: 256}, (_, i) => i));

describe('CellSet writer', () => {
  it('base64-encodes any bytes as Buffer does, for every length mod 3', () => {
    for (let n = 0; n <= 9; n++) {
      for (const src of [everyByte.subarray(0, n), everyByte.subarray(256 - n), Buffer.alloc(n, 0xff)]) {
        const out = Buffer.alloc(16, 0x2e);
        const end = writeBase64(src, 0, src.length, out, 2);
        expect(out.toString('latin1', 2, end)).toBe(src.toString('base64'));
        expect(out[1]).toBe(0x2e);
        expect(out[end]).toBe(0x2e);
      }
    }
    const big = Buffer.alloc(4096);
    const out = Buffer.alloc(8192);
    for (let i = 0; i < 4; i++) {
      big.fill(everyByte, i);
      expect(out.toString('latin1', 0, writeBase64(big, i, big.length - i, out, 0))).toBe(big.subarray(i, big.length - i).toString('base64'));
    }
  });

  it('writes the same JSON document as the object encoding', () => {
    const rows: HBaseRow[] = [
      {key: everyByte, cells: [{column: 'cf:all', value: everyByte, timestamp: 0}, {column: 'cf:empty', value: Buffer.alloc(0), timestamp: Number.MAX_SAFE_INTEGER}]},
      {key: Buffer.from('r2'), cells: [{column: 'cf:q', value: Buffer.from('v')}, {column: 'cf:ünï', value: Buffer.from([0]), timestamp: 1_451_606_400_000}]},
      {key: Buffer.from('neg'), cells: [{column: 'cf:q', value: Buffer.from('x'), timestamp: -7}, {column: 'cf:q', value: Buffer.from('y'), timestamp: 10}]},
    ];
    expect(json(cellSetBody(rows))).toEqual(encodeCellSet(rows));
  });

  it('grows past its first buffer, and any run of consecutive rows is a body as it lies', () => {
    const writer = new CellSetWriter(16);
    const rows: HBaseRow[] = Array.from({length: 300}, (_, i) => ({key: Buffer.from(`row${i}`), cells: [{column: 'f:v', value: Buffer.alloc(i, i), timestamp: i}]}));
    const ranges = rows.map((row) => {
      writer.row(row);
      return {start: writer.rowStart, end: writer.length};
    });
    expect(json(writer.body(ranges[17].start, ranges[200].end))).toEqual(encodeCellSet(rows.slice(17, 201)));
    expect(json(writer.body(ranges[0].start, ranges[0].end))).toEqual(encodeCellSet(rows.slice(0, 1)));
    expect(json(writer.body(0, writer.length))).toEqual(encodeCellSet(rows));
    expect(json(new CellSetWriter().body(0, 0))).toEqual({Row: []});
  });

  it('refuses a timestamp that is not an integer', () => {
    expect(() => cellSetBody([{key: Buffer.from('r'), cells: [{column: 'f:q', value: Buffer.from('v'), timestamp: 1.5}]}])).toThrow(/integer/);
  });
});
