/**
 * Writes events to an HBase table through the REST (Stargate) gateway with multi-row CellSet PUTs.
 * A large batch is split by row key into lanes written side by side, each a run of PUTs of at most
 * MAX_REQUEST_BYTES: a row's puts stay in order in its lane, and the write resolves only once every
 * PUT of the batch is confirmed, so the drain commits no offset ahead of HBase. Cells carry the record's time as their version (hbase-rows.ts), so a batch written
 * again after a failure or a replay lands on the same cells. A gateway that does not answer
 * (refused, timeout, 5xx, 408, 429) is SinkUnavailableError, carrying its Retry-After; a 400 is the data of some row, found by
 * splitting the batch until the refused rows stand alone (they go to the dead-letter topic).
 * A gateway that does not answer yet when the sink starts (services started in another order) is
 * no error: the table is checked (and created) by the first write or probe instead, so the runner
 * parks and probes as for an outage later on; an answer no wait mends (a missing table without
 * createTable, a 401/403, a TLS failure) still fails start() at once.
 */
import {HBaseRequestError, HBaseUnavailableError, type HBaseRestClient} from '../hbase/rest-client.js';
import {CellSetWriter, cellSetBodyLength} from '../hbase/cellset-writer.js';
import type {HBaseRow} from '../hbase/wire.js';
import {UserError, errorMessage} from '../lib/errors.js';
import type {Event} from '../pipeline/event.js';
import {SinkDataError, SinkUnavailableError, type RejectedEvent, type Sink} from '../pipeline/sink.js';
import {RowMappingError} from './hbase-rows.js';

export interface HBaseSinkOptions {
  client: HBaseRestClient;
  /** The gateway's address, for messages. */
  url: string;
  table: string;
  family: string;
  /** Event to row; throws RowMappingError for a record that does not map. */
  toRow: (event: Event) => HBaseRow;
  /**
   * The same row written straight into the CellSet of `writerFor(its key)` (no object per cell);
   * returns its key. Used instead of toRow when given.
   */
  encodeRow?: (event: Event, writerFor: (key: Buffer) => CellSetWriter) => Buffer;
  /** Create the table (with `family`) when it does not exist. */
  createTable?: boolean;
  name?: string;
}

/** A row of the write, as bytes [start, end) of its CellSet JSON in its lane's buffer. */
interface EncodedRow {
  /** the event's index in the write */
  index: number;
  start: number;
  end: number;
}

/** A lane's rows, one run in its writer's buffer. */
interface Lane {
  writer: CellSetWriter;
  rows: EncodedRow[];
}

/** Bound of one PUT's body; a real gateway's Jetty and HBase's RPC sizes are far above it. */
export const MAX_REQUEST_BYTES = 1024 * 1024;
/** PUTs in flight per write (the client's agent keeps that many connections alive). */
export const MAX_LANES = 4;
/** A batch is split into lanes only where each gets at least this much, so small writes stay one request. */
const MIN_LANE_BYTES = 128 * 1024;

/**
 * Writes a drain may have in flight: each PUTs cells of its own records (a row's cells carry the
 * record's time), so they do not depend on each other, and HBase confirms each on its own.
 */
export const WRITES_IN_FLIGHT = 3;

export class HBaseSink implements Sink {
  readonly type = 'hbase';
  readonly maxWritesInFlight = WRITES_IN_FLIGHT;
  readonly name: string;
  /** CellSet bytes per event in the last write: sizes the next write's lanes and buffers before it is encoded. */
  private bytesPerEvent?: number;
  /** The table was found (or created): set once, by start() or, if the gateway was down then, by a later write or probe. */
  private tableReady = false;
  /** The table check under way, shared by the writes in flight. */
  private checkingTable?: Promise<void>;

  constructor(private readonly options: HBaseSinkOptions) {
    this.name = options.name ?? `hbase:${options.table}`;
  }

  async start(): Promise<void> {
    try {
      await this.ensureTable();
    } catch (err) {
      if (!(err instanceof SinkUnavailableError)) throw err;
      const {cause} = err;
      if (cause instanceof HBaseUnavailableError && isTlsFailure(cause.code)) throw new UserError(`TLS with the HBase REST gateway at ${this.options.url} failed (${cause.message})`, 'check the https address and the CA (--hbase-ca), client certificate and key (--hbase-cert, --hbase-key)');
      // Down at start is handled as down later on: the first write (or probe) checks the table
      // again and fails as unavailable, so the runner parks and probes until the gateway answers.
    }
  }

  /** Resolves once the table exists (created first with createTable); SinkUnavailableError while the gateway does not answer. */
  private ensureTable(): Promise<void> {
    if (this.tableReady) return Promise.resolve();
    this.checkingTable ??= this.checkTable().then(
      () => {
        this.tableReady = true;
        this.checkingTable = undefined;
      },
      (err: unknown) => {
        this.checkingTable = undefined;
        throw err;
      },
    );
    return this.checkingTable;
  }

  private async checkTable(): Promise<void> {
    const {client, table, family, url} = this.options;
    try {
      const families = await client.tableSchema(table);
      if (families?.some((f) => f.name === family)) return;
      if (!this.options.createTable) {
        if (families === null) throw new UserError(`HBase table "${table}" does not exist (at ${url})`, `create it with --create-table, or in the HBase shell: create '${table}','${family}'`);
        throw new UserError(`HBase table "${table}" has no column family "${family}" (it has ${families.map((f) => f.name).join(', ') || 'none'}; at ${url})`, `add it with --create-table, or in the HBase shell: alter '${table}', NAME => '${family}'; or name one it has with --column-family`);
      }
      // Creates the table, or adds the family to the one there (its other families are kept).
      await client.createTable(table, [family]);
    } catch (err) {
      throw this.fatal(err);
    }
  }

  async write(events: readonly Event[]): Promise<void> {
    await this.ensureTable();
    // Each row is encoded as soon as it is mapped, into its lane's buffer, so its cells never
    // outlive this loop and a lane's PUTs send runs of that buffer as they lie.
    const estimate = this.bytesPerEvent === undefined ? events.reduce((sum, e) => sum + 2 * e.body.length, 0) : this.bytesPerEvent * events.length;
    const laneCount = Math.max(1, Math.min(MAX_LANES, Math.floor(estimate / MIN_LANE_BYTES)));
    const lanes: Lane[] = Array.from({length: laneCount}, () => ({writer: new CellSetWriter(Math.max(64 * 1024, Math.ceil((1.125 * estimate) / laneCount))), rows: []}));
    let lane = lanes[0];
    const writerFor = (key: Buffer): CellSetWriter => (lane = lanes[laneCount === 1 ? 0 : keyHash(key) % laneCount]).writer;
    const rejected: RejectedEvent[] = [];
    const {toRow, encodeRow} = this.options;
    events.forEach((event, index) => {
      try {
        if (encodeRow) encodeRow(event, writerFor);
        else {
          const row = toRow(event);
          writerFor(row.key).row(row);
        }
      } catch (err) {
        if (!(err instanceof RowMappingError)) throw err;
        rejected.push({index, reason: `cannot map to a row of ${this.options.table}: ${err.message}`});
        return;
      }
      lane.rows.push({index, start: lane.writer.rowStart, end: lane.writer.length});
    });
    if (events.length > 0) this.bytesPerEvent = lanes.reduce((sum, l) => sum + l.writer.length, 0) / events.length;
    await this.putLanes(lanes, rejected);
    if (rejected.length > 0) throw new SinkDataError(rejected.sort((a, b) => a.index - b.index));
  }

  async probe(): Promise<void> {
    if (!this.tableReady) return this.ensureTable();
    try {
      await this.options.client.tableExists(this.options.table);
    } catch (err) {
      throw this.fatal(err);
    }
  }

  async close(): Promise<void> {}

  /**
   * Puts the lanes' rows, the lanes side by side. Every lane runs to its end even when another
   * fails, so no PUT of this write is still in flight when the caller writes the batch again.
   */
  private async putLanes(lanes: Lane[], rejected: RejectedEvent[]): Promise<void> {
    const outcomes = await Promise.allSettled(lanes.map((lane) => this.putLane(lane, rejected)));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** One lane: PUTs of consecutive rows, each at most MAX_REQUEST_BYTES (a larger row alone). */
  private async putLane({writer, rows}: Lane, rejected: RejectedEvent[]): Promise<void> {
    let start = 0;
    for (let i = 0; i < rows.length; i++) {
      if (i > start && cellSetBodyLength(rows[i].end - rows[start].start) > MAX_REQUEST_BYTES) {
        await this.put(writer, rows.slice(start, i), rejected);
        start = i;
      }
    }
    await this.put(writer, rows.slice(start), rejected);
  }

  /** Puts `rows` (consecutive in `writer`); a 400 splits them in halves until the refused rows are alone. */
  private async put(writer: CellSetWriter, rows: EncodedRow[], rejected: RejectedEvent[]): Promise<void> {
    if (rows.length === 0) return;
    try {
      await this.options.client.putCellSet(this.options.table, writer.body(rows[0].start, rows[rows.length - 1].end), rows.length);
    } catch (err) {
      if (!(err instanceof HBaseRequestError) || err.status !== 400) throw this.fatal(err);
      if (rows.length === 1) {
        rejected.push({index: rows[0].index, reason: `HBase refused the row (${err.status}): ${firstLine(err.body)}`});
        return;
      }
      const half = Math.ceil(rows.length / 2);
      await this.put(writer, rows.slice(0, half), rejected);
      await this.put(writer, rows.slice(half), rejected);
    }
  }

  /** What the runner must see: unavailable (retry), or a configuration error the user fixes. */
  private fatal(err: unknown): Error {
    const {table, family, url} = this.options;
    if (err instanceof HBaseUnavailableError) return new SinkUnavailableError(`HBase at ${url}: ${err.message}`, {cause: err, retryAfterMs: err.retryAfterMs});
    if (err instanceof HBaseRequestError) {
      if (err.status === 404) {
        // With createTable it was there at start: dropped while the drain ran.
        const hint = this.options.createTable ? `it went away while the drain ran; start the drain again to create it (--create-table), or in the HBase shell: create '${table}','${family}'` : `pass --create-table, or in the HBase shell: create '${table}','${family}'`;
        return new UserError(`HBase table "${table}" or its column family "${family}" does not exist (404 at ${url})`, hint);
      }
      if (err.status === 401) return new UserError(`the HBase REST gateway at ${url} refused our credentials (401 Unauthorized)`, 'give them as --hbase-url https://USER:PASSWORD@HOST:PORT or --hbase-user with KCOLLECT_HBASE_PASSWORD (agent files: user:password@ in url, from ${ENV})');
      if (err.status === 403) return new UserError(`the HBase REST gateway at ${url} refuses writes (403: read-only?)`, 'set hbase.rest.readonly=false on the gateway');
      return new UserError(`HBase at ${url} answered ${err.status}: ${firstLine(err.body)}`, 'check --table, --column-family and the gateway');
    }
    return err instanceof Error ? err : new Error(errorMessage(err));
  }
}

/** FNV-1a of the key bytes: a row key always goes to the same lane. */
function keyHash(key: Buffer): number {
  let h = 0x811c9dc5;
  for (const byte of key) h = Math.imul(h ^ byte, 0x01000193);
  return h >>> 0;
}

/** Node's codes for a failed TLS handshake or certificate check: a gateway that answers, but not to us. */
const isTlsFailure = (code: string | undefined) => code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|ERR_SSL|EPROTO|DEPTH_ZERO|ALTNAME/.test(code);

const firstLine = (text: string) => text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
