import type {FetchedRecord} from '../client/fetcher.js';
import type {Event} from '../pipeline/event.js';

/** A consumed record as a pipeline event: headers from the record's headers, and its Kafka position. */
export function recordToEvent(r: FetchedRecord): Event {
  const headers: Record<string, string> = {};
  for (const h of r.headers) if (h.value !== null) headers[h.key] = h.value.toString('utf8');
  // The fetched record is its own Kafka position (topic, partition, offset, timestamp, key): no copy per record.
  return {headers, body: r.value ?? EMPTY, kafka: r};
}

const EMPTY = Buffer.alloc(0);
