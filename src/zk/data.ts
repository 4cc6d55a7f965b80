import fs from 'node:fs';
import {UserError} from '../lib/errors.js';

/** ZooKeeper's default jute.maxbuffer; node-zookeeper-client refuses anything larger. */
export const ZNODE_DATA_LIMIT = 1024 * 1024;

/** Znode data in JSON-safe form: always base64, plus the text when it is valid UTF-8. */
export interface ZnodeData {
  base64: string;
  /** The data decoded as UTF-8, or null when it is not valid UTF-8. */
  utf8: string | null;
  length: number;
}

const strictUtf8 = new TextDecoder('utf-8', {fatal: true});

export function decodeUtf8(data: Buffer): string | null {
  try {
    return strictUtf8.decode(data);
  } catch {
    return null;
  }
}

export function describeData(data: Buffer | null | undefined): ZnodeData {
  const buf = data ?? Buffer.alloc(0);
  return {base64: buf.toString('base64'), utf8: decodeUtf8(buf), length: buf.length};
}

/** Valid UTF-8 without control characters other than tab, CR and LF: safe to print as text. */
export function isPrintableText(text: string | null): text is string {
  return text !== null && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

/** Hex dump, 16 bytes a line: offset, hex bytes, and the printable ASCII beside them. */
export function hexDump(data: Buffer): string[] {
  const lines: string[] = [];
  for (let off = 0; off < data.length; off += 16) {
    const chunk = data.subarray(off, off + 16);
    const bytes = [...chunk].map((b) => b.toString(16).padStart(2, '0'));
    const left = bytes.slice(0, 8).join(' ');
    const right = bytes.slice(8).join(' ');
    const ascii = [...chunk].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`);
  }
  return lines;
}

/** Data given on the command line: the DATA argument, or --data-file (a path, or - for stdin). */
export function readDataInput(arg: string | undefined, dataFile: string | undefined): Buffer | undefined {
  if (arg !== undefined && dataFile !== undefined) throw new UserError('give the data either as an argument or with --data-file, not both', 'drop one of them');
  let data: Buffer | undefined;
  if (dataFile !== undefined) {
    try {
      data = fs.readFileSync(dataFile === '-' ? 0 : dataFile);
    } catch (err) {
      throw new UserError(`cannot read --data-file ${dataFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, 'give a readable file, or - for stdin');
    }
  } else if (arg !== undefined) {
    data = Buffer.from(arg, 'utf8');
  }
  if (data && data.length > ZNODE_DATA_LIMIT) {
    throw new UserError(`the data is ${data.length} bytes; ZooKeeper takes at most ${ZNODE_DATA_LIMIT} bytes per znode`, 'store large values elsewhere and keep a reference in the znode');
  }
  return data;
}
