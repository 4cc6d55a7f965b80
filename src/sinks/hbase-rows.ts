/**
 * Turns an event into an HBase row the way the book's SplitBolt does: the body is split at a
 * delimiter into named fields, each field becomes the cell `family:name`, and the row key comes
 * from a template over the fields. The cell version is the record's own time, never the clock,
 * so writing the same record again overwrites the same cell instead of adding a version.
 */
import type {Event} from '../pipeline/event.js';
import type {HBaseRow} from '../hbase/wire.js';
import type {CellSetWriter} from '../hbase/cellset-writer.js';
import {UserError} from '../lib/errors.js';

/** The book's DriverCarInfo qualifiers, in the driving log's field order. */
export const BOOK_COLUMNS = ['date', 'car_number', 'speed_pedal', 'break_pedal', 'steer_angle', 'direct_light', 'speed', 'area_number'];

/** The book's row key: the reversed 14-digit timestamp, '-', the car number. */
export const BOOK_ROW_KEY = '{date:reverse}-{car_number}';

export const ROW_KEY_HELP =
  '{COLUMN} a field by its column name, {COLUMN:reverse} reversed, {topic} {partition} {offset} {key} where the record sits in Kafka; other text is kept';

export interface RowMappingOptions {
  family: string;
  columns: string[];
  rowKey: string;
  /** Field separator in the body (default ','). */
  delimiter?: string;
}

/** A record that cannot become a row: a data error for that one record. */
export class RowMappingError extends Error {}

type KeyPart = string | ((fields: string[], event: Event) => string);

const KAFKA_TOKENS: Record<string, (e: Event) => string> = {
  topic: (e) => kafkaOf(e).topic,
  partition: (e) => String(kafkaOf(e).partition),
  offset: (e) => String(kafkaOf(e).offset),
  key: (e) => {
    const key = kafkaOf(e).key;
    if (key === null || key.length === 0) throw new RowMappingError('the row key names the Kafka key, but the record has none');
    return key.toString('utf8');
  },
};

/**
 * A field the row key names. An empty one is refused: its key would be one every such record
 * shares ("-" for the book's), each record overwriting the one before at the same version.
 */
function keyField(fields: string[], index: number, name: string): string {
  if (fields[index] === '') throw new RowMappingError(`the row key's field ${name} is empty`);
  return fields[index];
}

function kafkaOf(e: Event) {
  if (!e.kafka) throw new RowMappingError('the row key names a Kafka position, but the event was not read from Kafka');
  return e.kafka;
}

/** The row key of a record's fields; `fields` names the indices it reads (the others may be left out). */
export function compileRowKey(template: string, columns: string[]): {key: (fields: string[], event: Event) => string; fields: number[]} {
  const parts: KeyPart[] = [];
  const used: number[] = [];
  const re = /\{([^{}:]+)(?::([^{}]+))?\}/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    if (m.index > last) parts.push(template.slice(last, m.index));
    last = re.lastIndex;
    const [token, name, modifier] = m;
    const index = columns.indexOf(name);
    if (modifier !== undefined && modifier !== 'reverse') throw new UserError(`unknown modifier "${modifier}" in row key token ${token}`, 'the one modifier is :reverse, e.g. {date:reverse}');
    if (index >= 0) {
      used.push(index);
      parts.push(modifier ? (f) => reverse(keyField(f, index, name)) : (f) => keyField(f, index, name));
    } else if (name in KAFKA_TOKENS && !modifier) {
      const get = KAFKA_TOKENS[name];
      parts.push((_, e) => get(e));
    } else {
      throw new UserError(`row key token ${token} names no column`, `columns: ${columns.join(',')}; tokens: ${ROW_KEY_HELP}`);
    }
  }
  if (last < template.length) parts.push(template.slice(last));
  if (!parts.some((p) => typeof p === 'function')) throw new UserError(`row key template "${template}" uses no field`, `every record would land in one row; tokens: ${ROW_KEY_HELP}`);
  return {key: (fields, event) => parts.map((p) => (typeof p === 'string' ? p : p(fields, event))).join(''), fields: used};
}

/** `text` reversed by code point: a surrogate pair stays whole (the plain loop, cheaper, when there is none). */
function reverse(text: string): string {
  if (/[\uD800-\uDFFF]/.test(text)) return [...text].reverse().join('');
  let out = '';
  for (let i = text.length - 1; i >= 0; i--) out += text[i];
  return out;
}

/**
 * The cell version: the Kafka record's timestamp, else the event's `timestamp` header (ms), else
 * the record's own `date` field (the book's yyyyMMddHHmmss, read as UTC; its hour 24 is the next
 * midnight). Never the clock, so writing a record again overwrites the same version.
 */
export function recordTime(event: Event, date?: string): number {
  if (event.kafka) return event.kafka.timestamp;
  const header = event.headers.timestamp;
  if (header !== undefined && /^\d+$/.test(header)) return Number(header);
  const m = date === undefined ? null : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(date);
  if (m) return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  throw new RowMappingError('the event has no record time (no Kafka timestamp, no timestamp header, no yyyyMMddHHmmss date field)');
}

/** An event's row, as cells (`mapping(event)`) or written straight into a CellSet (`mapping.encode`). */
export interface RowMapping {
  (event: Event): HBaseRow;
  /** Writes the event's row into `writerFor(its key)` from the record's bytes, no object per cell; returns its key. */
  encode(event: Event, writerFor: (key: Buffer) => CellSetWriter): Buffer;
}

export function compileRowMapping(options: RowMappingOptions): RowMapping {
  const {family, columns} = options;
  const delimiter = options.delimiter ?? ',';
  if (!/^[^:\s]+$/.test(family)) throw new UserError(`invalid column family "${family}"`, 'a family name has no ":" and no spaces, e.g. cf1');
  if (columns.length === 0 || columns.some((c) => c === '')) throw new UserError('--columns needs one name per field, e.g. date,car_number,speed', `the book's: ${BOOK_COLUMNS.join(',')}`);
  if (delimiter === '') throw new UserError('the field delimiter is empty', "give the character(s) between fields, e.g. ','");
  const separator = Buffer.from(delimiter, 'utf8');
  const rowKey = compileRowKey(options.rowKey, columns);
  const qualifiers = columns.map((c) => `${family}:${c}`);
  const dateField = columns.indexOf('date');
  // Cell values are the record's own bytes; only the row key's fields and the date need text.
  const textFields = [...new Set(dateField < 0 ? rowKey.fields : [...rowKey.fields, dateField])];
  // Where each field is in the body, for the record being mapped (mapping is synchronous).
  const starts = new Int32Array(columns.length);
  const ends = new Int32Array(columns.length);
  const split = (event: Event): {key: Buffer; timestamp: number} => {
    const count = splitFields(event.body, separator, starts, ends);
    if (count !== columns.length) throw new RowMappingError(`${count} field(s) where the columns name ${columns.length}`);
    const fields: string[] = new Array(count);
    for (const i of textFields) fields[i] = event.body.toString('utf8', starts[i], ends[i]);
    const timestamp = recordTime(event, dateField < 0 ? undefined : fields[dateField]);
    return {key: Buffer.from(rowKey.key(fields, event), 'utf8'), timestamp};
  };
  const toRow = (event: Event): HBaseRow => {
    const {key, timestamp} = split(event);
    return {key, cells: qualifiers.map((column, i) => ({column, value: event.body.subarray(starts[i], ends[i]), timestamp}))};
  };
  const encode = (event: Event, writerFor: (key: Buffer) => CellSetWriter): Buffer => {
    const {key, timestamp} = split(event);
    const writer = writerFor(key);
    writer.beginRow(key);
    for (let i = 0; i < qualifiers.length; i++) writer.cell(qualifiers[i], timestamp, event.body, starts[i], ends[i]);
    writer.endRow();
    return key;
  };
  return Object.assign(toRow, {encode});
}

/**
 * Finds the fields of `body` between separators: field i is [starts[i], ends[i]) (as many as
 * those hold); returns how many fields there are. A one-byte separator is found by a plain loop
 * (fields are short).
 */
function splitFields(body: Buffer, separator: Buffer, starts: Int32Array, ends: Int32Array): number {
  let count = 0;
  let start = 0;
  const field = (end: number, next: number): void => {
    if (count < starts.length) {
      starts[count] = start;
      ends[count] = end;
    }
    count++;
    start = next;
  };
  if (separator.length === 1) {
    const sep = separator[0];
    for (let i = 0; i < body.length; i++) if (body[i] === sep) field(i, i + 1);
  } else {
    for (let end = body.indexOf(separator); end >= 0; end = body.indexOf(separator, start)) field(end, end + separator.length);
  }
  field(body.length, body.length);
  return count;
}
