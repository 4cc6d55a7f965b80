import type {FetchedRecord} from '../client/fetcher.js';
import {NO_HEADERS, type Event} from '../pipeline/event.js';

/** A consumed record as a pipeline event: headers from the record's headers, and its Kafka position. */
export function recordToEvent(r: FetchedRecord): Event {
  return new DrainedEvent(r);
}

/**
 * The fetched record is its own Kafka position (no copy per record); the body is made only when
 * read, so a sink that copies bodies (copyBody) makes no Buffer per record. A copy made by
 * spreading ({...event, body}) keeps headers and position but must set its own body.
 */
class DrainedEvent implements Event {
  headers: Record<string, string>;
  #body?: Buffer;

  constructor(readonly kafka: FetchedRecord) {
    this.headers = kafka.headers.length === 0 ? NO_HEADERS : headersOf(kafka);
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
  const headers: Record<string, string> = {};
  for (const h of r.headers) if (h.value !== null) headers[h.key] = h.value.toString('utf8');
  return headers;
}

const EMPTY = Buffer.alloc(0);
