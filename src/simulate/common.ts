/** Pieces shared by the two smart-car simulators: the simulated clock, dates, argument checks. */
import {UserError} from '../lib/errors.js';
import {MAX_SEED, randomSeed} from './random.js';

/** The simulated day runs from second 0 to second 86400 inclusive (the book's `i <= 86400`). */
export const DAY_SECONDS = 86_400;

/** Stream ids mixed into the seed, so the two simulators draw different car letters (as two runs of the book's jar do). */
export const STATUS_STREAM = 1;
export const DRIVING_STREAM = 2;

/** Every record line starts with 14 digits; what the book's Flume regex_filter `^\d{14}` keeps. */
export const RECORD_LINE = /^\d{14}/;

/**
 * The book's getSecToTime: HHmmss for a second of the simulated day. Second 86400 gives
 * "240000": the day's last record carries hour 24, which is not a valid clock time.
 */
export function secToTime(second: number): string {
  const h = Math.floor(second / 3600);
  const m = Math.floor((second % 3600) / 60);
  const s = second % 60;
  return (h < 10 ? '0' : '') + h + (m < 10 ? '0' : '') + m + (s < 10 ? '0' : '') + s;
}

/** Today as yyyyMMdd in local time, the book's default (SimpleDateFormat in the JVM's zone). */
export function today(now: Date = new Date()): string {
  return `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}`;
}

/** Checks a yyyyMMdd date (a real calendar day) and returns it. */
export function checkDate(date: string, what = '--date'): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !d || d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    throw new UserError(`invalid ${what} "${date}"`, 'give the simulated day as yyyyMMdd, e.g. 20160101');
  }
  return date;
}

/** Checks the number of cars (the book takes any count; the car index is printed with at least 4 digits). */
export function checkCars(cars: number, what = '--cars'): number {
  if (!Number.isSafeInteger(cars) || cars < 1 || cars > 99_999) throw new UserError(`invalid ${what} ${cars}`, 'give a whole number of cars from 1 to 99999 (the book runs 3 for a smoke test, 100 for the pilot)');
  return cars;
}

/** The seed to use: the one given (checked), else a fresh random one. */
export function resolveSeed(seed: number | undefined, what = '--seed'): number {
  if (seed === undefined) return randomSeed();
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > MAX_SEED) throw new UserError(`invalid ${what} ${seed}`, `give a whole number from 0 to ${MAX_SEED}`);
  return seed;
}

/** 104095404 -> "104.1 MB" (decimal units, as the book speaks of its "100MB" file). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** The one-line summary both simulate commands print. */
export function formatSummary(r: {file: string; lines: number; headers: number; bytes: number; cars: number; seed: number; elapsedMs: number}): string {
  return `wrote ${r.lines.toLocaleString('en-US')} records + ${r.headers} header lines (${formatBytes(r.bytes)}) for ${r.cars} cars to ${r.file} in ${(r.elapsedMs / 1000).toFixed(1)}s (seed ${r.seed})`;
}
