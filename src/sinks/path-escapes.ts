/**
 * Flume's HDFS path escapes: %{header} takes an event header (for drained events also topic,
 * partition and key from the Kafka position), and %Y %m %d %H ... format the event's time, never
 * the clock, so a replay puts every record under the same path as the first time. The time
 * (TimeFrom): by default the record's own, a line starting yyyyMMddHHmmss as the smart-car logs
 * do (the digits as they are, read as UTC); else the `timestamp` header (when it was collected);
 * else the Kafka record's timestamp.
 */
import type {Event} from '../pipeline/event.js';
import {UserError} from '../lib/errors.js';

export type TimeFrom = 'record' | 'header' | 'kafka';
export const TIME_FROM: readonly TimeFrom[] = ['record', 'header', 'kafka'];

export const PATH_ESCAPES_HELP =
  '%{HEADER} a header (also %{topic} %{partition} %{key}); time (see --time-from): %Y %y %m %n %d %e %H %k %I %M %S %j %p %a %A %b %B %D %s %t; %% a percent sign';

/** The event lacks what its path needs: a data error for that one event. */
export class PathEscapeError extends Error {}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const TIME: Record<string, (d: Date) => string> = {
  t: (d) => String(d.getTime()),
  s: (d) => String(Math.floor(d.getTime() / 1000)),
  Y: (d) => String(d.getUTCFullYear()),
  y: (d) => pad(d.getUTCFullYear() % 100),
  m: (d) => pad(d.getUTCMonth() + 1),
  n: (d) => String(d.getUTCMonth() + 1),
  d: (d) => pad(d.getUTCDate()),
  e: (d) => String(d.getUTCDate()),
  H: (d) => pad(d.getUTCHours()),
  k: (d) => String(d.getUTCHours()),
  I: (d) => pad(((d.getUTCHours() + 11) % 12) + 1),
  M: (d) => pad(d.getUTCMinutes()),
  S: (d) => pad(d.getUTCSeconds()),
  j: (d) => pad(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, 3),
  p: (d) => (d.getUTCHours() < 12 ? 'AM' : 'PM'),
  a: (d) => DAYS[d.getUTCDay()],
  A: (d) => DAY_NAMES[d.getUTCDay()],
  b: (d) => MONTHS[d.getUTCMonth()],
  B: (d) => MONTH_NAMES[d.getUTCMonth()],
  D: (d) => `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCFullYear() % 100)}`,
};

function header(event: Event, name: string): string {
  const value = event.headers[name];
  if (value !== undefined) return value;
  if (event.kafka) {
    if (name === 'topic') return event.kafka.topic;
    if (name === 'partition') return String(event.kafka.partition);
    if (name === 'key' && event.kafka.key) return event.kafka.key.toString('utf8');
  }
  throw new PathEscapeError(`the path needs header "${name}", which the event does not have`);
}

const RECORD_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/;

/** A line's leading yyyyMMddHHmmss (the smart-car logs' first field), if it has a valid one. */
function recordTime(body: Buffer): Date | undefined {
  const m = RECORD_TIME.exec(body.subarray(0, 14).toString('latin1'));
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const time = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return time.getUTCMonth() === mo - 1 && time.getUTCDate() === d && h < 24 && mi < 60 && s < 60 ? time : undefined;
}

function eventTime(event: Event, from: TimeFrom): Date {
  if (from === 'record') {
    const t = recordTime(event.body);
    if (t) return t;
  }
  if (from === 'kafka' && event.kafka) return new Date(event.kafka.timestamp);
  const h = event.headers.timestamp;
  if (h !== undefined && /^\d+$/.test(h)) return new Date(Number(h));
  if (event.kafka) return new Date(event.kafka.timestamp);
  throw new PathEscapeError('the path has time escapes, but the event has no timestamp header and no Kafka timestamp');
}

type Part = string | ((e: Event) => string);

/** Compiles a path template; the result throws PathEscapeError for an event that lacks a value. */
export function compilePathEscapes(template: string, timeFrom: TimeFrom = 'record'): (event: Event) => string {
  const parts: Part[] = [];
  let literal = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '%' || i + 1 >= template.length) {
      literal += c;
      continue;
    }
    const next = template[++i];
    if (next === '%') {
      literal += '%';
      continue;
    }
    if (literal) parts.push(literal);
    literal = '';
    if (next === '{') {
      const end = template.indexOf('}', i);
      if (end < 0) throw new UserError(`unclosed %{ in path "${template}"`, PATH_ESCAPES_HELP);
      const name = template.slice(i + 1, end);
      parts.push((e) => header(e, name));
      i = end;
    } else if (TIME[next]) {
      const format = TIME[next];
      parts.push((e) => format(eventTime(e, timeFrom)));
    } else {
      throw new UserError(`unknown escape %${next} in path "${template}"`, PATH_ESCAPES_HELP);
    }
  }
  if (literal) parts.push(literal);
  // A template without escapes names the same place for every event: no work per event.
  if (parts.every((p) => typeof p === 'string')) {
    const fixed = parts.join('');
    return () => fixed;
  }
  return (event) => parts.map((p) => (typeof p === 'string' ? p : p(event))).join('');
}
