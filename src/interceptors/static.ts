import type {Event} from '../pipeline/event.js';
import type {Interceptor} from '../pipeline/interceptor.js';

export interface StaticOptions {
  key: string;
  value: string;
  /** Flume default true (unlike timestamp and host). */
  preserveExisting?: boolean;
}

/** Flume's `static`: one fixed header; chain several for several headers. */
export class StaticInterceptor implements Interceptor {
  readonly type = 'static';
  private readonly preserve: boolean;

  constructor(private readonly options: StaticOptions) {
    this.preserve = options.preserveExisting ?? true;
  }

  intercept(event: Event): Event {
    if (!(this.preserve && this.options.key in event.headers)) event.headers[this.options.key] = this.options.value;
    return event;
  }
}
