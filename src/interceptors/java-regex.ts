import {UserError} from '../lib/errors.js';

/**
 * Compiles a regex written for Flume (Java syntax) as a JavaScript RegExp. The common syntax is
 * the same; a leading inline flag group such as `(?i)` (Java only) becomes a RegExp flag. `g` is
 * for replace-all.
 */
export function compileJavaRegex(source: string, option: string, global = false): RegExp {
  let flags = global ? 'g' : '';
  let body = source;
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline && !inline[1].includes('x')) {
    flags += inline[1];
    body = source.slice(inline[0].length);
  }
  try {
    return new RegExp(body, flags);
  } catch (err) {
    throw new UserError(`invalid regex in ${option}: ${(err as Error).message}`, 'write a regular expression such as ^\\d{14} (JavaScript syntax, as in Flume)');
  }
}

/** True when compileJavaRegex would accept the pattern (used by the config schema). */
export function isValidJavaRegex(source: string): boolean {
  try {
    compileJavaRegex(source, '');
    return true;
  } catch {
    return false;
  }
}
