import fs from 'node:fs';
import path from 'node:path';

export interface PickOptions {
  fileSuffix: string;
  tempSuffixes: readonly string[];
  includePattern?: RegExp;
  ignorePattern?: RegExp;
  /** Size, mtime and inode unchanged for this long (by our clock) before a file is taken. */
  stableMs: number;
}

export interface SpoolFile {
  name: string;
  path: string;
  size: number;
  /** For ordering. */
  mtimeMs: number;
  /** For telling whether the file changed. */
  mtimeNs: bigint;
  dev: bigint;
  ino: bigint;
  /** Unchanged for stableMs: the writer is done with it. */
  stable: boolean;
  /** How long until it is stable if it stays unchanged (0 once stable). */
  stableInMs: number;
}

interface Seen {
  size: number;
  mtimeNs: bigint;
  ino: bigint;
  since: number;
}

/**
 * Finds the spool directory's candidate files, oldest mtime first (ties by name, like Flume),
 * and tells which are stable. Stability is judged by watching; only a file first seen with an
 * mtime already stableMs old (a file moved in whole) counts as watched that long: every write
 * sets mtime to now, and copies that keep mtimes (cp -p, tar) set them after the last write.
 * A writer whose clock lags ours (NFS) is still caught by ingest's re-read check.
 */
export class FilePicker {
  private readonly seen = new Map<string, Seen>();
  /** Subdirectories present at the last scan, and those not yet told (see takeNewDirectories). */
  private dirs = new Set<string>();
  private newDirs: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly options: PickOptions,
    private readonly now: () => number = () => performance.now(),
    private readonly wallNow: () => number = () => Date.now(),
  ) {}

  /** Names the source never reads: hidden files (and the ledger), done files, temporary files, filtered names. */
  eligible(name: string): boolean {
    const o = this.options;
    if (name.startsWith('.')) return false;
    if (name.endsWith(o.fileSuffix) || completedCopy(name, o.fileSuffix)) return false;
    if (o.tempSuffixes.some((s) => name.endsWith(s))) return false;
    if (o.includePattern && !o.includePattern.test(name)) return false;
    if (o.ignorePattern?.test(name)) return false;
    return true;
  }

  scan(): SpoolFile[] {
    const now = this.now();
    const files: SpoolFile[] = [];
    const present = new Set<string>();
    const dirs = new Set<string>();
    for (const name of fs.readdirSync(this.dir)) {
      if (!this.eligible(name)) continue;
      const file = path.join(this.dir, name);
      let st: fs.BigIntStats;
      try {
        st = fs.statSync(file, {bigint: true});
      } catch {
        continue; // gone since readdir
      }
      if (st.isDirectory()) dirs.add(name);
      if (!st.isFile()) continue;
      present.add(name);
      const size = Number(st.size);
      let seen = this.seen.get(name);
      if (!seen || seen.size !== size || seen.mtimeNs !== st.mtimeNs || seen.ino !== st.ino) {
        // Untouched since before stableMs on the first look: as good as watched that long. A file
        // seen changing is watched from now, and an mtime ahead of our clock proves nothing.
        const untouchedMs = seen ? 0 : this.wallNow() - Number(st.mtimeMs);
        seen = {size, mtimeNs: st.mtimeNs, ino: st.ino, since: untouchedMs >= this.options.stableMs ? now - this.options.stableMs : now};
        this.seen.set(name, seen);
      }
      files.push({name, path: file, size, mtimeMs: Number(st.mtimeMs), mtimeNs: st.mtimeNs, dev: st.dev, ino: st.ino, stable: now - seen.since >= this.options.stableMs, stableInMs: Math.max(0, this.options.stableMs - (now - seen.since))});
    }
    for (const name of this.seen.keys()) if (!present.has(name)) this.seen.delete(name);
    for (const name of dirs) if (!this.dirs.has(name)) this.newDirs.push(path.join(this.dir, name));
    this.dirs = dirs;
    return files.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Subdirectories (not hidden, not filtered out) that appeared since the last call: they are
   * not read (Flume's recursiveDirectorySearch has no equivalent), which the source says once.
   */
  takeNewDirectories(): string[] {
    const dirs = this.newDirs;
    this.newDirs = [];
    return dirs;
  }

  /** The file changed while being read: it has to be seen stable again, watched from now whatever its mtime says. */
  unsettle(name: string): void {
    this.seen.set(name, {size: -1, mtimeNs: -1n, ino: -1n, since: this.now()});
  }
}

/** `name.COMPLETED.3`: where a re-used name's file went (see rollFile). */
function completedCopy(name: string, suffix: string): boolean {
  const at = name.lastIndexOf(suffix + '.');
  return at > 0 && /^\d+$/.test(name.slice(at + suffix.length + 1));
}
