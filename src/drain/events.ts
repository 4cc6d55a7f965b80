import type {FetchedRecord} from '../client/fetcher.js';
import type {Event} from '../pipeline/event.js';

/**
 * The headers of every record that has none: shared rather than one object per record (a drain
 * turns millions of records into events). Frozen, so a sink that tried to add one fails loudly.
 */
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_BODY = Buffer.alloc(0);

/**
 * A consumed record as a pipeline event: headers from the record's headers, and its Kafka
 * position. The record itself is the position (it has topic, partition, offset, timestamp and
 * key) and the body is the value's slice of the fetched response: nothing copied, and one new
 * object per record that has no headers.
 */
export function recordToEvent(r: FetchedRecord): Event {
  return {headers: r.headers.length === 0 ? NO_HEADERS : headersOf(r), body: r.value ?? NO_BODY, kafka: r};
}

function headersOf(r: FetchedRecord): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of r.headers) if (h.value !== null) headers[h.key] = h.value.toString('utf8');
  return headers;
}
