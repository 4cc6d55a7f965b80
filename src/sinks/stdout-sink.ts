/**
 * Writes events to a stream (stdout for pipes): each event rendered (by default its body and a
 * newline), a batch confirmed once the stream took it, so a full pipe slows the drain down.
 */
import type {Event} from '../pipeline/event.js';
import type {Sink} from '../pipeline/sink.js';

/** The reader went away (`| head`): the drain stops without an error. */
export class OutputClosedError extends Error {
  constructor() {
    super('the output was closed');
    this.name = 'OutputClosedError';
  }
}

export interface StdoutSinkOptions {
  out: NodeJS.WritableStream;
  render?: (event: Event) => Buffer;
  name?: string;
}

const NEWLINE = Buffer.from('\n');

export class StdoutSink implements Sink {
  readonly type = 'stdout';
  readonly name: string;
  private readonly render: (event: Event) => Buffer;

  constructor(private readonly options: StdoutSinkOptions) {
    this.name = options.name ?? 'stdout';
    this.render = options.render ?? ((e) => Buffer.concat([e.body, NEWLINE]));
  }

  write(events: readonly Event[]): Promise<void> {
    const data = Buffer.concat(events.map(this.render));
    return new Promise((resolve, reject) => {
      this.options.out.write(data, (err) => {
        if (!err) return resolve();
        const code = (err as NodeJS.ErrnoException).code;
        reject(code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' ? new OutputClosedError() : err);
      });
    });
  }

  async close(): Promise<void> {}
}
