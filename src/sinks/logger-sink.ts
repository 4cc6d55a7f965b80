import type {Event} from '../pipeline/event.js';
import type {Sink} from '../pipeline/sink.js';

/** Flume's logger sink: one line per event (headers and body), for debugging a flow. */
export class LoggerSink implements Sink {
  readonly type = 'logger';

  constructor(
    readonly name: string,
    private readonly write_: (line: string) => void,
    private readonly maxBodyBytes = 16,
  ) {}

  async write(events: Event[]): Promise<void> {
    for (const e of events) {
      const body = e.body.subarray(0, this.maxBodyBytes).toString('utf8');
      this.write_(`Event: { headers:${JSON.stringify(e.headers)} body: ${JSON.stringify(body)}${e.body.length > this.maxBodyBytes ? '…' : ''} }`);
    }
  }

  async close(): Promise<void> {}
}
