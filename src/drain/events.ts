import type {FetchedRecord} from '../client/fetcher.js';
import type {Event} from '../pipeline/event.js';

/** A consumed record as a pipeline event: headers from the record's headers, and its Kafka position. */
export function recordToEvent(r: FetchedRecord): Event {
  const headers: Record<string, string> = {};
  for (const h of r.headers) if (h.value !== null) headers[h.key] = h.value.toString('utf8');
  return {
    headers,
    body: r.value ?? Buffer.alloc(0),
    kafka: {topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp, key: r.key},
  };
}
