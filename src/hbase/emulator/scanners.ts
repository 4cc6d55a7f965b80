/**
 * Stateful scanners (PUT /<table>/scanner, GET /<table>/scanner/<id>), as the gateway keeps
 * them: an id per scanner in server memory, `batch` = most cells per GET (so a row may continue
 * in the next GET), an idle scanner expires. A scanner holds its position (one row key), not a
 * copy of its range, and there are at most `maxOpen` of them: many scanners over a big table
 * cost next to nothing.
 */
import crypto from 'node:crypto';
import type {ReadOptions, Store, StoredCell} from './store.js';

/** Open scanners at most; more are refused until some are deleted or expire. */
export const DEFAULT_MAX_SCANNERS = 1000;
/** A scanner not read for this long is dropped (HBase's scanner lease is 60 s; clients here are slower). */
export const DEFAULT_SCANNER_IDLE_MS = 5 * 60 * 1000;

export interface ScannerSpec {
  table: string;
  startRow: Buffer;
  endRow: Buffer;
  /** most cells per GET */
  batch: number;
  read: ReadOptions;
}

class Scanner {
  lastUsed = Date.now();
  /** the last row read; undefined before the first */
  private cursor?: Buffer;
  private exhausted = false;
  /** cells of the current row not handed out yet */
  private pending: StoredCell[] = [];

  constructor(readonly spec: ScannerSpec) {}

  /** Up to maxCells cells from at most maxRows rows (0 = any), [] once exhausted. */
  next(store: Store, maxCells: number, maxRows: number): StoredCell[] {
    this.lastUsed = Date.now();
    const out: StoredCell[] = [];
    let rows = 0;
    while (out.length < maxCells) {
      if (this.pending.length === 0) {
        if (this.exhausted) break;
        if (maxRows > 0 && rows === maxRows) break;
        const key = store.nextKey(this.spec.table, this.spec.startRow, this.spec.endRow, this.cursor);
        if (key === undefined) {
          this.exhausted = true;
          break;
        }
        this.cursor = key;
        // Rows are read as the scan reaches them: later writes to them are seen.
        this.pending = store.readRow(this.spec.table, key, this.spec.read);
        if (this.pending.length === 0) continue;
        rows++;
      }
      out.push(...this.pending.splice(0, maxCells - out.length));
    }
    return out;
  }
}

export class Scanners {
  private readonly open = new Map<string, Scanner>();

  constructor(
    readonly maxOpen = DEFAULT_MAX_SCANNERS,
    private readonly idleMs = DEFAULT_SCANNER_IDLE_MS,
  ) {}

  /** The new scanner's id, or null when too many are open. */
  create(spec: ScannerSpec): string | null {
    this.expire();
    if (this.open.size >= this.maxOpen) return null;
    // Like the gateway's ids: creation time plus random hex.
    const id = `${Date.now()}${crypto.randomBytes(6).toString('hex')}`;
    this.open.set(id, new Scanner(spec));
    return id;
  }

  get(id: string): Scanner | undefined {
    this.expire();
    return this.open.get(id);
  }

  delete(id: string): void {
    this.open.delete(id);
  }

  private expire(): void {
    const now = Date.now();
    for (const [id, s] of this.open) if (now - s.lastUsed > this.idleMs) this.open.delete(id);
  }
}
