import type {Event} from '../pipeline/event.js';
import type {Interceptor} from '../pipeline/interceptor.js';

export interface TimestampOptions {
  /** Flume default: timestamp. */
  headerName?: string;
  /** Keep a value already there (Flume default false). */
  preserveExisting?: boolean;
}

/** Flume's `timestamp`: the time the event passed the agent, in ms since the epoch. */
export class TimestampInterceptor implements Interceptor {
  readonly type = 'timestamp';
  private readonly header: string;
  private readonly preserve: boolean;

  constructor(options: TimestampOptions = {}, private readonly now: () => number = Date.now) {
    this.header = options.headerName ?? 'timestamp';
    this.preserve = options.preserveExisting ?? false;
  }

  intercept(event: Event): Event {
    if (!(this.preserve && this.header in event.headers)) event.headers[this.header] = String(this.now());
    return event;
  }
}
