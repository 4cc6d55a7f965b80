/**
 * The emulator's durability: an append-only JSON-lines log of changes in the data dir, replayed
 * on start. A plain put is logged as the request's own CellSet bytes
 * ({"op":"put","table":T,"body":<CellSet>}); other changes, puts in other forms and every put of
 * logs written before are JSON entries. A change is written and fdatasync'ed before the request
 * is acknowledged, so anything a client saw succeed survives a crash; changes arriving during a
 * sync share the next one (group commit). A torn last line (a crash mid-write, never
 * acknowledged) is cut off on open; a bad line before the end is corruption and stops the start.
 * An append that fails part-way (a full disk) is cut back before the error reaches the caller, so
 * the log never holds a change that was refused, and the next append works once space returns.
 */
import fs from 'node:fs';
import path from 'node:path';
import {appendWhole, diskIo, fsyncDir, writeAll} from '../../lib/fs.js';
import {UserError} from '../../lib/errors.js';
import {scanCellSet} from './cellset-scanner.js';
import {Store, type Change, type LogEntry, type ScannedPut} from './store.js';

export const LOG_FILE = 'hbase-rest-emulator.jsonl';

/** Above this size the log is rewritten on open from the state it holds (old versions go). */
export const COMPACT_ABOVE_BYTES = 64 * 1024 * 1024;

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);

export class MutationLog {
  /** A failed fsync: the kernel may have dropped the pages, so nothing later can be trusted. */
  private broken?: Error;
  /** Entries waiting for the next write + fdatasync. */
  private queue: Array<{line: Buffer[]; resolve: () => void; reject: (err: unknown) => void}> = [];
  private writing = false;

  private constructor(
    readonly file: string,
    private readonly handle: fs.promises.FileHandle,
    /** Bytes of whole entries: where the next one goes. */
    private size: number,
  ) {}

  /** Replays `dir`'s log into `store`, then opens the log for appending. */
  static async open(dir: string, store: Store, compactAboveBytes = COMPACT_ABOVE_BYTES): Promise<MutationLog> {
    fs.mkdirSync(dir, {recursive: true, mode: 0o700});
    const file = path.join(dir, LOG_FILE);
    const goodBytes = replay(file, store);
    if (fs.existsSync(file) && fs.statSync(file).size > goodBytes) fs.truncateSync(file, goodBytes);
    if (goodBytes > compactAboveBytes) compact(file, store);
    // Not O_APPEND: every entry is written at `size`, over whatever a failed append could not cut.
    const handle = await fs.promises.open(file, fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o600);
    return new MutationLog(file, handle, (await handle.stat()).size);
  }

  /**
   * Resolves once the entry is on disk; rejects (having written nothing that stays) when it
   * could not be. Entries go to disk in the order of the calls, and promises settle in that
   * order too, so a caller that applies an entry when its append resolves applies in log order.
   * Entries appended while a sync runs share the next write and fdatasync (group commit).
   */
  append(entry: Change): Promise<void> {
    if (this.broken) return Promise.reject(this.brokenError());
    const line = entry.op === 'scanned-put' ? scannedPutLine(entry) : [Buffer.from(`${JSON.stringify(entry)}\n`)];
    return new Promise<void>((resolve, reject) => {
      this.queue.push({line, resolve, reject});
      if (!this.writing) void this.writeQueued();
    });
  }

  /** Writes and syncs the queued entries, a group at a time, until none is left. */
  private async writeQueued(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const group = this.queue.splice(0);
      const data = group.flatMap((g) => g.line);
      const bytes = data.reduce((sum, part) => sum + part.length, 0);
      try {
        if (this.broken) throw this.brokenError();
        appendWhole(this.handle.fd, data, this.size);
        try {
          await this.handle.datasync();
        } catch (err) {
          this.broken = err as Error;
          throw err;
        }
      } catch (err) {
        for (const g of group) g.reject(err);
        continue;
      }
      this.size += bytes;
      for (const g of group) g.resolve();
    }
    this.writing = false;
  }

  private brokenError(): Error {
    return new Error(`the log could not be synced (${this.broken!.message}); restart the emulator`);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** Applies every complete line to `store`; returns the byte length of those lines. */
function replay(file: string, store: Store): number {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let offset = 0;
  let lineNo = 0;
  while (offset < data.length) {
    const end = data.indexOf(0x0a, offset);
    lineNo++;
    if (end === -1) break; // torn last line: never acknowledged
    let entry: Change | null;
    try {
      entry = readScannedPut(data.subarray(offset, end)) ?? (JSON.parse(data.subarray(offset, end).toString('utf8')) as LogEntry);
    } catch {
      entry = null;
    }
    if (entry === null) {
      // The last line may be torn, or zero-filled by a crash on some filesystems: never acknowledged.
      if (end === data.length - 1) break;
      throw new UserError(`the HBase emulator's log ${file} is corrupt at line ${lineNo}`, 'move the file away to start with empty tables, or repair that line');
    }
    store.apply(entry);
    offset = end + 1;
  }
  return offset;
}

const PUT_HEAD = /^\{"op":"put","table":("[^"\\]*"),"body":/;

/** The line of a plain put: its CellSet as it came, line breaks (JSON whitespace there) made spaces. */
function scannedPutLine(entry: ScannedPut): Buffer[] {
  const body = entry.put.body;
  for (let i = body.indexOf(0x0a); i >= 0; i = body.indexOf(0x0a, i + 1)) body[i] = 0x20;
  for (let i = body.indexOf(0x0d); i >= 0; i = body.indexOf(0x0d, i + 1)) body[i] = 0x20;
  return [Buffer.from(`{"op":"put","table":${JSON.stringify(entry.table)},"body":`), body, Buffer.from('}\n')];
}

/** A line written by scannedPutLine, read back; undefined for any other line, null for a broken one. */
function readScannedPut(line: Buffer): ScannedPut | null | undefined {
  const head = PUT_HEAD.exec(line.toString('latin1', 0, Math.min(line.length, 512)));
  if (!head) return undefined;
  if (line[line.length - 1] !== 0x7d) return null;
  const put = scanCellSet(line.subarray(head[0].length, line.length - 1));
  return put && {op: 'scanned-put', table: JSON.parse(head[1]) as string, put};
}

/**
 * Rewrites the log from the store: temp file, fsync, rename, so a crash keeps one or the other.
 * Compaction only saves space: when the disk cannot hold the new file, the old log stays.
 */
function compact(file: string, store: Store): void {
  const tmp = `${file}.compact`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    let position = 0;
    for (const entry of store.snapshot()) {
      const line = Buffer.from(`${JSON.stringify(entry)}\n`);
      writeAll(fd, line, position);
      position += line.length;
    }
    diskIo.fsync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, {force: true});
    if (DISK_FULL.has((err as NodeJS.ErrnoException).code ?? '')) return;
    throw err;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}
