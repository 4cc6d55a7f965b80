/**
 * Syslog message parsing, RFC 5424 and RFC 3164 (BSD), with no I/O. A message that fits neither
 * still comes back, as `invalid`, so a source can pass it on instead of dropping it (Flume marks
 * those `flume.syslog.status: Invalid`).
 */

export interface SyslogMessage {
  format: 'rfc5424' | 'rfc3164' | 'invalid';
  /** From <PRI>, when it could be read (also for some invalid messages). */
  facility?: number;
  severity?: number;
  /** ms since the epoch; absent for a NILVALUE or a message without a readable one. */
  timestamp?: number;
  hostname?: string;
  appName?: string;
  procId?: string;
  msgId?: string;
  /** RFC 5424 STRUCTURED-DATA as written (`[id k="v"]...`); absent for NILVALUE. */
  structuredData?: string;
  /** MSG: RFC 5424's without a leading BOM; RFC 3164's with its TAG; an invalid one whole. */
  body: Buffer;
}

const NIL = '-';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** A 3164 timestamp has no year: one this far ahead of now is taken to be from last year. */
const FUTURE_SLACK_MS = 31 * 24 * 3600 * 1000;

/** `now` decides the year of an RFC 3164 timestamp (which has none). */
export function parseSyslog(message: Buffer, now = Date.now()): SyslogMessage {
  // latin1 maps each byte to one char, so string indexes are byte offsets into `message`.
  const text = message.toString('latin1');
  const pri = /^<(\d{1,3})>/.exec(text);
  const invalid = (withPri: boolean): SyslogMessage => ({format: 'invalid', ...(withPri && pri ? priority(Number(pri[1])) : {}), body: message});
  if (!pri || Number(pri[1]) > 191) return invalid(false);
  const rest = pri[0].length;
  const parsed = /^[1-9]\d{0,2} /.test(text.slice(rest)) ? parse5424(message, text, rest) : parse3164(message, text, rest, now);
  return parsed ? {...priority(Number(pri[1])), ...parsed} : invalid(true);
}

function priority(pri: number): {facility: number; severity: number} {
  return {facility: pri >> 3, severity: pri & 7};
}

type Fields = Omit<SyslogMessage, 'facility' | 'severity'>;

/** VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG] */
function parse5424(message: Buffer, text: string, start: number): Fields | undefined {
  const header = /^[1-9]\d{0,2} (\S+) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) /.exec(text.slice(start));
  if (!header) return undefined;
  const [, ts, hostname, appName, procId, msgId] = header;
  const timestamp = ts === NIL ? undefined : rfc3339(ts);
  if (timestamp === null) return undefined;
  const sdStart = start + header[0].length;
  const sdEnd = text[sdStart] === NIL ? sdStart + 1 : structuredDataEnd(text, sdStart);
  if (sdEnd === undefined || (sdEnd < text.length && text[sdEnd] !== ' ')) return undefined;
  let body = message.subarray(Math.min(sdEnd + 1, message.length));
  if (body.subarray(0, 3).equals(BOM)) body = body.subarray(3);
  const fields: Fields = {format: 'rfc5424', timestamp, body};
  if (hostname !== NIL) fields.hostname = hostname;
  if (appName !== NIL) fields.appName = appName;
  if (procId !== NIL) fields.procId = procId;
  if (msgId !== NIL) fields.msgId = msgId;
  if (text[sdStart] !== NIL) fields.structuredData = message.subarray(sdStart, sdEnd).toString('utf8');
  return fields;
}

/** End (exclusive) of one or more SD-ELEMENTs from `at`; undefined when malformed. */
function structuredDataEnd(text: string, at: number): number | undefined {
  let i = at;
  if (text[i] !== '[') return undefined;
  while (text[i] === '[') {
    // SD-ID, then SP PARAM-NAME="PARAM-VALUE" pairs; in a value \" \\ \] are escapes.
    const id = /^\[[^\s=\]"]{1,32}/.exec(text.slice(i, i + 34));
    if (!id) return undefined;
    i += id[0].length;
    while (text[i] === ' ') {
      const name = /^ [^\s=\]"]{1,32}="/.exec(text.slice(i, i + 36));
      if (!name) return undefined;
      i += name[0].length;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (i >= text.length) return undefined;
      i++;
    }
    if (text[i] !== ']') return undefined;
    i++;
  }
  return i;
}

/** RFC 3339 as RFC 5424 allows it (at most 6 fraction digits, a required offset); null if not. */
function rfc3339(ts: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(ts);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCDate() !== d || day.getUTCMonth() !== mo - 1 || h > 23 || mi > 59 || s > 60) return null;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s); // a leap second (:60) runs into the next minute
  const fraction = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const offset = m[8] === 'Z' ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) * 60_000;
  return utc + fraction - offset;
}

/**
 * TIMESTAMP SP HOSTNAME SP MSG, TIMESTAMP being `Mmm dd hh:mm:ss` (local time, no year) or,
 * as rsyslog and others send, RFC 3339. A word ending in ':' or holding '[' right after the
 * timestamp is the TAG of a sender that left out its hostname.
 */
function parse3164(message: Buffer, text: string, start: number, now: number): Fields | undefined {
  const bsd = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) /.exec(text.slice(start));
  const iso = bsd ? null : /^(\S+) /.exec(text.slice(start));
  let timestamp: number | null | undefined;
  if (bsd) timestamp = bsdTimestamp(bsd, now);
  else if (iso) timestamp = rfc3339(iso[1]);
  if (timestamp === null || timestamp === undefined) return undefined;
  let at = start + (bsd ?? iso)![0].length;
  const word = /^(\S{1,255})(?: |$)/.exec(text.slice(at));
  const fields: Fields = {format: 'rfc3164', timestamp, body: message};
  if (word && !word[1].endsWith(':') && !word[1].includes('[')) {
    fields.hostname = word[1];
    at += word[0].length;
  }
  fields.body = message.subarray(at);
  const tag = /^([^\s[\]:]{1,48})(?:\[([^\]\s]{1,128})\])?:/.exec(text.slice(at));
  if (tag) {
    fields.appName = tag[1];
    if (tag[2] !== undefined) fields.procId = tag[2];
  }
  return fields;
}

function bsdTimestamp(m: RegExpExecArray, now: number): number | null {
  const month = MONTHS.indexOf(m[1]);
  const [day, h, mi, s] = m.slice(2, 6).map(Number);
  if (month < 0 || h > 23 || mi > 59 || s > 60) return null;
  const at = (year: number) => {
    const date = new Date(year, month, day, h, mi, s);
    return date.getDate() === day && date.getMonth() === month ? date.getTime() : null;
  };
  const year = new Date(now).getFullYear();
  const guess = at(year);
  // A December message read in January; also Feb 29 of a year that is not a leap year.
  if (guess === null || guess > now + FUTURE_SLACK_MS) return at(year - 1);
  return guess;
}
