import fs from 'node:fs';
import path from 'node:path';
import {UserError} from '../../lib/errors.js';
import {writeFileAtomic} from '../../lib/fs.js';

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
}

interface LedgerFile {
  version: 1;
  files: Record<string, LedgerEntry>;
}

/**
 * The spool directory's memory across restarts, one JSON file replaced atomically. It holds only
 * files that are still under their original name (being read, or done but not yet renamed):
 * once a file is renamed or deleted its entry goes, so the ledger stays small.
 */
export class Ledger {
  /** Why the last save failed, until one succeeds (the state in memory is then written whole). */
  private saveError: Error | undefined;

  private constructor(readonly file: string, private readonly files: Map<string, LedgerEntry>) {}

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
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Ledger(file, new Map());
      throw new UserError(`cannot read the spool ledger ${file}: ${(err as Error).message}`, 'make it readable');
    }
    let parsed: LedgerFile;
    try {
      parsed = JSON.parse(text) as LedgerFile;
      if (parsed.version !== 1 || typeof parsed.files !== 'object' || parsed.files === null) throw new Error('unknown format');
    } catch (err) {
      throw new UserError(`the spool ledger ${file} is unreadable: ${(err as Error).message}`, 'move it away to start over (files not yet renamed are then read again from their start)');
    }
    return new Ledger(file, new Map(Object.entries(parsed.files)));
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

  remove(name: string): void {
    if (this.files.delete(name)) this.save(false);
  }

  /**
   * Progress within a file is saved after every batch without fsync: a killed process keeps it,
   * and an older ledger after an OS crash means lines read again, which the Kafka sink
   * recognises. A finished file is fsynced, so it is never ingested twice. A save that fails (a
   * full disk) leaves the previous ledger whole; the next save writes everything, so reading
   * goes on, and a crash before that only means lines read again.
   */
  private save(fsync: boolean): void {
    const content: LedgerFile = {version: 1, files: Object.fromEntries(this.files)};
    try {
      writeFileAtomic(this.file, JSON.stringify(content, null, 1) + '\n', {fsync});
    } catch (err) {
      this.saveError = err as Error;
    }
  }
}
