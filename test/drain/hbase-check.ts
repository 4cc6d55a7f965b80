import {expect} from 'vitest';
import {HBaseRestClient} from '../../src/hbase/rest-client.js';
import {BOOK_COLUMNS, bookRowKey} from './driving-records.js';

/**
 * Asserts what a user would check in HBase: one row per record under the book's key, each with
 * the eight cf1 columns holding the record's fields, and exactly one version of every cell.
 */
export async function expectTableHoldsExactly(url: string, table: string, lines: string[]): Promise<void> {
  const client = new HBaseRestClient(url);
  const expected = new Map(lines.map((l) => [bookRowKey(l), l.split(',')]));
  const seen = new Set<string>();
  let problems = 0;
  for await (const row of client.scan(table, {maxVersions: 10, batch: 5000})) {
    const key = row.key.toString();
    const fields = expected.get(key);
    seen.add(key);
    const columns = row.cells.map((c) => c.column).sort();
    const want = fields ? BOOK_COLUMNS.map((c) => `cf1:${c}`).sort() : [];
    const ok = fields !== undefined && JSON.stringify(columns) === JSON.stringify(want) && row.cells.every((c) => c.value.toString() === fields[BOOK_COLUMNS.indexOf(c.column.slice(4))]);
    if (!ok && problems++ < 3) expect.soft({key, cells: row.cells.map((c) => `${c.column}=${c.value}@${c.timestamp}`)}).toEqual({key, expected: fields});
  }
  expect(problems).toBe(0);
  expect(seen.size).toBe(expected.size);
}
