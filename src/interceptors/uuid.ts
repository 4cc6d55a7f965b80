import {randomUUID} from 'node:crypto';
import type {Event} from '../pipeline/event.js';
import type {Interceptor} from '../pipeline/interceptor.js';

export interface UuidOptions {
  /** Flume default: id. */
  headerName?: string;
  /** Put before the UUID (Flume default empty). */
  prefix?: string;
  /** Flume default true: an id given at the first hop survives the later ones. */
  preserveExisting?: boolean;
}

/** Flume's UUIDInterceptor: a unique id per event, so a consumer can drop duplicates. */
export class UuidInterceptor implements Interceptor {
  readonly type = 'uuid';
  private readonly header: string;
  private readonly prefix: string;
  private readonly preserve: boolean;

  constructor(options: UuidOptions = {}) {
    this.header = options.headerName ?? 'id';
    this.prefix = options.prefix ?? '';
    this.preserve = options.preserveExisting ?? true;
  }

  intercept(event: Event): Event {
    if (!(this.preserve && this.header in event.headers)) event.headers[this.header] = this.prefix + randomUUID();
    return event;
  }
}
