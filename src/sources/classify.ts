import {isUtf8} from 'node:buffer';

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const DEL = 0x7f;

/**
 * Why a line (`body`, or its bytes from `start` to `end`) cannot go out as a log record, or
 * undefined when it can. Tab is the only control byte a text line may hold (\n too, inside a
 * multiline group); anything else (NUL, ESC, ...) means binary data. Checked before UTF-8, since
 * garbage usually fails both; a line of ASCII bytes is valid UTF-8 without asking.
 */
export function rejectReason(body: Buffer, start = 0, end = body.length): 'binary data' | 'invalid UTF-8' | undefined {
  let high = 0;
  for (let i = start; i < end; i++) {
    const byte = body[i];
    if ((byte < 0x20 && byte !== TAB && byte !== LF) || byte === DEL) return 'binary data';
    high |= byte;
  }
  return high < 0x80 || isUtf8(body.subarray(start, end)) ? undefined : 'invalid UTF-8';
}

/**
 * The reason for a line cut to `maxLineBytes` (`--max-line-bytes`, an agent source's
 * `maxLineBytes`) from its `length` bytes. A line within it may still be too large for the topic:
 * the Kafka sink's reason then names the topic's max.message.bytes.
 */
export function tooLongReason(maxLineBytes: number, length: number): string {
  return `line of ${length} bytes exceeds --max-line-bytes (${maxLineBytes} bytes)`;
}

/**
 * True when no line of `bytes` (whole lines, LF or CRLF ended) has a rejectReason: one pass over a
 * chunk instead of one per line. False says only that some line may be rejected.
 */
export function allLinesAccepted(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte < 0x20 ? byte !== TAB && byte !== LF && !(byte === CR && bytes[i + 1] === LF) : byte === DEL) return false;
  }
  // A UTF-8 sequence never holds an LF byte, so a valid chunk is valid line by line.
  return isUtf8(bytes);
}
