import {UserError} from '../lib/errors.js';

type Field = 'year' | 'year2' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'millis';

const LETTERS: Record<string, Field> = {y: 'year', M: 'month', d: 'day', H: 'hour', m: 'minute', s: 'second', S: 'millis'};

/**
 * A parser for the numeric subset of Joda-Time patterns, which Flume's millis serializer takes
 * (`yyyy-MM-dd HH:mm:ss`, `yyyyMMddHHmmss`, `'T'` quoted text). The result is epoch ms in the
 * local time zone, as Joda parses with the JVM's default zone.
 */
export class DatePattern {
  private readonly regex: RegExp;
  private readonly fields: Field[] = [];

  constructor(readonly pattern: string) {
    let source = '^';
    let i = 0;
    while (i < pattern.length) {
      const c = pattern[i];
      if (c === "'") {
        // 'text' is literal; '' is one quote.
        const end = pattern.indexOf("'", i + 1);
        if (end < 0) throw new UserError(`unclosed quote in date pattern "${pattern}"`, "close quoted text, e.g. yyyy-MM-dd'T'HH:mm");
        source += end === i + 1 ? "'" : escape(pattern.slice(i + 1, end));
        i = end + 1;
      } else if (/[A-Za-z]/.test(c)) {
        let n = 1;
        while (pattern[i + n] === c) n++;
        const field = LETTERS[c];
        if (!field) throw new UserError(`date pattern letter "${c}" is not supported in "${pattern}"`, 'use the numeric letters y M d H m s S, e.g. yyyyMMddHHmmss');
        const twoDigitYear = field === 'year' && n === 2;
        this.fields.push(twoDigitYear ? 'year2' : field);
        // A repeated letter is a fixed width (so yyyyMMdd can parse); a single one is 1 or 2 digits.
        source += n === 1 ? (field === 'year' ? '(\\d+)' : '(\\d{1,2})') : `(\\d{${n}})`;
        i += n;
      } else {
        source += escape(c);
        i++;
      }
    }
    this.regex = new RegExp(source + '$');
  }

  /** Epoch ms, or undefined when the text does not fit the pattern or is not a real time. */
  parse(text: string, now = new Date()): number | undefined {
    const m = this.regex.exec(text.trim());
    if (!m) return undefined;
    const v = {year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, millis: 0};
    this.fields.forEach((field, k) => {
      const n = Number(m[k + 1]);
      if (field === 'year2') v.year = pivotYear(n, now.getFullYear());
      else v[field] = n;
    });
    // The smart-car logs end each day at hour 24 (240000): the next day's midnight.
    const endOfDay = v.hour === 24 && v.minute === 0 && v.second === 0 && v.millis === 0;
    if ((v.hour > 23 && !endOfDay) || v.minute > 59 || v.second > 59 || v.month < 1 || v.month > 12 || v.day < 1) return undefined;
    const date = new Date(v.year, v.month - 1, v.day, endOfDay ? 0 : v.hour, v.minute, v.second, v.millis);
    if (date.getDate() !== v.day) return undefined; // Feb 30 and the like
    if (endOfDay) date.setDate(date.getDate() + 1);
    return date.getTime();
  }
}

/** Joda's two-digit year: the year within 50 years before or 49 after the current one. */
function pivotYear(yy: number, currentYear: number): number {
  const low = currentYear - 50;
  let year = Math.floor(low / 100) * 100 + yy;
  if (year < low) year += 100;
  return year;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
