import type {FetchedRecord} from '../client/fetcher.js';
import type {Event} from '../pipeline/event.js';

const NO_BODY = Buffer.alloc(0);

/**
 * A consumed record as a pipeline event: headers from the record's headers, and its Kafka
 * position (the record itself: it carries topic, partition, offset, timestamp and key).
 */
export function recordToEvent(r: FetchedRecord): Event {
  const headers: Record<string, string> = {};
  for (let i = 0; i < r.headers.length; i++) {
    const h = r.headers[i];
    if (h.value !== null) headers[h.key] = h.value.toString('utf8');
  }
  return {headers, body: r.value ?? NO_BODY, kafka: r};
}
