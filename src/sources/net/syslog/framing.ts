import {LineSplitter} from '../../line-splitter.js';

/** One syslog message cut out of a TCP stream. */
export interface SyslogFrame {
  /** At most maxBytes bytes of the message, without framing. */
  message: Buffer;
  /** Its real length: more than message.length when it was cut. */
  length: number;
}

const LF = 0x0a;
const SP = 0x20;
/** An octet count is a non-zero digit and at most this many more (a 1 GB message is not syslog). */
const MAX_COUNT_DIGITS = 9;

/**
 * Splits a syslog TCP stream into messages, framing detected per message (RFC 6587): a message
 * that starts with a digit is octet-counted (`LEN SP MSG`), anything else ends at LF (a CR
 * before it is dropped). A message longer than maxBytes keeps its first maxBytes bytes; the rest
 * is read and skipped, so memory stays bounded whatever a peer sends. A digit run that is not a
 * count (no space after it) is taken as the start of a newline-ended message.
 */
export class SyslogFramer {
  /** Bytes of an octet count read so far (it may straddle chunks). */
  private digits = '';
  /** Octet-counted message in progress: bytes still to come, and those kept. */
  private remaining = 0;
  private total = 0;
  private kept: Buffer[] = [];
  private keptBytes = 0;
  private mode: 'start' | 'count' | 'octets' | 'line' = 'start';
  private readonly lines: LineSplitter;

  constructor(private readonly maxBytes: number) {
    this.lines = new LineSplitter(maxBytes);
  }

  push(chunk: Buffer): SyslogFrame[] {
    const frames: SyslogFrame[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.mode === 'start') {
        const byte = chunk[at];
        if (byte === LF || byte === 0x0d) at++; // blank lines between messages
        else this.mode = byte >= 0x31 && byte <= 0x39 ? 'count' : 'line';
      } else if (this.mode === 'count') {
        at = this.readCount(chunk, at);
      } else if (this.mode === 'octets') {
        const take = Math.min(this.remaining, chunk.length - at);
        this.keep(chunk.subarray(at, at + take));
        this.remaining -= take;
        at += take;
        if (this.remaining === 0) frames.push(this.takeOctets());
      } else {
        const nl = chunk.indexOf(LF, at);
        const end = nl < 0 ? chunk.length : nl + 1;
        for (const line of this.lines.push(chunk.subarray(at, end))) frames.push({message: line.body, length: line.length});
        at = end;
        if (nl >= 0) this.mode = 'start';
      }
    }
    return frames;
  }

  /** At the end of the stream: a newline-ended message still missing its newline, if any. */
  flush(): SyslogFrame | null {
    if (this.mode === 'count' && this.digits) this.lines.push(Buffer.from(this.digits));
    // A peer that went away mid-message: what came is still a message, one that was cut.
    if (this.mode === 'octets') return this.takeOctets();
    const line = this.lines.flushPending();
    this.mode = 'start';
    return line && {message: line.body, length: line.length};
  }

  private readCount(chunk: Buffer, at: number): number {
    while (at < chunk.length) {
      const byte = chunk[at];
      if (byte === SP && this.digits.length > 0) {
        this.total = this.remaining = Number(this.digits);
        this.digits = '';
        this.mode = 'octets';
        return at + 1;
      }
      if (byte < 0x30 || byte > 0x39 || this.digits.length > MAX_COUNT_DIGITS) {
        // Not a count after all: those digits begin a newline-ended message.
        this.lines.push(Buffer.from(this.digits));
        this.digits = '';
        this.mode = 'line';
        return at;
      }
      this.digits += String.fromCharCode(byte);
      at++;
    }
    return at;
  }

  private keep(bytes: Buffer): void {
    const room = this.maxBytes - this.keptBytes;
    if (room <= 0 || bytes.length === 0) return;
    const part = bytes.length <= room ? bytes : bytes.subarray(0, room);
    this.kept.push(Buffer.from(part)); // copy: the socket reuses its chunk buffers
    this.keptBytes += part.length;
  }

  private takeOctets(): SyslogFrame {
    const frame = {message: Buffer.concat(this.kept, this.keptBytes), length: this.total};
    this.kept = [];
    this.keptBytes = 0;
    this.mode = 'start';
    return frame;
  }
}
