import {UserError} from '../lib/errors.js';

export interface Property {
  key: string;
  value: string;
  /** 1-based line where the entry starts. */
  line: number;
}

/**
 * Parses Java's .properties format the way java.util.Properties.load does: `key = value`,
 * `key: value` or `key value`; `#` and `!` comment lines; a line ending in an odd number of
 * backslashes continues on the next (whose leading blanks are skipped); escapes `\t \n \r \f
 * \uXXXX`, and a backslash before any other character stands for that character (so Flume's
 * `regex = ^\\d{14}` is `^\d{14}`). Entries come in file order; a repeated key keeps its first
 * position and its last value, as Properties does.
 */
export function parseProperties(text: string, file = 'properties'): Property[] {
  const lines = text.split(/\r\n|\r|\n/);
  const entries = new Map<string, Property>();
  for (let i = 0; i < lines.length; i++) {
    let logical = stripLeading(lines[i]);
    const start = i + 1;
    if (logical === '' || logical[0] === '#' || logical[0] === '!') continue;
    while (endsInContinuation(logical) && i + 1 < lines.length) {
      logical = logical.slice(0, -1) + stripLeading(lines[++i]);
    }
    if (endsInContinuation(logical)) logical = logical.slice(0, -1);
    const {key, value} = splitEntry(logical);
    const at = `${file}:${start}`;
    const entry = {key: unescape(key, at), value: unescape(value, at), line: start};
    const earlier = entries.get(entry.key);
    if (earlier) entries.set(entry.key, {...entry, line: earlier.line});
    else entries.set(entry.key, entry);
  }
  return [...entries.values()];
}

const BLANK = new Set([' ', '\t', '\f']);

function stripLeading(line: string): string {
  let i = 0;
  while (i < line.length && BLANK.has(line[i])) i++;
  return line.slice(i);
}

function endsInContinuation(line: string): boolean {
  let n = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

/** The key ends at the first unescaped `=`, `:` or blank; one `=` or `:` may follow blanks. */
function splitEntry(logical: string): {key: string; value: string} {
  let i = 0;
  while (i < logical.length) {
    const c = logical[i];
    if (c === '\\') i += 2;
    else if (c === '=' || c === ':' || BLANK.has(c)) break;
    else i++;
  }
  const key = logical.slice(0, Math.min(i, logical.length));
  let j = i;
  while (j < logical.length && BLANK.has(logical[j])) j++;
  if (j < logical.length && (logical[j] === '=' || logical[j] === ':')) j++;
  while (j < logical.length && BLANK.has(logical[j])) j++;
  return {key, value: logical.slice(j)};
}

const ESCAPES: Record<string, string> = {t: '\t', n: '\n', r: '\r', f: '\f'};

function unescape(s: string, at: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = s[++i];
    if (next === undefined) break;
    if (next === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new UserError(`${at}: malformed \\uXXXX escape "\\u${hex}"`, 'write \\u and four hex digits, or \\\\u for a literal backslash-u');
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else out += ESCAPES[next] ?? next;
  }
  return out;
}
