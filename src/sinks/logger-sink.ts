import type {Event} from '../pipeline/event.js';
import type {Sink} from '../pipeline/sink.js';

export interface LoggerSinkOptions {
  /** Bytes of each body printed (Flume's maxBytesToLog). */
  maxBytesToLog?: number;
  /** Events printed per interval, the rest only counted ('all' prints every one, as Flume does). */
  sample?: number | 'all';
  intervalMs?: number;
}

/**
 * Flume's logger sink, for looking at a flow: prints the first `sample` events of every interval
 * (headers and the body's first bytes) and a count of the others, so a 2-million-line file does
 * not flood the terminal.
 */
export class LoggerSink implements Sink {
  readonly type = 'logger';
  private readonly maxBytes: number;
  private readonly sample: number;
  private readonly intervalMs: number;
  private windowStart = Date.now();
  private printed = 0;
  private skipped = 0;
  private total = 0;

  constructor(
    readonly name: string,
    private readonly write_: (line: string) => void,
    {maxBytesToLog = 16, sample = 10, intervalMs = 10_000}: LoggerSinkOptions = {},
  ) {
    this.maxBytes = maxBytesToLog;
    this.sample = sample === 'all' ? Infinity : sample;
    this.intervalMs = intervalMs;
  }

  async write(events: readonly Event[]): Promise<void> {
    if (Date.now() - this.windowStart >= this.intervalMs) this.nextWindow();
    for (const e of events) {
      this.total++;
      if (this.printed >= this.sample) {
        this.skipped++;
        continue;
      }
      this.printed++;
      const body = e.body.subarray(0, this.maxBytes).toString('utf8');
      this.write_(`Event: { headers:${JSON.stringify(e.headers)} body: ${JSON.stringify(body)}${e.body.length > this.maxBytes ? '…' : ''} }`);
    }
  }

  private nextWindow(): void {
    this.reportSkipped();
    this.windowStart = Date.now();
    this.printed = 0;
  }

  private reportSkipped(): void {
    if (this.skipped > 0) this.write_(`${this.skipped.toLocaleString('en-US')} more event(s) not printed (${this.total.toLocaleString('en-US')} in all; sample: all prints every one)`);
    this.skipped = 0;
  }

  async close(): Promise<void> {
    this.reportSkipped();
  }
}
