import type {FetchedRecord} from '../client/fetcher.js';
import {NO_HEADERS, type Event} from '../pipeline/event.js';

/** A consumed record as a pipeline event: headers from the record's headers, and its Kafka position. */
export function recordToEvent(r: FetchedRecord): Event {
  return new DrainedEvent(r);
}

/**
 * The fetched record is its own Kafka position (no copy per record); the body and headers are made
 * only when read, so a sink that copies bodies (copyBody) makes no object per record. Copy one with
 * withChanges (pipeline/event.ts): a spread keeps only the position.
 */
class DrainedEvent implements Event {
  #headers?: Record<string, string>;
  #body?: Buffer;

  constructor(readonly kafka: FetchedRecord) {}

  get headers(): Record<string, string> {
    return (this.#headers ??= headersOf(this.kafka));
  }

  set headers(headers: Record<string, string>) {
    this.#headers = headers;
  }

  get body(): Buffer {
    return (this.#body ??= this.kafka.value ?? EMPTY);
  }

  set body(body: Buffer) {
    this.#body = body;
  }

  get bodyLength(): number {
    const r = this.kafka;
    return this.#body === undefined && r.copyValue && r.valueLength !== undefined ? Math.max(0, r.valueLength) : this.body.length;
  }

  copyBody(target: Buffer, at: number): number {
    const r = this.kafka;
    return this.#body === undefined && r.copyValue ? r.copyValue(target, at) : this.body.copy(target, at);
  }
}

function headersOf(r: FetchedRecord): Record<string, string> {
  if (r.headers.length === 0) return NO_HEADERS;
  const headers: Record<string, string> = {};
  for (const h of r.headers) if (h.value !== null) headers[h.key] = h.value.toString('utf8');
  return headers;
}

const EMPTY = Buffer.alloc(0);
