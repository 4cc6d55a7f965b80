/** Where an event's bytes came from: kept with the event so a rejected one can name its origin. */
export interface EventOrigin {
  file?: string;
  inode?: number;
  /** Byte offset of the event's first byte in the file. */
  offset?: number;
  /** The host that read the file: set when the event leaves it (agent-to-agent forwarding). */
  host?: string;
  /** An identity chosen by whoever made the event, used instead of host:inode:offset. */
  id?: string;
}

/** Where a drained event sits in Kafka: sinks name files and derive cell versions from it. */
export interface KafkaPosition {
  topic: string;
  partition: number;
  offset: number;
  /** Record timestamp, ms since the epoch. */
  timestamp: number;
  key: Buffer | null;
}

/**
 * Flume's event: a body plus string headers (they become Kafka record headers). `rejected`
 * marks an event the source could not accept as a record (binary garbage, invalid UTF-8, too
 * long): sinks that can dead-letter send it there with the reason, the others drop it and count.
 */
export interface Event {
  headers: Record<string, string>;
  body: Buffer;
  origin?: EventOrigin;
  /** Set on events a drain read from Kafka. */
  kafka?: KafkaPosition;
  rejected?: string;
  /** A sender could not tell whether an earlier copy arrived. */
  redelivered?: boolean;
  /** When the source read it (ms since the epoch), for the sink's latency gauges; not stored. */
  readAt?: number;
  /**
   * Set on drained events, whose body lies inside the fetched bytes: its length and a copy of it
   * (returns the bytes copied) without making a Buffer of the body, for sinks that join bodies.
   */
  readonly bodyLength?: number;
  copyBody?(target: Buffer, at: number): number;
}

export function makeEvent(body: Buffer | string, headers: Record<string, string> = {}, origin?: EventOrigin): Event {
  return {headers, body: typeof body === 'string' ? Buffer.from(body) : body, origin, readAt: Date.now()};
}

/** Body bytes plus header bytes: what byte-bounded channels count. */
export function eventSize(event: Event): number {
  let size = event.body.length;
  for (const key in event.headers) size += key.length + event.headers[key].length;
  return size;
}
