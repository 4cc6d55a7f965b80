import fs from 'node:fs';
import path from 'node:path';

/** fsync of a directory, so a rename in it is durable; some filesystems refuse it (harmless). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // The rename itself is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export interface AtomicWriteOptions {
  tmp?: string;
  /**
   * Default true: fsync the file and the directory, so the new content survives a power loss.
   * False still survives a killed process (the rename is atomic); for checkpoints written many
   * times a second where an older one after an OS crash costs a re-read, never a loss.
   */
  fsync?: boolean;
}

/**
 * Replaces `file` as a whole: write a temp file, fsync it, rename it over, fsync the directory.
 * A crash leaves either the old content or the new, never a mix.
 */
export function writeFileAtomic(file: string, content: string | Buffer, {tmp = `${file}.tmp`, fsync = true}: AtomicWriteOptions = {}): void {
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeFileSync(fd, content);
    if (fsync) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  if (fsync) fsyncDir(path.dirname(file));
}
