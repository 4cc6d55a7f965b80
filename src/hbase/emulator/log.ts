/**
 * The emulator's durability: an append-only JSON-lines log of changes in the data dir, replayed
 * on start. A change is written and fdatasync'ed before the request is acknowledged, so
 * anything a client saw succeed survives a crash. A torn last line (a crash mid-write, never
 * acknowledged) is cut off on open; a bad line before the end is corruption and stops the start.
 */
import fs from 'node:fs';
import path from 'node:path';
import {fsyncDir} from '../../lib/fs.js';
import {UserError} from '../../lib/errors.js';
import {Store, type LogEntry} from './store.js';

export const LOG_FILE = 'hbase-rest-emulator.jsonl';

/** Above this size the log is rewritten on open from the state it holds (old versions go). */
export const COMPACT_ABOVE_BYTES = 64 * 1024 * 1024;

export class MutationLog {
  private constructor(
    readonly file: string,
    private readonly handle: fs.promises.FileHandle,
  ) {}

  /** Replays `dir`'s log into `store`, then opens the log for appending. */
  static async open(dir: string, store: Store, compactAboveBytes = COMPACT_ABOVE_BYTES): Promise<MutationLog> {
    fs.mkdirSync(dir, {recursive: true});
    const file = path.join(dir, LOG_FILE);
    const goodBytes = replay(file, store);
    if (goodBytes > compactAboveBytes) compact(file, store);
    else if (fs.existsSync(file) && fs.statSync(file).size > goodBytes) fs.truncateSync(file, goodBytes);
    return new MutationLog(file, await fs.promises.open(file, 'a'));
  }

  /** Resolves once the entry is on disk. Callers serialise appends (the log's order is the apply order). */
  async append(entry: LogEntry): Promise<void> {
    await this.handle.write(`${JSON.stringify(entry)}\n`);
    await this.handle.datasync();
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
    let entry: LogEntry;
    try {
      entry = JSON.parse(data.subarray(offset, end).toString('utf8')) as LogEntry;
    } catch {
      // The last line may be torn, or zero-filled by a crash on some filesystems: never acknowledged.
      if (end === data.length - 1) break;
      throw new UserError(`the HBase emulator's log ${file} is corrupt at line ${lineNo}`, 'move the file away to start with empty tables, or repair that line');
    }
    store.apply(entry);
    offset = end + 1;
  }
  return offset;
}

/** Rewrites the log from the store: temp file, fsync, rename, so a crash keeps one or the other. */
function compact(file: string, store: Store): void {
  const tmp = `${file}.compact`;
  const fd = fs.openSync(tmp, 'w');
  try {
    for (const entry of store.snapshot()) fs.writeSync(fd, `${JSON.stringify(entry)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}
