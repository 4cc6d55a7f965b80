import os from 'node:os';
import {copyRange} from '../lib/copy-range.js';
import {Line} from '../lib/line.js';

/** Where an event's bytes came from: kept with the event so a rejected one can name its origin. */
export interface EventOrigin {
  file?: string;
  inode?: number;
  /** Byte offset of the event's first byte in the file. */
  offset?: number;
  /** The file's content was restarted from 0 (truncated, rewritten) this many times before: absent, 0. */
  generation?: number;
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
   * Set on drained events and lines of files, whose body lies inside fetched or read bytes: its
   * length and a copy of it (returns the bytes copied) without making a Buffer of the body.
   */
  readonly bodyLength?: number;
  copyBody?(target: Buffer, at: number): number;
}

export function makeEvent(body: Buffer | string, headers: Record<string, string> = {}, origin?: EventOrigin): Event {
  return {headers, body: typeof body === 'string' ? Buffer.from(body) : body, origin, readAt: Date.now()};
}

/** The length of an event's body, without making a Buffer of a body that lies in read bytes. */
export function bodyLength(event: Event): number {
  return event.bodyLength ?? event.body.length;
}

/** Copies an event's body into `target` at `at`; returns how many bytes. */
export function copyBody(event: Event, target: Buffer, at: number): number {
  return event.copyBody ? event.copyBody(target, at) : event.body.copy(target, at);
}

/** Body bytes plus header bytes: what byte-bounded channels count. */
export function eventSize(event: Event): number {
  const size = bodyLength(event);
  // A line with its read's shared headers: their size was counted once for the read.
  if (event instanceof LineEvent && event.sharesHeaders) return size + event.from.headersSize;
  return size + headersSize(headersOf(event));
}

function headersSize(headers: Readonly<Record<string, string>>): number {
  let size = 0;
  for (const key in headers) size += key.length + headers[key].length;
  return size;
}

/**
 * What the lines of one read of a file share (one object per chunk or batch, not per line): where
 * they came from, when they were read, and the headers every line starts with.
 */
export interface LineOrigin {
  readonly file: string;
  readonly inode: number;
  /** Which version of the file's content (EventOrigin.generation); 0 for the first. */
  readonly generation: number;
  readonly readAt: number;
  /** Shared by the lines until one's headers are touched: that line then gets its own copy. */
  readonly headers: Readonly<Record<string, string>>;
  /** Their part of eventSize. */
  readonly headersSize: number;
  /** `host:inode:` (`host:inode.generation:` after a restart from 0), the start of each line's origin id (the offset follows): made once per read. */
  readonly idPrefix: string;
  /** idPrefix as UTF-8, for the batch encoder. */
  readonly idPrefixBytes: Buffer;
}

/**
 * One empty header set shared by the events that have none (millions in a drain or a spool), not
 * an object each. Frozen: code that tried to add a header to it would fail loudly.
 */
export const NO_HEADERS: Record<string, string> = Object.freeze({});

/** What one read's lines share; they start with `headers` (none unless the source adds some). */
export function lineOrigin(file: string, inode: number, headers: Readonly<Record<string, string>> = NO_HEADERS, generation = 0): LineOrigin {
  const idPrefix = filePrefix(HOST, inode, generation);
  return {file, inode, generation, readAt: Date.now(), headers, headersSize: headersSize(headers), idPrefix, idPrefixBytes: Buffer.from(idPrefix)};
}

/**
 * `host:inode:`, the start of a line's origin id. A file truncated or rewritten holds new lines
 * at the offsets of the old ones, maybe the same text (a banner): `host:inode.generation:` then,
 * so the Kafka sink's re-read check does not take them for lines already sent.
 */
export function filePrefix(host: string, inode: number, generation = 0): string {
  return generation > 0 ? `${host}:${inode}.${generation}:` : `${host}:${inode}:`;
}

/** The host that reads the files: the first part of an origin id. */
export const HOST = os.hostname();

/**
 * An Event for a line of a file, made to stay small while it waits for Kafka's acknowledgement
 * (a young-generation scavenge copies every object still alive): the file, inode, read time and
 * starting headers are the shared LineOrigin's, the line keeps only its place in the file and where
 * its bytes lie in the buffer they were read into (a Line: the tail's splitter makes its lines as
 * events, one object per line). Its body view, headers and origin objects are made on
 * first use, so an interceptor that writes a header in place writes into this line's own copy and
 * no other line sees it; the Kafka sink copies the bytes without ever making the view.
 */
export class LineEvent extends Line implements Event {
  /** What its read shares; set by whoever made the line (see of()). */
  from!: LineOrigin;
  /** What few lines ever get (a reject reason, a redelivery mark, their own headers, origin or body). */
  private changed?: LineChanges;

  /** A line of a read, as an event. */
  static of(from: LineOrigin, line: Line): LineEvent {
    const event = new LineEvent(line.offset, line.end, line.length, line.bytes, line.start, line.stop);
    event.from = from;
    return event;
  }

  private get own(): LineChanges {
    return (this.changed ??= {});
  }

  get rejected(): string | undefined {
    return this.changed?.rejected;
  }

  set rejected(reason: string | undefined) {
    this.own.rejected = reason;
  }

  get redelivered(): boolean | undefined {
    return this.changed?.redelivered;
  }

  set redelivered(redelivered: boolean | undefined) {
    this.own.redelivered = redelivered;
  }

  get kafka(): KafkaPosition | undefined {
    return this.changed?.kafka;
  }

  set kafka(kafka: KafkaPosition | undefined) {
    this.own.kafka = kafka;
  }

  override get body(): Buffer {
    return (this.own.body ??= this.bytes.subarray(this.start, this.stop));
  }

  override set body(body: Buffer) {
    this.own.body = body;
  }

  get bodyLength(): number {
    const body = this.changed?.body;
    return body === undefined ? this.stop - this.start : body.length;
  }

  copyBody(target: Buffer, at: number): number {
    const body = this.changed?.body;
    return body === undefined ? copyRange(this.bytes, this.start, this.stop, target, at) : body.copy(target, at);
  }

  get headers(): Record<string, string> {
    return (this.own.headers ??= {...this.from.headers});
  }

  set headers(headers: Record<string, string>) {
    this.own.headers = headers;
  }

  get origin(): EventOrigin {
    const {file, inode, generation} = this.from;
    return (this.own.origin ??= generation > 0 ? {file, inode, generation, offset: this.offset} : {file, inode, offset: this.offset});
  }

  set origin(origin: EventOrigin) {
    this.own.origin = origin;
  }

  get readAt(): number {
    return this.from.readAt;
  }

  /** Nothing asked for this line's own headers yet: they are its read's. */
  get sharesHeaders(): boolean {
    return this.changed?.headers === undefined;
  }

  /** The headers as they are, without making this line its own copy: for readers only. */
  get currentHeaders(): Readonly<Record<string, string>> {
    return this.changed?.headers ?? this.from.headers;
  }

  /** The origin without making an object for it, while nobody changed it (host, inode, offset). */
  get plainOrigin(): boolean {
    return this.changed?.origin === undefined;
  }
}

interface LineChanges {
  rejected?: string;
  redelivered?: boolean;
  kafka?: KafkaPosition;
  headers?: Record<string, string>;
  origin?: EventOrigin;
  body?: Buffer;
}

/** An event's headers for reading only: a line's shared headers are not copied. */
export function headersOf(event: Event): Readonly<Record<string, string>> {
  return event instanceof LineEvent ? event.currentHeaders : event.headers;
}

/** A plain copy of `event` with some fields changed (a spread would drop a LineEvent's accessors). */
export function withChanges(event: Event, changes: Partial<Event>): Event {
  const {headers, body, origin, kafka, rejected, redelivered, readAt} = event;
  return {headers, body, origin, kafka, rejected, redelivered, readAt, ...changes};
}
