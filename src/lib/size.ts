import {UserError} from './errors.js';

const UNITS: Record<string, number> = {'': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3};

/** Parses "512", "64k", "10MiB" into bytes. */
export function parseSize(text: string, what = 'size'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new UserError(`invalid ${what} "${text}"`, 'use a number of bytes with an optional unit, e.g. 512, 64k, 10MiB');
  return Math.round(Number(m[1]) * unit);
}

const DURATIONS: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000};

/** Parses "500ms", "2s", "2m", "1h", "7d" (or a bare number of milliseconds) into milliseconds. */
export function parseDuration(text: string, what = 'duration'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  if (!m) throw new UserError(`invalid ${what} "${text}"`, 'use a number with a unit, e.g. 500ms, 30s, 2m, 1h');
  return Math.round(Number(m[1]) * DURATIONS[(m[2] ?? 'ms').toLowerCase()]);
}

/** The object without its undefined properties, so spreading it over defaults keeps them. */
export function definedOnly<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
}
