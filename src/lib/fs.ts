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
  /** Permissions of a new file (default 0600: data and state are the owner's). */
  mode?: number;
}

/**
 * The one seam every durable write goes through (storage, stores, sinks, emulators), so tests can
 * make writes fail the way a full disk does: ENOSPC, or a short write before it.
 */
export const diskIo = {
  write: (fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): number => fs.writeSync(fd, buffer, offset, length, position),
  /** write on the thread pool: the event loop goes on while the filesystem takes its time. */
  writeInBackground: (fd: number, buffer: Uint8Array, offset: number, length: number, position: number): Promise<number> =>
    new Promise((resolve, reject) => fs.write(fd, buffer, offset, length, position, (err, n) => (err ? reject(err) : resolve(n)))),
  fsync: (fd: number): void => fs.fsyncSync(fd),
  /** fdatasync on the thread pool: the event loop goes on (fetching, decoding) while the disk flushes. */
  datasync: (fd: number): Promise<void> => new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve()))),
};

function noSpace(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC', errno: -28, syscall: 'write'});
}

/**
 * Writes all of `buffer` at `position` (null: at the file position) or throws. A short write is
 * not a success: the rest is retried, and a write that makes no progress is ENOSPC.
 */
export function writeAll(fd: number, buffer: Uint8Array, position: number | null = null): void {
  let done = 0;
  while (done < buffer.length) {
    const n = diskIo.write(fd, buffer, done, buffer.length - done, position === null ? null : position + done);
    if (n <= 0) throw noSpace();
    done += n;
  }
}

/** writeAll at `position` on the thread pool. */
export async function writeAllInBackground(fd: number, buffer: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < buffer.length; ) {
    const n = await diskIo.writeInBackground(fd, buffer, done, buffer.length - done, position + done);
    if (n <= 0) throw noSpace();
    done += n;
  }
}

/**
 * Appends `buffer` (or the buffers one after another, without joining them) to a file whose length
 * is `size`, whole or not at all: when the write fails part-way, what it wrote is cut off again,
 * so the file never ends in a torn record.
 */
export function appendWhole(fd: number, buffer: Uint8Array | readonly Uint8Array[], size: number): void {
  try {
    let position = size;
    for (const part of buffer instanceof Uint8Array ? [buffer] : buffer) {
      writeAll(fd, part, position);
      position += part.length;
    }
  } catch (err) {
    try {
      fs.ftruncateSync(fd, size);
    } catch {
      // The reader's recovery scan still cuts a torn tail; the caller learns of the failure.
    }
    throw err;
  }
}

/**
 * Replaces `file` as a whole: write a temp file, fsync it, rename it over, fsync the directory.
 * A crash or a full disk leaves either the old content or the new, never a mix.
 */
export function writeFileAtomic(file: string, content: string | Buffer, {tmp = `${file}.tmp`, fsync = true, mode = 0o600}: AtomicWriteOptions = {}): void {
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    writeAll(fd, typeof content === 'string' ? Buffer.from(content) : content, 0);
    if (fsync) diskIo.fsync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, {force: true});
    throw err;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  if (fsync) fsyncDir(path.dirname(file));
}
