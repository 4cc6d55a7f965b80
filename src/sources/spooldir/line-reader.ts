import type fs from 'node:fs';
import {ChunkReader} from '../chunk-reader.js';
import {allLinesAccepted} from '../classify.js';
import {Line as CompleteLine, type LineClass} from '../../lib/line.js';
import {LineSplitter} from '../line-splitter.js';

/** Large reads: one await per chunk, not per line. */
const CHUNK_BYTES = 256 * 1024;

export interface Line extends CompleteLine {
  /** The range ended before a line end: the writer may not be done with this line. */
  unterminated?: boolean;
}

export interface ReadLines {
  lines: Line[];
  /** Lines starting at or after this file offset are known to be accepted text (no rejectReason). */
  acceptedFrom: number;
}

/**
 * The lines of fh between byte offsets `from` and `to`, a chunk's worth at a time, ending in LF
 * or CRLF (the tail source's splitter: a line longer than maxLineBytes keeps only its first
 * maxLineBytes), made as `lineClass`. Bytes after the last line end come out as one line marked
 * unterminated.
 */
export async function* readLines(fh: fs.promises.FileHandle, from: number, to: number, maxLineBytes: number, lineClass: LineClass = CompleteLine): AsyncGenerator<ReadLines> {
  const splitter = new LineSplitter(maxLineBytes, from, lineClass);
  const reader = new ChunkReader(CHUNK_BYTES);
  for (let pos = from; pos < to; ) {
    const chunk = await reader.read(fh, pos, to - pos);
    if (chunk.length === 0) break; // the file shrank; the caller checks its size again
    const start = pos;
    pos += chunk.length;
    const lines = splitter.push(chunk, true);
    if (lines.length === 0) continue;
    // The lines that lie wholly in this chunk are checked in one pass (a line begun in an earlier chunk is checked alone).
    yield {lines, acceptedFrom: allLinesAccepted(chunk.subarray(0, chunk.lastIndexOf(0x0a) + 1)) ? start : Infinity};
  }
  const last: Line | null = splitter.flushPending();
  if (last) {
    last.unterminated = true;
    yield {lines: [last], acceptedFrom: Infinity};
  }
}
