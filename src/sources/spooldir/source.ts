import fs from 'node:fs';
import path from 'node:path';
import {UserError, errorMessage} from '../../lib/errors.js';
import {LineEvent, eventSize, lineOrigin, type Event, type LineOrigin} from '../../pipeline/event.js';
import {PENDING_BATCHES, type Source, type SourceContext} from '../../pipeline/source.js';
import {FINGERPRINT_BYTES, fingerprint} from './identity.js';
import {Ledger, type LedgerEntry} from './ledger.js';
import {readLines, type Line} from './line-reader.js';
import {acquirePidLock} from '../../lib/pid-lock.js';
import {ChangeWatcher} from '../change-watcher.js';
import {FilePicker, type SpoolFile} from './picker.js';
import {rollFile, type DeletePolicy} from './roll.js';
import {rejectReason, tooLongReason} from '../classify.js';
import {COMPRESSION_MAGIC_BYTES, compressionOf} from '../compressed.js';
import {readHead} from '../tail/file-identity.js';
import {UnreadableFiles, readableHint} from '../unreadable.js';

export interface SpoolDirOptions {
  name: string;
  dir: string;
  /** Appended to an ingested file's name (Flume's fileSuffix). Default .COMPLETED. */
  fileSuffix?: string;
  /** never: rename with fileSuffix; immediate: delete once ingested. Default never. */
  deletePolicy?: DeletePolicy;
  /** Only names matching this are read (Flume's includePattern). */
  includePattern?: RegExp;
  /** Names matching this are never read (Flume's ignorePattern). */
  ignorePattern?: RegExp;
  /**
   * Names ending in one of these are still being written (or are an editor's backup): never read.
   * Default TEMP_SUFFIXES; giving some replaces them. Dot-files are always skipped.
   */
  tempSuffixes?: readonly string[];
  /** A file is taken once its size, mtime and inode stayed the same this long. Default 2000. */
  stableMs?: number;
  /** How often the directory is listed when there is nothing to read (Flume's pollDelay). Default 500. */
  pollIntervalMs?: number;
  /** Default 1000 events. */
  batchMaxEvents?: number;
  /** Default 1 MiB (bodies plus headers). */
  batchMaxBytes?: number;
  /** Batches handed to the channel and not yet safe, while reading goes on. Default 8. */
  maxPendingBatches?: number;
  /** Longer lines are delivered cut to this length and marked rejected. Default 1 MiB. */
  maxLineBytes?: number;
  /** Where the ledger lives. Default DIR/.kcollect-spool (hidden, so never read as input). */
  ledgerDir?: string;
  /** Header that receives the file's absolute path (Flume's fileHeaderKey, when fileHeader=true). */
  fileHeaderKey?: string;
  /** Header that receives the file's name (Flume's basenameHeaderKey, when basenameHeader=true). */
  basenameHeaderKey?: string;
  /**
   * End once the directory holds no file left to read (a catch-up run, `spool-produce --exit`):
   * every file in it was sent and renamed (or deleted), or cannot be read. Files still being
   * written are waited for. Default false: watch the directory until stopped.
   */
  exitWhenEmpty?: boolean;
}

type OptionalOptions = 'includePattern' | 'ignorePattern' | 'fileHeaderKey' | 'basenameHeaderKey';

/** What became of a file the source took: see SpoolDirSource.ingest. */
type Ingested = 'done' | 'gone' | 'changed' | 'unreadable' | 'compressed' | 'stopped';

const MiB = 1024 * 1024;

/**
 * Names of files not complete yet: written as NAME.tmp and renamed, or a download in progress
 * (Firefox's .part, Chrome's .crdownload, .partial), which a stalled download would otherwise be
 * taken as complete with; and editors' backups (NAME~), a copy of another file.
 */
export const TEMP_SUFFIXES: readonly string[] = ['.tmp', '.part', '.crdownload', '.partial', '~'];

/**
 * Flume's spooling-directory source: reads complete, immutable files dropped into a directory,
 * line by line, then renames (or deletes) them. A ledger records each batch's end offset once
 * the batch is safe, and a file's completion before it is renamed, so a crash at any point
 * neither loses a line nor ingests a file twice; at most the batch in hand is delivered again.
 */
export class SpoolDirSource implements Source {
  readonly type = 'spooldir';
  readonly name: string;
  private readonly o: Required<Omit<SpoolDirOptions, OptionalOptions>> & Pick<SpoolDirOptions, OptionalOptions>;
  private readonly picker: FilePicker;
  /** Names whose rename failed: warned once, retried every poll. */
  private readonly rollFailed = new Set<string>();
  /** Files that cannot be opened: said once each, left where they are, tried again at each look. */
  private readonly unreadable = new UnreadableFiles();
  /** Compressed files (path -> dev:ino and format): said once each, left where they are, passed over. */
  private readonly compressed = new Map<string, {id: string; format: string}>();
  /** Files (dev:ino) said to have changed after they were taken: said once each. */
  private readonly saidChanged = new Set<string>();

  constructor(options: SpoolDirOptions) {
    this.name = options.name;
    const dir = path.resolve(options.dir);
    this.o = {
      fileSuffix: '.COMPLETED',
      deletePolicy: 'never',
      tempSuffixes: TEMP_SUFFIXES,
      stableMs: 2000,
      pollIntervalMs: 500,
      batchMaxEvents: 1000,
      batchMaxBytes: MiB,
      maxPendingBatches: PENDING_BATCHES,
      maxLineBytes: MiB,
      exitWhenEmpty: false,
      // An option given as undefined (an unset flag) keeps its default.
      ...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as SpoolDirOptions),
      dir,
      ledgerDir: path.resolve(options.ledgerDir ?? path.join(dir, '.kcollect-spool')),
    };
    for (const key of ['batchMaxEvents', 'batchMaxBytes', 'maxLineBytes'] as const) {
      if (!Number.isSafeInteger(this.o[key]) || this.o[key] < 1) throw new UserError(`spooldir ${key} must be a whole number of at least 1, not ${this.o[key]}`);
    }
    for (const key of ['stableMs', 'pollIntervalMs'] as const) {
      if (!Number.isFinite(this.o[key]) || this.o[key] < 0) throw new UserError(`spooldir ${key} must be 0 or more, not ${this.o[key]}`);
    }
    this.picker = new FilePicker(dir, this.o);
  }

  async run(ctx: SourceContext): Promise<void> {
    const {dir, ledgerDir, pollIntervalMs} = this.o;
    checkSpoolDir(dir);
    const ledger = Ledger.open(ledgerDir);
    const changes = new ChangeWatcher(() => true, ctx.log);
    // One reader per spool directory: two would both ingest every file.
    const lock = () => acquirePidLock(ledgerDir, {what: `the spool directory ${dir}`, use: 'being read', hint: 'run one spool source per directory (stop the other one first)'});
    let unlock = lock();
    /** The directory's inode, to tell it was removed and created again (a clean-up, a redeploy); undefined while it is gone. */
    let dirIno: bigint | undefined = fs.statSync(dir, {bigint: true}).ino;
    try {
      // Files renamed within the directory while the agent was stopped keep their entries; the
      // others gone are files rolled just before a crash (the ledger had not been told yet).
      for (const file of this.picker.scan()) this.followRename(file, ledger);
      for (const name of ledger.names()) if (!fs.existsSync(path.join(dir, name))) ledger.remove(name);
      // A file written into the directory is seen at once; it is still read only once stable.
      changes.watchDirectories([dir]);
      while (!ctx.signal.aborted) {
        let files: SpoolFile[] | undefined;
        let ino: bigint | undefined;
        try {
          ino = fs.statSync(dir, {bigint: true}).ino;
          files = this.picker.scan();
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
        if (!files) {
          // Removed: waited for, not a reason to stop (a catch-up run has nothing left to send).
          if (this.o.exitWhenEmpty) return;
          if (dirIno !== undefined) ctx.log(`spool directory ${dir} is gone: waiting for it to be created again`);
          dirIno = undefined;
          await changes.wait(pollIntervalMs, ctx.signal);
          continue;
        }
        if (ino !== dirIno) {
          dirIno = ino;
          ctx.log(`spool directory ${dir} was created again: reading it`);
          // The old watch ended with the directory it watched.
          changes.watchDirectories([]);
          changes.watchDirectories([dir]);
          if (!fs.existsSync(ledgerDir)) {
            // Its ledger went with it: written again from memory, and the lock taken again.
            await ledger.recreate();
            unlock();
            unlock = lock();
          }
          for (const name of ledger.names()) if (!fs.existsSync(path.join(dir, name))) ledger.remove(name);
        }
        // Said once each (the ledger's own directory, when placed inside, goes without saying).
        for (const sub of this.picker.takeNewDirectories()) if (sub !== ledgerDir) ctx.log(`${sub} is a directory: not read (a spool source reads the files of ${dir} only, not of its subdirectories; give a directory its own spool source, or move its files up)`);
        const open: SpoolFile[] = [];
        for (const file of files) {
          this.followRename(file, ledger);
          if (ledger.get(file.name)?.done && (await this.rollIfDone(file, ledger, ctx))) continue;
          open.push(file);
        }
        // Files that vanished take their "cannot be read" with them.
        const present = new Set(open.map((f) => f.path));
        for (const {file} of this.unreadable.list()) if (!present.has(file)) this.unreadable.forget(file);
        for (const file of this.compressed.keys()) if (!present.has(file)) this.compressed.delete(file);
        const passedOver = (file: SpoolFile) => this.unreadable.has(file.path) || this.compressed.has(file.path);
        // A catch-up run ends once nothing is left but files it cannot read (named once each above).
        if (this.o.exitWhenEmpty && open.every(passedOver)) return;
        // The oldest stable file that can be read: one that cannot is passed over (and tried again
        // at the next look), never marked done, and never holds up the files after it.
        let outcome: Ingested | undefined;
        for (const file of open) {
          if (!file.stable) continue;
          outcome = await this.ingest(file, ledger, ctx);
          if (outcome !== 'unreadable' && outcome !== 'compressed') break;
        }
        // Nothing to read, or a file that turned out to be still growing: wait for a change, the
        // moment the next file becomes stable, or the next look. (reduce, not Math.min(...open): a
        // spool directory can hold more files than a call takes arguments.)
        if (outcome !== 'done' && outcome !== 'gone') {
          const waitMs = open.reduce((ms, f) => (passedOver(f) ? ms : Math.min(ms, f.stableInMs || pollIntervalMs)), pollIntervalMs);
          await changes.wait(waitMs, ctx.signal);
        }
      }
    } finally {
      changes.close();
      await ledger.close();
      unlock();
    }
  }

  /**
   * A file renamed within the spool directory (by hand, while it was read or while the agent was
   * stopped) takes the entry of its old name, which is gone: what was sent of it is not sent
   * again. Its content is still checked against the entry (fingerprint) before the entry counts.
   */
  private followRename(file: SpoolFile, ledger: Ledger): void {
    if (ledger.get(file.name)) return;
    const old = ledger.nameOf(String(file.dev), String(file.ino));
    if (old !== undefined && !fs.existsSync(path.join(this.o.dir, old))) ledger.rename(old, file.name);
  }

  /** A file the ledger says is done (a crash came before its rename): rename it, never read it again. */
  private async rollIfDone(file: SpoolFile, ledger: Ledger, ctx: SourceContext): Promise<boolean> {
    const entry = ledger.get(file.name)!;
    const fh = await fs.promises.open(file.path, 'r').catch(() => undefined);
    if (!fh) return true; // gone
    try {
      const same = entry.dev === String(file.dev) && entry.ino === String(file.ino) && entry.size === file.size && entry.fingerprint === fingerprint(fh, entry.fingerprintBytes);
      if (!same) return false;
    } finally {
      await fh.close();
    }
    this.roll(file, ledger, ctx);
    return true;
  }

  private roll(file: SpoolFile, ledger: Ledger, ctx: SourceContext): void {
    let dest: string | null;
    try {
      dest = rollFile(file.path, this.o.deletePolicy, this.o.fileSuffix);
    } catch (err) {
      // The ledger says done, so the file is never read again; the rename is retried each poll.
      if (!this.rollFailed.has(file.name)) ctx.log(`cannot ${this.o.deletePolicy === 'immediate' ? 'delete' : 'rename'} ingested file ${file.path}: ${(err as Error).message} (will retry)`);
      this.rollFailed.add(file.name);
      return;
    }
    this.rollFailed.delete(file.name);
    ledger.remove(file.name);
    if (dest && path.basename(dest) !== file.name + this.o.fileSuffix) ctx.log(`file name ${file.name} was re-used: ${file.name + this.o.fileSuffix} exists, so this file was renamed to ${path.basename(dest)}`);
  }

  /** The files that could not be read, or were not as they are compressed (left in the directory), with why. */
  unreadableFiles(): Array<{file: string; reason: string; compressed?: true}> {
    return [...this.unreadable.list(), ...[...this.compressed].map(([file, {format}]) => ({file, reason: `is ${format}-compressed`, compressed: true as const}))];
  }

  /**
   * Reads one stable file from where the ledger left it, to its end (or until the agent stops):
   * 'done' when it was sent whole and renamed (or deleted); 'changed' when it turned out to be
   * still written (read again once stable); 'unreadable' when it cannot be opened (said once,
   * left as it is); 'compressed' when it is gzip, zstd, bzip2 or xz (said once, left as it is);
   * 'gone' when it vanished since the scan; 'stopped' when the agent stops.
   */
  private async ingest(file: SpoolFile, ledger: Ledger, ctx: SourceContext): Promise<Ingested> {
    let fh: fs.promises.FileHandle;
    try {
      fh = await fs.promises.open(file.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
      const reason = this.unreadable.note(file.path, err);
      if (reason !== undefined) {
        ctx.count('FileReadErrorCount');
        ctx.log(`${file.path} ${reason}: left in the spool directory as it is (not renamed, not deleted) and passed over; it is read once it can be; ${readableHint()}`);
      }
      return 'unreadable';
    }
    if (this.unreadable.forget(file.path)) ctx.log(`${file.path} can be read now: reading it`);
    try {
      const st = await fh.stat({bigint: true});
      if (st.ino !== file.ino || Number(st.size) !== file.size) {
        this.picker.unsettle(file.name);
        return 'changed';
      }
      // Read as lines, a compressed batch file would go whole to the dead-letter topic as binary.
      const format = compressionOf(readHead(fh, COMPRESSION_MAGIC_BYTES));
      if (format) {
        const id = `${file.dev}:${file.ino}`;
        if (this.compressed.get(file.path)?.id !== id) {
          ctx.count('FileSkippedCount');
          ctx.log(`${file.path} is ${format}-compressed: left in the spool directory as it is and passed over (lines are read from text files only); ${compressedHint()}`);
        }
        this.compressed.set(file.path, {id, format});
        return 'compressed';
      }
      this.compressed.delete(file.path);
      const size = file.size;
      const dev = String(file.dev);
      const ino = String(file.ino);
      let entry = ledger.get(file.name);
      const known = entry !== undefined && entry.dev === dev && entry.ino === ino && entry.fingerprint === fingerprint(fh, entry.fingerprintBytes);
      if (entry && known && entry.offset > size) {
        ctx.log(`${file.path} shrank below the ${entry.offset} bytes already read: reading it again from the start`);
      } else if (entry && !known) {
        ctx.log(`${file.path} is not the file of that name read before: reading it from the start`);
      }
      if (!entry || !known || entry.offset > size) {
        const fingerprintBytes = Math.min(size, FINGERPRINT_BYTES);
        // A number of its own: the same text at the same offset as a line of another file (on a
        // re-used inode) or of this file's content before, is not taken for that line.
        entry = {dev, ino, size, fingerprint: fingerprint(fh, fingerprintBytes), fingerprintBytes, offset: 0, done: false, generation: ledger.take()};
      }
      return await this.readFile(fh, file, entry, ledger, ctx);
    } finally {
      await fh.close();
    }
  }

  private async readFile(fh: fs.promises.FileHandle, file: SpoolFile, entry: LedgerEntry, ledger: Ledger, ctx: SourceContext): Promise<Ingested> {
    const {batchMaxEvents, batchMaxBytes, maxLineBytes} = this.o;
    const size = file.size;
    // Written whole once per file; each batch then only advances its offset.
    ledger.set(file.name, {...entry});
    reportSaveError(ledger, ctx);
    let batch: Event[] = [];
    let batchBytes = 0;
    let batchEnd = entry.offset;
    let tail: Line | undefined;
    // Batches handed to the channel and not yet safe, oldest first: reading goes on meanwhile.
    // Each records its end in the ledger once it and every batch before it were delivered, the
    // order that makes a crash repeat, not lose.
    const pending: Promise<void>[] = [];
    let lastDelivery = Promise.resolve();
    const flush = async (final = false): Promise<boolean> => {
      if (batch.length > 0) {
        ctx.count('AppendBatchReceivedCount');
        const delivery = ctx.deliver(batch);
        delivery.catch(() => undefined); // awaited in its turn below
        const end = batchEnd;
        lastDelivery = lastDelivery.then(async () => {
          await delivery;
          ctx.count('AppendBatchAcceptedCount');
          ledger.advance(file.name, end);
          entry.offset = end;
          reportSaveError(ledger, ctx);
        });
        lastDelivery.catch(() => undefined);
        pending.push(lastDelivery);
        batch = [];
        batchBytes = 0;
      }
      try {
        while (pending.length > (final || ctx.signal.aborted ? 0 : this.o.maxPendingBatches - 1)) await pending.shift();
      } catch (err) {
        if (!ctx.signal.aborted) throw err;
        await Promise.allSettled(pending);
      }
      return !ctx.signal.aborted;
    };

    const headers = this.fileHeaders(file);
    let from: LineOrigin | undefined;
    for await (const {lines, acceptedFrom} of readLines(fh, entry.offset, size, maxLineBytes, LineEvent)) {
      // One shared origin per chunk: its lines carry only their offsets.
      from = lineOrigin(file.path, Number(file.ino), headers, entry.generation);
      if (lines[lines.length - 1].unterminated) tail = lines.pop();
      for (let i = 0; i < lines.length; i++) {
        const event = this.toEvent(lines[i] as LineEvent, from, lines[i].offset >= acceptedFrom);
        batch.push(event);
        batchBytes += eventSize(event);
        batchEnd = lines[i].end;
        if ((batch.length >= batchMaxEvents || batchBytes >= batchMaxBytes) && !(await flush())) return 'stopped';
      }
    }

    // Did the writer touch the file while it was read? Then it was not finished after all: what
    // was read goes out (a last line without a newline waits: the writer may be in the middle of
    // it), and the rest is read, from the ledger's offset, once the file stays unchanged.
    let change = changeOf(fh, file);
    if (change) {
      if (!(await flush(true))) return 'stopped';
      return this.changed(file, change, entry.offset, false, ctx);
    }
    if (tail) {
      batch.push(this.toEvent(tail as LineEvent, from ?? lineOrigin(file.path, Number(file.ino), headers, entry.generation)));
      batchEnd = tail.end;
    }
    if (!(await flush(true))) return 'stopped';
    // Lines were on their way to Kafka until now, maybe for seconds: look again, for what was
    // written meanwhile. From this look to the rename nothing is awaited, so no write of this
    // process's making comes between them.
    change = changeOf(fh, file);
    if (change) return this.changed(file, change, entry.offset, tail !== undefined, ctx);
    // Done in the ledger before the rename: a crash between the two renames it on restart.
    ledger.set(file.name, {...entry, size, offset: size, done: true});
    reportSaveError(ledger, ctx);
    this.roll(file, ledger, ctx);
    // A writer still holding the file may have written as it was renamed or deleted: the handle
    // still reaches those bytes (after a delete, nothing else does), so they are sent too.
    await this.sendLateBytes(fh, file, entry.generation, ctx);
    return 'done';
  }

  /**
   * A file that changed after it was taken: not completed; watched again and, once it stays
   * unchanged, read on from the ledger's offset (`sent`: how far that is). Said once per file.
   * `tailSent`: its last line had no newline and was sent as it was.
   */
  private changed(file: SpoolFile, change: Change, sent: number, tailSent: boolean, ctx: SourceContext): Ingested {
    ctx.count('FileChangedWhileReadCount');
    const id = `${file.dev}:${file.ino}`;
    if (!this.saidChanged.has(id)) {
      this.saidChanged.add(id);
      const after = {
        grew: `the rest is sent once it stays unchanged, each line once${tailSent ? ' (its last line, which had no newline, was sent as it was)' : ''}`,
        shrank: 'it is read again from its start once it stays unchanged (lines already sent are sent again)',
        modified: 'lines already sent are not sent again; lines added to it are, once it stays unchanged',
        moved: 'what is left of it is read if it comes back, under its name or another one in the spool directory',
      }[change.kind];
      ctx.log(
        `${file.path} changed while being read (${change.text}): it was not complete when it was put into the spool directory. ` +
          `Lines up to byte ${sent} are sent; ${after}. Write files elsewhere (or as NAME.tmp) and mv them into the spool directory once complete`,
      );
    }
    this.picker.unsettle(file.name);
    return 'changed';
  }

  /**
   * After the rename (or delete): bytes a writer added between the last look and then, read
   * through the handle and sent. Only a writer racing the rename gets here; what it writes after
   * this no one can see (a file must be complete when it is put into the directory).
   */
  private async sendLateBytes(fh: fs.promises.FileHandle, file: SpoolFile, generation: number | undefined, ctx: SourceContext): Promise<void> {
    const st = fs.fstatSync(fh.fd, {bigint: true});
    const size = Number(st.size);
    if (size === file.size && st.mtimeNs === file.mtimeNs) return;
    ctx.count('FileChangedWhileReadCount');
    if (size <= file.size) {
      ctx.log(`${file.path} was modified as it was ${this.o.deletePolicy === 'immediate' ? 'deleted' : 'renamed'} (now ${size} bytes, ${file.size} were sent): it was not complete when it was put into the spool directory; lines already sent are not sent again`);
      return;
    }
    const headers = this.fileHeaders(file);
    const where = this.o.deletePolicy === 'immediate' ? 'deleted' : 'renamed';
    let lines = 0;
    try {
      for await (const read of readLines(fh, file.size, size, this.o.maxLineBytes, LineEvent)) {
        const from = lineOrigin(file.path, Number(file.ino), headers, generation);
        const events = read.lines.map((line) => this.toEvent(line as LineEvent, from, line.offset >= read.acceptedFrom));
        await ctx.deliver(events);
        lines += events.length;
      }
    } catch (err) {
      ctx.log(`${file.path} grew from ${file.size} to ${size} bytes as it was ${where}, and sending those bytes failed after ${lines} line(s) (${errorMessage(err)})${where === 'renamed' ? `: the rest is in the renamed file from byte ${file.size} on` : ''}`);
      return;
    }
    ctx.log(`${file.path} grew from ${file.size} to ${size} bytes as it was ${where}: sent those ${lines} line(s) too; what is written to it from now on cannot be seen. It was not complete when it was put into the spool directory: write files elsewhere (or as NAME.tmp) and mv them in once complete`);
  }

  /** The headers every line of the file starts with (Flume's fileHeader and basenameHeader). */
  private fileHeaders(file: SpoolFile): Readonly<Record<string, string>> {
    const headers: Record<string, string> = {};
    if (this.o.fileHeaderKey) headers[this.o.fileHeaderKey] = file.path;
    if (this.o.basenameHeaderKey) headers[this.o.basenameHeaderKey] = file.name;
    return Object.freeze(headers);
  }

  /**
   * A line the reader made as a LineEvent (see readLines' lineClass), given its chunk's shared
   * origin. `accepted`: its bytes are known to be text already.
   */
  private toEvent(event: LineEvent, from: LineOrigin, accepted = false): Event {
    event.from = from;
    const rejected = event.length > event.stop - event.start ? tooLongReason(this.o.maxLineBytes, event.length) : accepted ? undefined : rejectReason(event.bytes, event.start, event.stop);
    if (rejected) event.rejected = rejected;
    return event;
  }
}

interface Change {
  kind: 'grew' | 'shrank' | 'modified' | 'moved';
  text: string;
}

/** How `file` changed since the scan that took it (its handle, and where its name leads), or undefined. */
function changeOf(fh: fs.promises.FileHandle, file: SpoolFile): Change | undefined {
  const now = fs.fstatSync(fh.fd, {bigint: true});
  const size = Number(now.size);
  if (size > file.size) return {kind: 'grew', text: `grew from ${file.size} to ${size} bytes`};
  if (size < file.size) return {kind: 'shrank', text: `shrank from ${file.size} to ${size} bytes`};
  if (now.mtimeNs !== file.mtimeNs) return {kind: 'modified', text: `modified in place, its size unchanged`};
  let byName: fs.BigIntStats | undefined;
  try {
    byName = fs.statSync(file.path, {bigint: true});
  } catch {
    // renamed away or deleted
  }
  if (byName?.ino !== file.ino) return {kind: 'moved', text: byName ? 'its name now leads to another file' : 'it was renamed away or deleted'};
  return undefined;
}

/** What to do about a compressed file in the spool directory. */
export function compressedHint(): string {
  return 'decompress it outside the spool directory and mv the text in, or keep such files out with --ignore-pattern';
}

/** A ledger save that failed is said once (and counted); reading goes on and the next save catches up. */
function reportSaveError(ledger: Ledger, ctx: SourceContext): void {
  const err = ledger.takeSaveError();
  if (!err) return;
  ctx.count('CheckpointWriteErrorCount');
  ctx.log(`cannot write the spool ledger ${ledger.file} (${err.message}); it is written again after the next batch`);
}

/** The spool directory must exist before files can be dropped into it. */
export function checkSpoolDir(dir: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new UserError(`spool directory ${dir} does not exist`, 'create it, or give the directory the files are dropped into');
  }
  if (!st.isDirectory()) throw new UserError(`${dir} is not a directory`, 'give the directory the files are dropped into');
}
