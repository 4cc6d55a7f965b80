import fs from 'node:fs';
import path from 'node:path';
import {UserError} from '../../lib/errors.js';
import {writeFileAtomic} from '../../lib/fs.js';
import {InPlaceRecord} from '../../lib/in-place-record.js';

/**
 * What the ledger knows about one file still under its original name. Device and inode are
 * strings (bigint stat: inodes can pass 2^53).
 */
export interface LedgerEntry {
  dev: string;
  ino: string;
  size: number;
  fingerprint: string;
  fingerprintBytes: number;
  /** Bytes safely delivered: the next line starts here. */
  offset: number;
  /** Fully delivered; only the rename (or delete) may be left to do. */
  done: boolean;
  /**
   * Which file taken this is (Ledger.take()), named in its lines' origins (`host:INODE.N:offset`):
   * another file on a freed inode, or this one rewritten from 0, is never taken for lines already
   * in Kafka. Absent: 0 (ledgers from before).
   */
  generation?: number;
}

interface LedgerFile {
  version: 1;
  /** Counts whole saves: a progress record counts only for the ledger.json it was written after. */
  seq?: number;
  /** Files taken so far: the next one's generation. */
  taken?: number;
  files: Record<string, LedgerEntry>;
}

/** The progress record: how far the file being read was delivered since ledger.json was written. */
interface Progress {
  seq: number;
  name: string;
  offset: number;
}

/** Size of the progress record, rewritten in place; one that would not fit makes a whole save instead. */
const PROGRESS_BYTES = 1024;

/**
 * The spool directory's memory across restarts, one JSON file replaced atomically. It holds only
 * files that are still under their original name (being read, or done but not yet renamed):
 * once a file is renamed or deleted its entry goes, so the ledger stays small. Progress within
 * a file (after every batch) is one fixed-size, checksummed record rewritten in place next to
 * it (a temp file and a rename per batch cost more than reading and sending the batch).
 */
export class Ledger {
  /** Why the last save failed, until one succeeds (the state in memory is then written whole). */
  private saveError: Error | undefined;
  /** A save failed: the next progress is written whole, so nothing relies on what is on disk. */
  private wholeSaveDue = false;
  private readonly progress: InPlaceRecord;

  private constructor(
    readonly file: string,
    private readonly files: Map<string, LedgerEntry>,
    private seq: number,
    private taken: number,
  ) {
    this.progress = new InPlaceRecord(progressFile(file), PROGRESS_BYTES);
  }

  /** The failure of a save since the last call, once: for the source to report. */
  takeSaveError(): Error | undefined {
    const err = this.saveError;
    this.saveError = undefined;
    return err;
  }

  static open(dir: string): Ledger {
    try {
      fs.mkdirSync(dir, {recursive: true, mode: 0o700});
    } catch (err) {
      throw new UserError(`cannot create the spool ledger directory ${dir}: ${(err as Error).message}`, 'give a ledger directory you can write to');
    }
    const file = path.join(dir, 'ledger.json');
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new UserError(`cannot read the spool ledger ${file}: ${(err as Error).message}`, 'make it readable');
      // A ledger moved away to start over: a progress record left behind must not count for the new one.
      fs.rmSync(progressFile(file), {force: true});
      return new Ledger(file, new Map(), 0, 0);
    }
    let parsed: LedgerFile;
    try {
      parsed = JSON.parse(text) as LedgerFile;
      if (parsed.version !== 1 || typeof parsed.files !== 'object' || parsed.files === null) throw new Error('unknown format');
    } catch (err) {
      throw new UserError(`the spool ledger ${file} is unreadable: ${(err as Error).message}`, 'move it away to start over (files not yet renamed are then read again from their start)');
    }
    const seq = parsed.seq ?? 0;
    const files = new Map(Object.entries(parsed.files));
    const progress = readProgress(progressFile(file));
    const entry = progress?.seq === seq ? files.get(progress.name) : undefined;
    if (entry && !entry.done && progress!.offset > entry.offset) files.set(progress!.name, {...entry, offset: progress!.offset});
    return new Ledger(file, files, seq, Number.isSafeInteger(parsed.taken) && parsed.taken! > 0 ? parsed.taken! : 0);
  }

  /** A number for a file taken from its start, never given before (saved with the entry set() next). */
  take(): number {
    return this.taken++;
  }

  get(name: string): LedgerEntry | undefined {
    return this.files.get(name);
  }

  names(): string[] {
    return [...this.files.keys()];
  }

  set(name: string, entry: LedgerEntry): void {
    this.files.set(name, entry);
    this.save(entry.done);
  }

  /** The name of another entry for the file with this device and inode, if any. */
  nameOf(dev: string, ino: string): string | undefined {
    for (const [name, entry] of this.files) if (entry.dev === dev && entry.ino === ino) return name;
    return undefined;
  }

  /** The file of `from` is now called `to`: its entry (how far it was sent, whether it is done) goes with it. */
  rename(from: string, to: string): void {
    const entry = this.files.get(from);
    if (!entry) return;
    this.files.delete(from);
    this.set(to, entry);
  }

  remove(name: string): void {
    if (this.files.delete(name)) this.save(false);
  }

  /**
   * Lines of `name` (set() before) up to `offset` were delivered. Like a whole save without
   * fsync: a killed process keeps it; after an OS crash a torn or older record means lines read
   * again, which the Kafka sink recognises.
   */
  advance(name: string, offset: number): void {
    const entry = this.files.get(name);
    if (!entry) throw new Error(`ledger: ${name} advanced before it was set`);
    this.files.set(name, {...entry, offset});
    if (this.wholeSaveDue) return this.save(false);
    try {
      if (!this.progress.write({seq: this.seq, name, offset} satisfies Progress)) this.save(false);
    } catch (err) {
      this.saveError = err as Error;
      this.wholeSaveDue = true;
    }
  }

  close(): Promise<void> {
    return this.progress.close();
  }

  /**
   * The ledger's directory was removed (with the spool directory that held it): made again and
   * written whole from memory, so what it knew (and the numbers given to files) is not forgotten.
   */
  async recreate(): Promise<void> {
    await this.progress.close();
    fs.mkdirSync(path.dirname(this.file), {recursive: true, mode: 0o700});
    this.save(false);
  }

  /**
   * Written whole when a file starts, ends or goes (progress within it: advance()). A finished
   * file is fsynced, so it is never ingested twice. A save that fails (a
   * full disk) leaves the previous ledger whole; the next save writes everything, so reading
   * goes on, and a crash before that only means lines read again.
   */
  private save(fsync: boolean): void {
    const content: LedgerFile = {version: 1, seq: this.seq + 1, taken: this.taken, files: Object.fromEntries(this.files)};
    try {
      writeFileAtomic(this.file, JSON.stringify(content, null, 1) + '\n', {fsync});
      this.seq += 1;
      this.wholeSaveDue = false;
    } catch (err) {
      this.saveError = err as Error;
      this.wholeSaveDue = true;
    }
  }
}

const progressFile = (ledgerFile: string) => path.join(path.dirname(ledgerFile), 'progress');

/** The progress record, or undefined when there is none, it is torn or not one. */
function readProgress(file: string): Progress | undefined {
  const p = InPlaceRecord.read(file) as Progress | undefined;
  return p && Number.isSafeInteger(p.seq) && typeof p.name === 'string' && Number.isSafeInteger(p.offset) ? p : undefined;
}
