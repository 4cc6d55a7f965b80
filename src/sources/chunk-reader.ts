import fs from 'node:fs';
import type {FileHandle} from 'node:fs/promises';

/**
 * Reads a file in large chunks the caller may keep (LineSplitter.push(chunk, true) makes lines
 * views into them, not copies). A read that fills little of the buffer is copied out and the
 * buffer reused, so a slowly growing file does not pin a large buffer per line.
 */
export class ChunkReader {
  private buffer: Buffer;

  constructor(private readonly size: number) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  /** Up to `max` bytes at `position`; empty at the end of the file. */
  readSync(fd: number, position: number, max = this.size): Buffer {
    return this.take(fs.readSync(fd, this.buffer, 0, Math.min(max, this.size), position));
  }

  async read(fh: FileHandle, position: number, max = this.size): Promise<Buffer> {
    return this.take((await fh.read(this.buffer, 0, Math.min(max, this.size), position)).bytesRead);
  }

  private take(n: number): Buffer {
    if (n < this.size / 8) return Buffer.from(this.buffer.subarray(0, n));
    const chunk = this.buffer.subarray(0, n);
    this.buffer = Buffer.allocUnsafe(this.size);
    return chunk;
  }
}
