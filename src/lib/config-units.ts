import {z} from 'zod';
import {parseDuration, parseSize} from './size.js';

/** A config duration: "500ms", "2s", "1m" or a number of milliseconds; parsed to ms. */
export const durationMs = z.union([z.number().int().nonnegative(), z.string()]).transform((v, ctx) => {
  try {
    return typeof v === 'number' ? v : parseDuration(v);
  } catch {
    ctx.addIssue({code: 'custom', message: `"${v}" is not a duration; use e.g. 500ms, 2s, 1m`});
    return z.NEVER;
  }
});

/** A config size: "64MiB", "1MB", "512" or a number of bytes; parsed to bytes. */
export const byteSize = z.union([z.number().int().positive(), z.string()]).transform((v, ctx) => {
  try {
    return typeof v === 'number' ? v : parseSize(v);
  } catch {
    ctx.addIssue({code: 'custom', message: `"${v}" is not a size; use e.g. 512, 64k, 10MiB`});
    return z.NEVER;
  }
});
