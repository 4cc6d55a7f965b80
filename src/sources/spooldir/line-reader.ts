import type fs from 'node:fs';

const CHUNK_BYTES = 64 * 1024;
const LF = 0x0a;
const CR = 0x0d;

export interface Line {
  /** The line without its line end; cut to maxLineBytes when longer. */
  body: Buffer;
  /** Offset of the line's first byte. */
  offset: number;
  /** Offset just after its line end: where the next line starts. */
  end: number;
  /** Full length without the line end (more than body.length when cut). */
  length: number;
  /** The range ended before a line end: the writer may not be done with this line. */
  unterminated: boolean;
}

/**
 * The lines of fh between byte offsets `from` and `to`, ending in LF or CRLF. Bodies are slices
 * of the read chunks (no copy). A line longer than maxLineBytes keeps only its first
 * maxLineBytes, however long it runs, so one endless line cannot exhaust memory.
 */
export async function* readLines(fh: fs.promises.FileHandle, from: number, to: number, maxLineBytes: number): AsyncGenerator<Line> {
  let pos = from;
  let lineStart = from;
  let parts: Buffer[] = [];
  let kept = 0; // bytes in parts (at most maxLineBytes)
  let length = 0; // bytes of the line so far
  let last = -1; // the line's last byte so far, to strip a CR split from its LF by a chunk edge

  const take = (piece: Buffer, end: number, unterminated: boolean): Line => {
    const full = length + piece.length;
    const lastByte = piece.length > 0 ? piece[piece.length - 1] : last;
    const content = lastByte === CR ? full - 1 : full;
    let body: Buffer;
    if (parts.length === 0) body = piece.subarray(0, Math.min(content, maxLineBytes));
    else {
      parts.push(piece.subarray(0, Math.max(0, maxLineBytes - kept)));
      body = Buffer.concat(parts).subarray(0, Math.min(content, maxLineBytes));
    }
    const line = {body, offset: lineStart, end, length: content, unterminated};
    parts = [];
    kept = 0;
    length = 0;
    last = -1;
    lineStart = end;
    return line;
  };

  while (pos < to) {
    const want = Math.min(CHUNK_BYTES, to - pos);
    const buf = Buffer.allocUnsafe(want);
    const {bytesRead} = await fh.read(buf, 0, want, pos);
    if (bytesRead === 0) break; // the file shrank; the caller checks its size again
    const chunk = buf.subarray(0, bytesRead);
    let s = 0;
    for (let nl = chunk.indexOf(LF, s); nl >= 0; nl = chunk.indexOf(LF, s)) {
      yield take(chunk.subarray(s, nl), pos + nl + 1, false);
      s = nl + 1;
    }
    const rest = chunk.subarray(s);
    if (rest.length > 0) {
      if (kept < maxLineBytes) {
        const piece = rest.subarray(0, maxLineBytes - kept);
        parts.push(piece);
        kept += piece.length;
      }
      length += rest.length;
      last = rest[rest.length - 1];
    }
    pos += bytesRead;
  }
  if (length > 0) yield take(Buffer.alloc(0), pos, true);
}
