/**
 * The emulator's tables in memory, with HBase's data model: rows sorted by unsigned key bytes,
 * cells addressed by {row, family:qualifier, timestamp}, newest version first, at most VERSIONS
 * versions per family. A put at an existing {row, column, timestamp} overwrites that version.
 * Every change arrives as it is logged, so replaying the log rebuilds the same state.
 */
import {CELL_FIELDS, type ScannedCellSet} from './cellset-scanner.js';

export interface FamilySchema {
  name: string;
  versions: number;
}

/** A change, exactly as logged; keys, columns and values base64 so any bytes survive JSON. */
export type LogEntry =
  | {op: 'schema'; table: string; families: FamilySchema[]}
  | {op: 'drop'; table: string}
  | {op: 'put'; table: string; cells: LoggedCell[]};

/** One cell of a put, as logged. */
export type LoggedCell = [key: string, column: string, timestamp: number, value: string];

/** A put read by scanCellSet, logged as the request's own CellSet bytes. */
export interface ScannedPut {
  op: 'scanned-put';
  table: string;
  put: ScannedCellSet;
}

export type Change = LogEntry | ScannedPut;

export interface StoredCell {
  key: Buffer;
  column: Buffer;
  timestamp: number;
  value: Buffer;
}

/** 'family' (every qualifier) or 'family:qualifier'. */
export interface ColumnSelector {
  family: string;
  qualifier?: Buffer;
}

export interface ReadOptions {
  columns?: ColumnSelector[];
  maxVersions: number;
  /** [from, to): only versions with from <= timestamp < to */
  timeRange?: [number, number];
}

/**
 * A row's cells in one flat array, column after column: [column, n, then n versions newest first,
 * each as timestamp high part, low part, value]; the column is 'family:qualifier' (latin1 of its
 * bytes), the value base64, as logged, so a put applies without decoding. A timestamp is kept as
 * two small integers because a number as large as a millisecond time would be an object of its
 * own in the array. A cell thus costs one string and a row one array: millions of objects made
 * the garbage collector the emulator's main cost. A row has few columns, found by walking it.
 */
type Row = Array<string | number>;

interface Table {
  families: Map<string, FamilySchema>;
  /** latin1 of the key bytes: string order is then unsigned byte order, HBase's row order */
  rows: Map<string, Row>;
  /** the keys of `rows` in order, for scanners to walk without copying (see orderedKeys) */
  sortedKeys: string[];
  /** keys of rows added since sortedKeys was last brought up to date */
  addedKeys: string[];
}

export const DEFAULT_VERSIONS = 3;

/** Splits 'family:qualifier' bytes at the first ':'; null when there is none (HBase: 400). */
export function splitColumn(column: Buffer): {family: string; qualifier: Buffer} | null {
  const at = column.indexOf(0x3a);
  if (at <= 0) return null;
  return {family: column.subarray(0, at).toString('utf8'), qualifier: column.subarray(at + 1)};
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class Store {
  private readonly tables = new Map<string, Table>();

  tableNames(): string[] {
    return [...this.tables.keys()].sort(byString);
  }

  families(table: string): FamilySchema[] | undefined {
    const t = this.tables.get(table);
    return t && [...t.families.values()];
  }

  rowCount(table: string): number {
    return this.tables.get(table)?.rows.size ?? 0;
  }

  apply(entry: Change): void {
    switch (entry.op) {
      case 'schema': {
        const existing = this.tables.get(entry.table);
        const families = new Map(entry.families.map((f) => [f.name, f]));
        const table: Table = {families, rows: existing?.rows ?? new Map(), sortedKeys: existing?.sortedKeys ?? [], addedKeys: existing?.addedKeys ?? []};
        this.tables.set(entry.table, table);
        // A replaced schema drops the cells of families it no longer has, and extra versions.
        for (const [key, row] of table.rows) table.rows.set(key, keepFamilies(row, families));
        return;
      }
      case 'drop':
        this.tables.delete(entry.table);
        return;
      case 'put': {
        const put = this.putter(entry.table);
        if (put) for (const [key, column, timestamp, value] of entry.cells) put(key, column, timestamp, value);
        return;
      }
      case 'scanned-put': {
        const put = this.putter(entry.table);
        if (!put) return;
        const {body, keys, columns, cells, cellCount} = entry.put;
        for (let at = 0; at < CELL_FIELDS * cellCount; at += CELL_FIELDS) {
          put(keys[cells[at]], columns[cells[at + 1]], cells[at + 2], body.toString('latin1', cells[at + 3], cells[at + 4]));
        }
        return;
      }
    }
  }

  /**
   * Puts one cell (key, column and value base64) into `name`, for the cells of one put: a put
   * repeats a few columns over many cells, and a row's cells come together. Undefined when there
   * is no such table; cells of families the table lacks are left out.
   */
  private putter(name: string): ((key: string, column: string, timestamp: number, value: string) => void) | undefined {
    const table = this.tables.get(name);
    if (!table) return undefined;
    const columnsSeen = new Map<string, {column: string; versions: number} | null>();
    let lastKey: string | undefined;
    let row: Row | undefined;
    return (key, column, timestamp, value) => {
      let parts = columnsSeen.get(column);
      if (parts === undefined) {
        const bytes = Buffer.from(column, 'base64');
        const split = splitColumn(bytes);
        const schema = split && table.families.get(split.family);
        parts = schema ? {column: bytes.toString('latin1'), versions: schema.versions} : null;
        columnsSeen.set(column, parts);
      }
      if (!parts) return;
      if (key !== lastKey || !row) {
        lastKey = key;
        const rowKey = Buffer.from(key, 'base64').toString('latin1');
        row = table.rows.get(rowKey);
        if (!row) {
          table.rows.set(rowKey, (row = []));
          table.addedKeys.push(rowKey);
        }
      }
      putVersion(row, parts.column, timestamp, value, parts.versions);
    };
  }

  /** The row's cells in HBase's order (family, qualifier, newest first); [] when it has none. */
  readRow(table: string, key: Buffer, options: ReadOptions): StoredCell[] {
    const row = this.tables.get(table)?.rows.get(key.toString('latin1'));
    if (!row) return [];
    const cells: StoredCell[] = [];
    for (const at of columnsInOrder(row)) {
      const name = row[at] as string;
      const colon = name.indexOf(':');
      const family = name.slice(0, colon);
      const q = Buffer.from(name.slice(colon + 1), 'latin1');
      if (options.columns && !options.columns.some((c) => c.family === family && (!c.qualifier || c.qualifier.equals(q)))) continue;
      const column = Buffer.from(name, 'latin1');
      let taken = 0;
      const end = nextColumn(row, at);
      for (let i = at + 2; i < end && taken < options.maxVersions; i += VERSION) {
        const timestamp = timestampAt(row, i);
        if (options.timeRange && (timestamp < options.timeRange[0] || timestamp >= options.timeRange[1])) continue;
        cells.push({key, column, timestamp, value: Buffer.from(row[i + 2] as string, 'base64')});
        taken++;
      }
    }
    return cells;
  }

  /** The newest value of one column, or undefined. */
  latest(table: string, key: Buffer, family: string, qualifier: Buffer): Buffer | undefined {
    const row = this.tables.get(table)?.rows.get(key.toString('latin1'));
    const at = row ? findColumn(row, `${family}:${qualifier.toString('latin1')}`) : -1;
    return at < 0 ? undefined : Buffer.from(row![at + 4] as string, 'base64');
  }

  /**
   * The first row key after `after` (from `start` on when undefined) and before `end` (empty =
   * no end), in key order; undefined past the last. Scanners step through a range with it, so
   * an open scanner holds one key, not a copy of its range.
   */
  nextKey(table: string, start: Buffer, end: Buffer, after?: Buffer): Buffer | undefined {
    const t = this.tables.get(table);
    if (!t) return undefined;
    const keys = orderedKeys(t);
    const i = after === undefined ? lowerBound(keys, start.toString('latin1')) : upperBound(keys, after.toString('latin1'));
    if (i >= keys.length) return undefined;
    const key = keys[i];
    if (end.length > 0 && key >= end.toString('latin1')) return undefined;
    return Buffer.from(key, 'latin1');
  }

  /** The whole state as entries that rebuild it (to compact the log). */
  *snapshot(): Generator<LogEntry> {
    for (const [name, table] of this.tables) {
      yield {op: 'schema', table: name, families: [...table.families.values()]};
      for (const [rowKey, row] of table.rows) {
        const key = Buffer.from(rowKey, 'latin1').toString('base64');
        const cells: LoggedCell[] = [];
        for (let at = 0; at < row.length; at = nextColumn(row, at)) {
          const column = Buffer.from(row[at] as string, 'latin1').toString('base64');
          for (let i = at + 2; i < nextColumn(row, at); i += VERSION) cells.push([key, column, timestampAt(row, i), row[i + 2] as string]);
        }
        yield {op: 'put', table: name, cells};
      }
    }
  }
}

/** Slots of a version: timestamp high part, low part, value. */
const VERSION = 3;
const TIMESTAMP_LOW = 2 ** 26;

const timestampAt = (row: Row, i: number): number => (row[i] as number) * TIMESTAMP_LOW + (row[i + 1] as number);

/** Where the column after the one at `at` starts. */
const nextColumn = (row: Row, at: number): number => at + 2 + VERSION * (row[at + 1] as number);

/** Where `column` starts in `row`, or -1. */
function findColumn(row: Row, column: string): number {
  for (let at = 0; at < row.length; at = nextColumn(row, at)) if (row[at] === column) return at;
  return -1;
}

/** Adds a version of `column`, keeping its versions newest first; the same timestamp overwrites; at most `max`. */
function putVersion(row: Row, column: string, timestamp: number, value: string, max: number): void {
  const high = Math.floor(timestamp / TIMESTAMP_LOW);
  const low = timestamp - high * TIMESTAMP_LOW;
  const at = findColumn(row, column);
  if (at < 0) {
    row.push(column, 1, high, low, value);
    return;
  }
  const count = row[at + 1] as number;
  const end = at + 2 + VERSION * count;
  let i = at + 2;
  while (i < end && timestampAt(row, i) > timestamp) i += VERSION;
  if (i < end && timestampAt(row, i) === timestamp) {
    row[i + 2] = value;
    return;
  }
  if (count === max) {
    if (i === end) return; // older than every version kept
    row.splice(end - VERSION, VERSION);
    row.splice(i, 0, high, low, value);
    return;
  }
  row.splice(i, 0, high, low, value);
  row[at + 1] = count + 1;
}

/** The row without the columns of families not in `families`, each with at most its family's versions. */
function keepFamilies(row: Row, families: Map<string, FamilySchema>): Row {
  const kept: Row = [];
  for (let at = 0; at < row.length; at = nextColumn(row, at)) {
    const column = row[at] as string;
    const schema = families.get(column.slice(0, column.indexOf(':')));
    if (!schema) continue;
    const count = Math.min(row[at + 1] as number, schema.versions);
    kept.push(column, count, ...row.slice(at + 2, at + 2 + VERSION * count));
  }
  return kept;
}

/** Where each column of `row` starts, in HBase's order: by family, then by qualifier bytes. */
function columnsInOrder(row: Row): number[] {
  const starts: number[] = [];
  for (let at = 0; at < row.length; at = nextColumn(row, at)) starts.push(at);
  const split = (at: number): [string, string] => {
    const name = row[at] as string;
    const colon = name.indexOf(':');
    return [name.slice(0, colon), name.slice(colon + 1)];
  };
  return starts.sort((a, b) => {
    const [fa, qa] = split(a);
    const [fb, qb] = split(b);
    return byString(fa, fb) || byString(qa, qb);
  });
}

/** First index whose key is >= `key`. */
function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose key is > `key`. */
function upperBound(keys: string[], key: string): number {
  const i = lowerBound(keys, key);
  return i < keys.length && keys[i] === key ? i + 1 : i;
}

/** The table's keys in order: rows added since the last call are sorted and merged in once. */
function orderedKeys(table: Table): string[] {
  if (table.addedKeys.length === 0) return table.sortedKeys;
  const added = table.addedKeys.sort(byString);
  const old = table.sortedKeys;
  const merged: string[] = new Array(old.length + added.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < merged.length; k++) merged[k] = j >= added.length || (i < old.length && old[i] < added[j]) ? old[i++] : added[j++];
  table.sortedKeys = merged;
  table.addedKeys = [];
  return merged;
}
