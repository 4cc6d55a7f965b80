import {errorMessage} from '../lib/errors.js';
import {isControlBatch, markerOf} from '../protocol/records/control.js';
import {ProducerStateTable} from '../coordinator/producer-state.js';
import type {PartitionLog} from '../storage/partition-log.js';

/** Snapshot producer state this often, so recovery after a kill replays only a short log tail. */
const SNAPSHOT_INTERVAL_MS = 30_000;

/**
 * Idempotent and transactional producer state for each partition, opened on first use: the last snapshot plus the
 * batch headers written after it, so it matches the log exactly even after a kill -9.
 */
export class ProducerStates {
  private readonly tables = new Map<PartitionLog, ProducerStateTable>();
  private readonly timer = setInterval(() => this.snapshotAll(), SNAPSHOT_INTERVAL_MS).unref();

  constructor(private readonly log: (line: string) => void = () => undefined) {}

  forLog(log: PartitionLog): ProducerStateTable {
    let table = this.tables.get(log);
    if (table) return table;
    table = ProducerStateTable.open(log.dir, log.logEndOffset);
    for (const {header, bytes} of log.batchHeaders(table.snapshotOffset)) table.rebuildFrom([isControlBatch(header.attributes) ? {...header, marker: markerOf(bytes())} : header]);
    this.tables.set(log, table);
    return table;
  }

  /** Where read_committed consumers stop: the first offset of the oldest open transaction, at most the high watermark. */
  lastStableOffset(log: PartitionLog): number {
    const first = this.forLog(log).firstUnstableOffset();
    return first === undefined ? log.highWatermark : Math.min(first, log.highWatermark);
  }

  /** A deleted partition's state goes with it. */
  forget(log: PartitionLog): void {
    this.tables.delete(log);
  }

  /** A snapshot the disk refused costs only a longer replay at the next open: reported, not thrown. */
  snapshotAll(): void {
    for (const [log, table] of this.tables) {
      if (log.isClosed) continue;
      try {
        table.snapshot(log.logEndOffset);
      } catch (err) {
        this.log(`producer state snapshot of ${log.dir} not written: ${errorMessage(err)}`);
      }
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.snapshotAll();
    this.tables.clear();
  }
}
