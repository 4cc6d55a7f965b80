import {describe, expect, it} from 'vitest';
import {keyValues, table} from '../../src/services/text-table.js';
import {formatTable} from '../../src/zk/format.js';
import {layoutTable} from '../../src/ui/tables.js';

/** The plain tables the commands print: columns padded to their widest cell, at any size. */

describe('text tables', () => {
  it('pads each column to its widest cell, header included, and prints - for a missing value', () => {
    expect(table(['ROW', 'COLUMN', 'VALUE'], [['r1', 'cf:long-name', 'x'], ['row-2', null, 'y']]).split('\n')).toEqual([
      'ROW    COLUMN        VALUE',
      'r1     cf:long-name  x',
      'row-2  -             y',
    ]);
    expect(keyValues([['a', 1], ['longer', 'two']])).toBe('a       1\nlonger  two');
  });

  // `hbase scan` prints one line per cell: 20,000 rows x 8 columns is 160,000 lines, more values
  // than Math.max(...values) can take as arguments (it threw "Maximum call stack size exceeded").
  it('lays out 200,000 rows, each column as wide as its widest cell anywhere in them', () => {
    const rows = Array.from({length: 200_000}, (_, i) => [`row-${i}`, i === 123_456 ? 'cf:the-widest-column' : 'cf:v', 7, 'v']);
    const lines = table(['ROW', 'COLUMN', 'TIMESTAMP', 'VALUE'], rows).split('\n');
    expect(lines).toHaveLength(200_001);
    expect(lines[0]).toBe('ROW         COLUMN                TIMESTAMP  VALUE');
    expect(lines[1]).toBe('row-0       cf:v                  7          v');
    expect(lines[123_457]).toBe('row-123456  cf:the-widest-column  7          v');

    // The same layout in `kcollect zk server` output and the dashboard (a znode's children).
    const zk = formatTable(['child', 'n'], rows.map((r) => [r[0], r[2]]));
    expect(zk).toHaveLength(200_001);
    expect(zk[0]).toBe('CHILD       N');
    const ui = layoutTable({headers: ['CHILD', 'N'], right: [1], rows: rows.map((r) => ({key: String(r[0]), cells: [String(r[0]), String(r[2])]}))});
    expect(ui.header).toBe('CHILD       N');
    expect(ui.lines[199_999]).toBe('row-199999  7');
  });
});
