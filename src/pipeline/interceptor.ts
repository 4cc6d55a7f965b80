import type {Event} from './event.js';

/**
 * Changes or drops events between a source and its channel, in order (Flume's interceptor chain).
 * An interceptor never adds events: it returns the same event, a changed one, or null to drop it.
 */
export interface Interceptor {
  readonly type: string;
  intercept(event: Event): Event | null;
}

export function applyInterceptors(interceptors: readonly Interceptor[], events: readonly Event[]): readonly Event[] {
  if (interceptors.length === 0) return events;
  const out: Event[] = [];
  for (const event of events) {
    let e: Event | null = event;
    // A rejected event passes untouched: it is on its way to the dead-letter topic as it was read.
    for (const interceptor of interceptors) {
      if (e === null || e.rejected) break;
      e = interceptor.intercept(e);
    }
    if (e !== null) out.push(e);
  }
  return out;
}
