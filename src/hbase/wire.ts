/**
 * The HBase REST gateway's JSON encoding (shared by the client and the emulator): a CellSet is
 * {"Row":[{"key":b64,"Cell":[{"column":b64,"timestamp":n,"$":b64}]}]}, everything binary base64.
 */

export interface HBaseCell {
  /** 'family:qualifier' */
  column: string;
  value: Buffer;
  timestamp?: number;
}

export interface HBaseRow {
  key: Buffer;
  cells: HBaseCell[];
}

export interface CellJson {
  column?: string;
  timestamp?: number;
  $?: string;
}

export interface RowJson {
  key?: string;
  Cell?: CellJson[];
}

export interface CellSetJson {
  Row?: RowJson[];
}

export const b64 = (data: Buffer | string): string => Buffer.from(data).toString('base64');

export function encodeCellSet(rows: HBaseRow[]): CellSetJson {
  return {
    Row: rows.map((row) => ({
      key: b64(row.key),
      Cell: row.cells.map((c) => ({column: b64(c.column), ...(c.timestamp === undefined ? {} : {timestamp: c.timestamp}), $: b64(c.value)})),
    })),
  };
}

/** A CellSet as the gateway answers it (every cell has its column and timestamp). */
export function decodeCellSet(json: unknown): HBaseRow[] {
  const rows = (json as CellSetJson | null)?.Row;
  if (!Array.isArray(rows)) throw new Error('not a CellSet: no "Row" array');
  return rows.map((r) => ({
    key: Buffer.from(r.key ?? '', 'base64'),
    cells: (r.Cell ?? []).map((c) => ({
      column: Buffer.from(c.column ?? '', 'base64').toString('utf8'),
      value: Buffer.from(c.$ ?? '', 'base64'),
      ...(typeof c.timestamp === 'number' ? {timestamp: c.timestamp} : {}),
    })),
  }));
}

/**
 * One URL path segment. Everything but unreserved characters is escaped: the gateway splits
 * its row spec at '/' and ',' and routes '*' to a glob scan before it decodes, and decodes '+'
 * to a space, so those must never travel raw.
 */
export function encodeSegment(data: Buffer | string): string {
  let out = '';
  for (const byte of Buffer.from(data)) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The inverse of encodeSegment, to bytes (row keys need not be UTF-8); '+' is a space, as in Java's URLDecoder. */
export function decodeSegment(segment: string): Buffer {
  const parts: Buffer[] = [];
  for (const m of segment.matchAll(/%([0-9a-fA-F]{2})|\+|[^%+]+|%/g)) {
    if (m[1]) parts.push(Buffer.from([parseInt(m[1], 16)]));
    else parts.push(Buffer.from(m[0] === '+' ? ' ' : m[0], 'utf8'));
  }
  return Buffer.concat(parts);
}
