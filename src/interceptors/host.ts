import os from 'node:os';
import type {Event} from '../pipeline/event.js';
import type {Interceptor} from '../pipeline/interceptor.js';

export interface HostOptions {
  /** Flume default: host. */
  hostHeader?: string;
  /** The IP address instead of the host name (Flume default true). */
  useIP?: boolean;
  /** Flume default false. */
  preserveExisting?: boolean;
}

/** The first external IPv4 address, else the first external IPv6 one, else loopback. */
export function localAddress(): string {
  const all = Object.values(os.networkInterfaces()).flatMap((list) => list ?? []).filter((a) => !a.internal);
  return (all.find((a) => a.family === 'IPv4') ?? all[0])?.address ?? '127.0.0.1';
}

/** Flume's `host`: this machine's address or name, looked up once when the agent starts. */
export class HostInterceptor implements Interceptor {
  readonly type = 'host';
  private readonly header: string;
  private readonly preserve: boolean;
  readonly value: string;

  constructor(options: HostOptions = {}) {
    this.header = options.hostHeader ?? 'host';
    this.preserve = options.preserveExisting ?? false;
    this.value = (options.useIP ?? true) ? localAddress() : os.hostname();
  }

  intercept(event: Event): Event {
    if (!(this.preserve && this.header in event.headers)) event.headers[this.header] = this.value;
    return event;
  }
}
