/**
 * Stateful scanners (PUT /<table>/scanner, GET /<table>/scanner/<id>), as the gateway keeps
 * them: an id per scanner in server memory, `batch` = most cells per GET (so a row may continue
 * in the next GET), an idle scanner expires.
 */
import crypto from 'node:crypto';
import type {ReadOptions, Store, StoredCell} from './store.js';

const MAX_OPEN = 10_000;
const IDLE_EXPIRY_MS = 60 * 60 * 1000;

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
  private index = 0;
  /** cells of the current row not handed out yet */
  private pending: StoredCell[] = [];

  constructor(
    readonly spec: ScannerSpec,
    private readonly keys: Buffer[],
  ) {}

  /** Up to maxCells cells from at most maxRows rows (0 = any), [] once exhausted. */
  next(store: Store, maxCells: number, maxRows: number): StoredCell[] {
    this.lastUsed = Date.now();
    const out: StoredCell[] = [];
    let rows = 0;
    while (out.length < maxCells) {
      if (this.pending.length === 0) {
        if (this.index >= this.keys.length) break;
        if (maxRows > 0 && rows === maxRows) break;
        // Rows are read as the scan reaches them: later writes to them are seen.
        this.pending = store.readRow(this.spec.table, this.keys[this.index++], this.spec.read);
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

  /** The new scanner's id, or null when too many are open. */
  create(store: Store, spec: ScannerSpec): string | null {
    this.expire();
    if (this.open.size >= MAX_OPEN) return null;
    // Like the gateway's ids: creation time plus random hex.
    const id = `${Date.now()}${crypto.randomBytes(6).toString('hex')}`;
    this.open.set(id, new Scanner(spec, store.keysInRange(spec.table, spec.startRow, spec.endRow)));
    return id;
  }

  get(id: string): Scanner | undefined {
    return this.open.get(id);
  }

  delete(id: string): void {
    this.open.delete(id);
  }

  private expire(): void {
    const now = Date.now();
    for (const [id, s] of this.open) if (now - s.lastUsed > IDLE_EXPIRY_MS) this.open.delete(id);
  }
}
