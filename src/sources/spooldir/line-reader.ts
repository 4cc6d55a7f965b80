import type fs from 'node:fs';
import {LineSplitter, type Line as CompleteLine} from '../line-splitter.js';

const CHUNK_BYTES = 64 * 1024;

export interface Line extends CompleteLine {
  /** The range ended before a line end: the writer may not be done with this line. */
  unterminated: boolean;
}

/**
 * The lines of fh between byte offsets `from` and `to`, ending in LF or CRLF (the tail source's
 * splitter: a line longer than maxLineBytes keeps only its first maxLineBytes). Bytes after the
 * last line end come out as one line marked unterminated.
 */
export async function* readLines(fh: fs.promises.FileHandle, from: number, to: number, maxLineBytes: number): AsyncGenerator<Line> {
  const splitter = new LineSplitter(maxLineBytes, from);
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  for (let pos = from; pos < to; ) {
    const {bytesRead} = await fh.read(buf, 0, Math.min(CHUNK_BYTES, to - pos), pos);
    if (bytesRead === 0) break; // the file shrank; the caller checks its size again
    for (const line of splitter.push(buf.subarray(0, bytesRead))) yield {...line, unterminated: false};
    pos += bytesRead;
  }
  const last = splitter.flushPending();
  if (last) yield {...last, unterminated: true};
}
