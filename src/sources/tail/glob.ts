import fs from 'node:fs/promises';
import path from 'node:path';

const GLOB_CHARS = /[*?[]/;

/**
 * One path segment's glob (`*`, `?`, `[abc]`, `[!abc]`) as a RegExp. Like a shell, a wildcard
 * does not match a leading dot, so `*.log` skips `.hidden.log`.
 */
export function segmentRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  const leadingDot = segment.startsWith('.') ? '' : '(?!\\.)';
  return new RegExp(`^${leadingDot}${re}$`);
}

export function hasGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

/**
 * The regular files a pattern names now: a plain path, or a path with wildcards in any segment
 * (no `**`: like Flume's TAILDIR, directories are not searched recursively). Missing or
 * unreadable directories match nothing.
 */
export async function expandPattern(pattern: string): Promise<string[]> {
  const absolute = path.resolve(pattern);
  const {root} = path.parse(absolute);
  const segments = absolute.slice(root.length).split(path.sep).filter(Boolean);
  let candidates = [root];
  for (const segment of segments) {
    const next: string[] = [];
    for (const dir of candidates) {
      if (!hasGlob(segment)) {
        next.push(path.join(dir, segment));
        continue;
      }
      const re = segmentRegExp(segment);
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      for (const name of names.sort()) if (re.test(name)) next.push(path.join(dir, name));
    }
    candidates = next;
  }
  const files: string[] = [];
  for (const file of candidates) {
    const st = await fs.stat(file).catch(() => null);
    if (st?.isFile()) files.push(file);
  }
  return files;
}

/** Whether `file` is a path one of `patterns` names (one expandPattern would find, if it exists). */
export function matchesAnyPattern(file: string, patterns: readonly string[]): boolean {
  const segmentsOf = (p: string) => path.resolve(p).split(path.sep).filter(Boolean);
  const parts = segmentsOf(file);
  return patterns.some((pattern) => {
    const globs = segmentsOf(pattern);
    return globs.length === parts.length && globs.every((g, i) => (hasGlob(g) ? segmentRegExp(g).test(parts[i]) : g === parts[i]));
  });
}
