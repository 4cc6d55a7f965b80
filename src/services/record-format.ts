import {isUtf8} from 'node:buffer';
import type {FetchedRecord} from '../client/fetcher.js';
import {UserError} from '../lib/errors.js';

/** kcat's default: the value and a newline. */
export const DEFAULT_FORMAT = '%s\\n';

export const FORMAT_HELP =
  '%t topic, %p partition, %o offset, %k key, %K key length, %s value, %S value length, %R value length as a 32-bit big-endian integer (framing), %h headers (k=v,k=v), %T timestamp (ms), %% a percent sign; \\n \\r \\t \\\\ \\xHH escapes';

type Part = Buffer | ((r: FetchedRecord) => Buffer);

const EMPTY = Buffer.alloc(0);
const NULL_TEXT = Buffer.from('NULL');
const str = (s: string | number) => Buffer.from(String(s), 'utf8');

const TOKENS: Record<string, (r: FetchedRecord) => Buffer> = {
  t: (r) => str(r.topic),
  p: (r) => str(r.partition),
  o: (r) => str(r.offset),
  k: (r) => r.key ?? EMPTY,
  K: (r) => str(r.key ? r.key.length : -1),
  s: (r) => r.value ?? EMPTY,
  S: (r) => str(r.value ? r.value.length : -1),
  R: (r) => {
    const length = Buffer.alloc(4);
    length.writeInt32BE(r.value ? r.value.length : -1);
    return length;
  },
  T: (r) => str(r.timestamp),
  // A null header value prints as NULL, as kcat prints it (an empty value prints as nothing).
  h: (r) => Buffer.concat(r.headers.flatMap((h, i) => [i ? str(',') : EMPTY, str(h.key), str('='), h.value ?? NULL_TEXT])),
};

const ESCAPES: Record<string, string> = {n: '\n', r: '\r', t: '\t', '\\': '\\', 0: '\0'};

/**
 * Compiles a kcat-style format (`-f '%t/%p@%o %k=%s\n'`) into a function writing one record as
 * bytes. Keys and values are written as they are (no re-encoding), so binary payloads survive.
 */
export function compileFormat(format: string): (r: FetchedRecord) => Buffer {
  const parts: Part[] = [];
  let literal = '';
  const flush = () => {
    if (literal) parts.push(str(literal));
    literal = '';
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    const next = format[i + 1];
    if (c === '%' && next !== undefined) {
      i++;
      if (next === '%') {
        literal += '%';
        continue;
      }
      const token = TOKENS[next];
      if (!token) throw new UserError(`unknown format token %${next} in --format "${format}"`, `tokens: ${FORMAT_HELP}`);
      flush();
      parts.push(token);
    } else if (c === '\\' && next === 'x' && /^[0-9a-fA-F]{2}$/.test(format.slice(i + 2, i + 4))) {
      literal += String.fromCharCode(parseInt(format.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (c === '\\' && next !== undefined && next in ESCAPES) {
      literal += ESCAPES[next];
      i++;
    } else {
      literal += c;
    }
  }
  flush();
  return (r) => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : p(r))));
}

/** A record in a JSON line: text stays text; bytes that are not UTF-8 are base64 and say so. */
export interface RecordJson {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: Array<{key: string; value: string | null}>;
  /** Present only when some field had to be base64-encoded. */
  encoding?: {key?: 'base64'; value?: 'base64'; headers?: 'base64'};
}

export function recordToJson(r: FetchedRecord): RecordJson {
  const encoding: NonNullable<RecordJson['encoding']> = {};
  const text = (b: Buffer | null, field: 'key' | 'value' | 'headers') => {
    if (b === null) return null;
    if (isUtf8(b)) return b.toString('utf8');
    encoding[field] = 'base64';
    return b.toString('base64');
  };
  const key = text(r.key, 'key');
  const value = text(r.value, 'value');
  const anyBinaryHeader = r.headers.some((h) => h.value !== null && !isUtf8(h.value));
  const headers = r.headers.map((h) => ({
    key: h.key,
    value: h.value === null ? null : anyBinaryHeader ? h.value.toString('base64') : h.value.toString('utf8'),
  }));
  if (anyBinaryHeader) encoding.headers = 'base64';
  const out: RecordJson = {topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp, key, value, headers};
  if (Object.keys(encoding).length) out.encoding = encoding;
  return out;
}
