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
 * A pattern's path segments, absolute. A trailing `**` is `**` then `*` (every file below), as
 * bash's globstar has it.
 */
function globSegments(pattern: string): string[] {
  const segments = path.resolve(pattern).split(path.sep).filter(Boolean);
  if (segments[segments.length - 1] === '**') segments.push('*');
  return segments;
}

// The regular files a pattern names now: a plain path, or a path with wildcards in any segment.
// A segment that is `**` stands for any number of directories, none included, as with bash's
// globstar: `logs/**/*.log` names logs/a.log, logs/x/b.log and logs/x/y/c.log, and `logs/**`
// every file below logs. Like bash, `**` enters no hidden directory (so not .kcollect) and
// follows no symbolic link to a directory. Missing or unreadable directories match nothing.
// (A line comment: the pattern above would end a block comment.)
export async function expandPattern(pattern: string): Promise<string[]> {
  const {root} = path.parse(path.resolve(pattern));
  let candidates = [root];
  for (const segment of globSegments(pattern)) {
    const next = new Set<string>();
    for (const dir of candidates) {
      if (segment === '**') {
        next.add(dir);
        for (const sub of await directoriesBelow(dir)) next.add(sub);
        continue;
      }
      if (!hasGlob(segment)) {
        next.add(path.join(dir, segment));
        continue;
      }
      const re = segmentRegExp(segment);
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      for (const name of names.sort()) if (re.test(name)) next.add(path.join(dir, name));
    }
    candidates = [...next];
  }
  const files: string[] = [];
  for (const file of candidates) {
    const st = await fs.stat(file).catch(() => null);
    if (st?.isFile()) files.push(file);
  }
  return files;
}

/** Every directory below `dir`, at any depth, but for hidden ones and symbolic links (bash's `**`). */
async function directoriesBelow(dir: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await fs.readdir(dir, {withFileTypes: true}).catch(() => []);
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const sub = path.join(dir, entry.name);
    found.push(sub, ...(await directoriesBelow(sub)));
  }
  return found;
}

/** Whether `file` is a path one of `patterns` names (one expandPattern would find, if it exists). */
export function matchesAnyPattern(file: string, patterns: readonly string[]): boolean {
  const parts = path.resolve(file).split(path.sep).filter(Boolean);
  return patterns.some((pattern) => matchSegments(globSegments(pattern), parts));
}

function matchSegments(globs: readonly string[], parts: readonly string[]): boolean {
  if (globs.length === 0) return parts.length === 0;
  const [glob, ...rest] = globs;
  if (glob === '**') {
    // Any number of directories (not hidden ones), then the rest.
    for (let k = 0; k <= parts.length; k++) {
      if (k > 0 && parts[k - 1].startsWith('.')) return false;
      if (matchSegments(rest, parts.slice(k))) return true;
    }
    return false;
  }
  if (parts.length === 0) return false;
  return (hasGlob(glob) ? segmentRegExp(glob).test(parts[0]) : glob === parts[0]) && matchSegments(rest, parts.slice(1));
}
