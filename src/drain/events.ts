import type {FetchedRecord} from '../client/fetcher.js';
import type {Event} from '../pipeline/event.js';

/** A consumed record as a pipeline event: headers from the record's headers, and its Kafka position. */
export function recordToEvent(r: FetchedRecord): Event {
  // The fetched record is its own Kafka position (topic, partition, offset, timestamp, key): no copy per record.
  return {headers: r.headers.length === 0 ? NO_HEADERS : headersOf(r), body: r.value ?? EMPTY, kafka: r};
}

function headersOf(r: FetchedRecord): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of r.headers) if (h.value !== null) headers[h.key] = h.value.toString('utf8');
  return headers;
}

const EMPTY = Buffer.alloc(0);
/**
 * Shared by every record without headers instead of an object each (a drain makes millions of
 * events). Frozen: a sink that tried to add a header to a drained event would fail loudly.
 */
const NO_HEADERS: Record<string, string> = Object.freeze({});
