import {fstatSync} from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import {sleep} from '../../lib/backoff.js';
import {UserError, errorMessage} from '../../lib/errors.js';
import type {Line} from '../../lib/line.js';
import {acquirePidLock} from '../../lib/pid-lock.js';
import {LineEvent, lineOrigin, type Event, type LineOrigin} from '../../pipeline/event.js';
import {PENDING_BATCHES, type Source, type SourceContext} from '../../pipeline/source.js';
import {rejectReason, tooLongReason} from '../classify.js';
import {ChangeWatcher} from '../change-watcher.js';
import {COMPRESSION_MAGIC_BYTES, compressionOf} from '../compressed.js';
import {headMatches, identify, inodeKey, knownHead, readAt, readHead, type FileIdentity} from './file-identity.js';
import {expandPattern, hasGlob, matchesAnyPattern} from './glob.js';
import {PositionStore, type FilePosition} from './position-store.js';
import {TailedFile} from './tailed-file.js';
import {UnreadableFiles, readableHint} from '../unreadable.js';

export interface TailSourceOptions {
  name: string;
  /** Paths or globs (`*`, `?`, `[...]` in any segment; a `**` segment: any number of directories, as bash's globstar). */
  patterns: string[];
  positionFile: string;
  /**
   * A position file shared with other runs (how unnamed runs kept positions before): when
   * `positionFile` does not exist yet, its entries for the files given here are taken over.
   * It is only read.
   */
  legacyPositionFile?: string;
  /** Where to start in files found on the very first start (no position file yet). */
  startAt: 'beginning' | 'end';
  /** Longer lines go out as one rejected event, cut to this many bytes. */
  maxLineBytes: number;
  /** A line matching this starts a record; the lines after it that do not are joined to it. */
  multilineStart?: RegExp;
  /** Flush a pending multiline group after this long without a new line (default 1000). */
  multilineTimeoutMs?: number;
  /**
   * How often to look for new data, new files and rotations when no change notification came
   * (default 250): the safety net under inotify (NFS, globbed directories, lost events).
   */
  pollIntervalMs?: number;
  /**
   * After a change notification while an earlier batch is still on its way to the sink, wait for
   * it to be acknowledged, at most this long (default 5), and read what was written meanwhile as
   * one batch. With nothing on its way, a line is read at once.
   */
  lingerMs?: number;
  /** Events per deliver() call (default 500). */
  batchMaxEvents?: number;
  /** Body bytes per deliver() call (default 1 MiB). */
  batchMaxBytes?: number;
  /** Keep a rotated-away or deleted file open this long after it stopped growing (default 5000). */
  rotateWaitMs?: number;
  /**
   * A new file that begins like content already read but is shorter may be copytruncate's copy
   * still being written: it is left this long at most (default 60000), then read as a new file.
   */
  copyWaitMs?: number;
  /** Batches handed to the channel and not yet safe, while reading goes on (default 8). */
  maxPendingBatches?: number;
  /**
   * End once every file is read to its end and all of it was delivered (a catch-up run, like
   * `kcat -P -l`): a last line without a newline is sent too, as no more is expected.
   */
  exitAtEnd?: boolean;
}

/**
 * Follows growing files (Flume's TAILDIR, without its rename duplicates): files are followed by
 * identity (dev+ino+fingerprint, see file-identity.ts), a rotated file is drained through its
 * open handle, truncation restarts at 0, and the position file moves only after deliver()
 * resolved, so a restart neither loses nor repeats a line.
 */
export class TailSource implements Source {
  readonly type = 'tail';
  readonly name: string;
  private readonly files = new Map<string, TailedFile>();
  private store!: PositionStore;
  private roundRobin = 0;
  private readonly announcedMissing = new Set<string>();
  /** Files that cannot be opened: said once each (again when they change), tried at each look. */
  private readonly unreadable = new UnreadableFiles();
  /**
   * Compressed files the patterns match (logrotate's driving.log.2.gz), by dev:ino, with their
   * ctime when seen: said once each, looked at again only when changed (the inode may be reused).
   */
  private readonly compressed = new Map<string, bigint>();
  /** Whether the patterns name a path (see concerns). */
  private readonly patternVerdicts = new Map<string, boolean>();
  /** The position file as an absolute path: it, its lock and its temp file are never followed. */
  private readonly positionPath: string;
  /** Deliveries handed over and not settled yet. */
  private unsettled = 0;
  /**
   * Deliveries not yet safe, oldest first. Each settles after the one before it, so positions
   * move in reading order; each says whether it (and every earlier one) was delivered.
   */
  private pending: Promise<boolean>[] = [];
  private lastDelivery: Promise<boolean> = Promise.resolve(true);
  private deliveryFailed = false;
  /**
   * Lines read, lines delivered in order (their positions moved), and lines whose positions are
   * in the position file: reading stops while more than a re-read window's worth is beyond the
   * file, also when a position write takes long (see readAhead).
   */
  private readLines = 0;
  private settledLines = 0;
  private durableLines = 0;
  /** A new file was left for now as it may be a copy still being written (see copyOf). */
  private copyPending = false;
  /** Since when each such file has been left. */
  private readonly copyWaitSince = new Map<string, number>();
  /** Settles once the last position save is in the file. */
  private landing: Promise<unknown> = Promise.resolve();
  private readonly o: Required<Omit<TailSourceOptions, 'multilineStart' | 'legacyPositionFile'>> & Pick<TailSourceOptions, 'multilineStart' | 'legacyPositionFile'>;

  constructor(options: TailSourceOptions) {
    this.name = options.name;
    this.o = {
      multilineTimeoutMs: 1000,
      pollIntervalMs: 250,
      lingerMs: 5,
      batchMaxEvents: 500,
      batchMaxBytes: 1024 * 1024,
      rotateWaitMs: 5000,
      copyWaitMs: 60_000,
      maxPendingBatches: PENDING_BATCHES,
      exitAtEnd: false,
      ...options,
    };
    this.positionPath = path.resolve(this.o.positionFile);
  }

  async run(ctx: SourceContext): Promise<void> {
    // One process per position file: two would each send every line and overwrite each other's positions.
    const positions = this.o.positionFile;
    await fs.mkdir(path.dirname(positions), {recursive: true, mode: 0o700});
    const unlock = acquirePidLock(path.dirname(positions), {what: `the position file ${positions}`, hint: 'stop the other tail-produce or agent that uses it, or give this one its own --position-file'}, `${path.basename(positions)}.lock`);
    try {
      await this.follow(ctx);
    } finally {
      unlock();
    }
  }

  private async follow(ctx: SourceContext): Promise<void> {
    await this.refuseNonFiles();
    this.store = PositionStore.load(this.o.positionFile);
    const known = this.store.existed || this.adoptLegacyPositions(ctx);
    const changes = new ChangeWatcher((file) => this.concerns(file), ctx.log);
    try {
      await this.discover(ctx, known ? 'beginning' : this.o.startAt);
      await this.resumeRotatedAway(ctx);
      // Reading what there is to its end, with nothing there: a wrong path, not a success (as cat, kcat -l).
      if (this.o.exitAtEnd && this.files.size === 0) {
        const patterns = this.o.patterns.join(' ');
        const what = this.compressed.size > 0 ? `${patterns} matches only compressed files (skipped): nothing to read` : `no file matches ${patterns}`;
        throw new UserError(what, 'check the path; without --exit, tail-produce waits for files to appear');
      }
      changes.watchDirectories(this.directoriesToWatch());
      this.savePositions(ctx);
      let lastScan = Date.now();
      while (!ctx.signal.aborted) {
        const now = Date.now();
        if (now - lastScan >= this.o.pollIntervalMs || changes.takeRenamed()) {
          await this.discover(ctx, 'beginning');
          await this.refreshAll(ctx, now);
          changes.watchDirectories(this.directoriesToWatch());
          lastScan = now;
        }
        await this.readAhead();
        const full = await this.deliverBatch(ctx);
        if (!(await this.settleDeliveries(ctx))) continue;
        await this.retireDrained(ctx, Date.now());
        this.savePositions(ctx);
        if (full) continue;
        if (this.o.exitAtEnd && (await this.deliveredToEnd(ctx))) return;
        // A change notification: new bytes are read next round; a truncation is noticed here.
        if (await changes.wait(this.o.pollIntervalMs, ctx.signal)) {
          // Lines written while a batch is on its way go out together once it is acknowledged (linger.ms at most).
          if (this.unsettled > 0) await Promise.race([this.lastDelivery, sleep(this.o.lingerMs, ctx.signal)]);
          // A file left as a possible copy being written is looked at again when something changed.
          if (this.copyPending) await this.discover(ctx, 'beginning');
          await this.refreshAll(ctx, Date.now(), 'size');
        }
      }
    } finally {
      changes.close();
      await this.lastDelivery;
      this.savePositions(ctx, {whole: true});
      await this.store.close();
      for (const file of this.files.values()) await file.handle.close().catch(() => {});
      this.files.clear();
    }
  }

  /**
   * A path without wildcards that names a directory (or a pipe, a device) can never be followed:
   * said at once, instead of waiting for it to appear as a file.
   */
  private async refuseNonFiles(): Promise<void> {
    for (const pattern of this.o.patterns) {
      if (hasGlob(pattern)) continue;
      const st = await fs.stat(pattern).catch(() => null);
      if (!st || st.isFile()) continue;
      if (st.isDirectory()) {
        throw new UserError(
          `${pattern} is a directory, not a file: a tail follows files`,
          `to follow the files in it, give a glob such as '${path.join(pattern, '*.log')}' (quoted, so that the shell leaves it to kcollect), or '${path.join(pattern, '**', '*.log')}' for files at any depth`,
        );
      }
      throw new UserError(`${pattern} is not a regular file: a tail follows files`, 'to send what a pipe or a device gives, use `kcollect produce TOPIC` with it on stdin');
    }
  }

  /**
   * Opens matching files not followed yet. A file in the position file (same dev+ino and first
   * bytes) resumes at its offset; any other is new: read from 0, or per `startAt` on the first
   * start. Followed files no matching path leads to any more are marked detached.
   */
  private async discover(ctx: SourceContext, startNew: 'beginning' | 'end'): Promise<void> {
    const seen = new Set<string>();
    this.copyPending = false;
    const matched = await this.expandPatterns(ctx);
    // A file no pattern leads to any more takes its "cannot be read" with it.
    const present = new Set(matched);
    for (const {file} of this.unreadable.list()) if (!present.has(file)) this.unreadable.forget(file);
    for (const filePath of matched) {
      const st = await fs.stat(filePath, {bigint: true}).catch(() => null);
      if (!st) continue;
      const key = inodeKey(st.dev, st.ino);
      seen.add(key);
      if (this.compressed.get(key) === st.ctimeNs) continue;
      const followed = this.files.get(key);
      if (followed) {
        if (followed.path !== filePath) ctx.log(`${followed.path} is now ${filePath}; following it`);
        followed.path = followed.followedAs = filePath;
        followed.detached = false;
        continue;
      }
      const opened = await this.open(ctx, filePath, startNew, false);
      if (opened) seen.add(opened.key);
    }
    for (const key of this.compressed.keys()) if (!seen.has(key)) this.compressed.delete(key);
    for (const [key, file] of this.files) {
      if (seen.has(key) || file.detached) continue;
      file.detached = true;
      ctx.log(`${file.path} was renamed away or deleted; reading it to its end`);
    }
  }

  /** Directories whose changes concern this run: those of followed files and of unglobbed patterns. */
  private directoriesToWatch(): Set<string> {
    const dirs = new Set<string>();
    for (const file of this.files.values()) dirs.add(path.dirname(file.path));
    for (const pattern of this.o.patterns) if (!hasGlob(path.dirname(pattern))) dirs.add(path.dirname(pattern));
    return dirs;
  }

  /**
   * Asked for every change event in a watched directory, which may also hold busy files nobody
   * follows (the position file, other logs): the patterns' verdict on a path is kept.
   */
  private concerns(file: string): boolean {
    for (const followed of this.files.values()) if (followed.path === file) return true;
    let named = this.patternVerdicts.get(file);
    if (named === undefined) {
      if (this.patternVerdicts.size >= 1024) this.patternVerdicts.clear();
      this.patternVerdicts.set(file, (named = !this.isOwnFile(file) && matchesAnyPattern(file, this.o.patterns)));
    }
    return named;
  }

  /** The files the patterns name now; a pattern that names none is said once ("waiting for"). */
  private async expandPatterns(ctx: SourceContext): Promise<string[]> {
    const found = new Set<string>();
    for (const pattern of this.o.patterns) {
      const files = await expandPattern(pattern);
      if (files.length === 0 && !this.announcedMissing.has(pattern)) {
        this.announcedMissing.add(pattern);
        ctx.log(this.o.exitAtEnd ? `nothing matches ${pattern}` : `waiting for ${pattern} to appear`);
      }
      for (const file of files) if (!this.isOwnFile(file)) found.add(file);
    }
    return [...found];
  }

  /**
   * The position file, its lock or its temp file, which a pattern such as DIR/* names when they
   * sit beside the logs: following them would send each position write as lines, and so on.
   */
  private isOwnFile(file: string): boolean {
    return file === this.positionPath || file.startsWith(`${this.positionPath}.`);
  }

  /**
   * Opens one file; returns its dev:ino key and whether it resumed at a stored position, or null
   * when it vanished or is unreadable.
   */
  private async open(
    ctx: SourceContext,
    filePath: string,
    startNew: 'beginning' | 'end',
    detached: boolean,
    known?: FilePosition,
  ): Promise<{key: string; resumed: boolean} | null> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(filePath, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      // Tried again at each look, said once (and again only when the file or the error changes).
      const reason = this.unreadable.note(filePath, err);
      if (reason !== undefined) {
        ctx.count('FileReadErrorCount');
        ctx.log(`${filePath} ${reason}: not followed until it can be read (tried again at each look); ${readableHint()}`);
      }
      return null;
    }
    this.unreadable.forget(filePath);
    // The identity comes from the handle: the name may point at another file by now.
    const {identity, size} = identify(handle);
    const key = inodeKey(identity.dev, identity.ino);
    if (this.files.has(key)) {
      await handle.close();
      return {key, resumed: false};
    }
    const format = compressionOf(readHead(handle, COMPRESSION_MAGIC_BYTES));
    if (format) {
      this.skipCompressed(ctx, filePath, identity, format, fstatSync(handle.fd, {bigint: true}).ctimeNs);
      await handle.close();
      return null;
    }
    const stored = known ?? this.store.get(identity.dev, identity.ino);
    const resumed = stored !== undefined && stored.offset <= size && headMatches(handle, stored);
    const copy = resumed || startNew === 'end' ? undefined : this.copyOf(handle, size, key);
    if (copy === 'wait') {
      await handle.close();
      this.copyPending = true;
      return null;
    }
    let offset: number;
    let how: string;
    if (resumed) {
      offset = stored.offset;
      how = 'resuming';
    } else if (copy) {
      offset = copy.offset;
      how = `a copy of ${copy.of} (copytruncate), whose lines up to here were read there: reading on`;
    } else {
      offset = startNew === 'end' ? await lastLineStart(handle, size) : 0;
      how = stored ? 'a new file on a reused inode or rewritten while we were down: reading' : 'new file: reading';
    }
    // Absolute, as change events name files (a hand-written position file may hold a relative path).
    const file = new TailedFile(handle, identity, path.resolve(filePath), size, offset, {...this.o, onRestart: (f) => this.restarted(ctx, f)}, Date.now());
    file.detached = detached;
    // Found under its rotated name: it stays under the name it was followed as.
    if (known) file.followedAs = known.path;
    // A symbolic link may lead elsewhere by the next start: where it led now is where to look then.
    const real = await fs.realpath(filePath).catch(() => undefined);
    if (real !== undefined && real !== path.resolve(file.followedAs)) file.target = real;
    // Resumed: the same content as stored; rewritten while we were down: its next version.
    if (stored) file.generation = (stored.generation ?? 0) + (resumed ? 0 : 1);
    // A copy read on where the file it copies was: lines read again after a kill are recognised.
    if (known && known.ino !== identity.ino) file.originIno = known.ino;
    this.files.set(key, file);
    this.store.set(file.position());
    ctx.count('FileOpenedCount');
    ctx.log(`${filePath}: ${how} from offset ${offset}`);
    if (stored && !resumed && !known) await this.resumeCopy(ctx, stored);
    return {key, resumed};
  }

  /**
   * A file of ours rewritten while we were down, as copytruncate does: what was not read of it
   * is in its copy beside it (driving.log.1, driving.log-20240101), which starts with the same
   * bytes and is at least as long as what was read. That copy is read on from the stored offset.
   */
  private async resumeCopy(ctx: SourceContext, stored: FilePosition): Promise<void> {
    for (const place of placesOf(stored)) {
      const dir = path.dirname(place);
      const base = path.basename(place);
      for (const name of (await fs.readdir(dir).catch(() => [] as string[])).sort()) {
        const candidate = path.join(dir, name);
        if (!name.startsWith(base) || name === base || this.isOwnFile(candidate)) continue;
        const handle = await fs.open(candidate, 'r').catch(() => null);
        if (!handle) continue;
        const {identity, size} = identify(handle);
        const copy = !this.files.has(inodeKey(identity.dev, identity.ino)) && !this.store.get(identity.dev, identity.ino) && size >= stored.offset && headMatches(handle, stored);
        await handle.close();
        if (copy && (await this.open(ctx, candidate, 'beginning', true, stored))?.resumed) return;
      }
    }
  }

  /**
   * copytruncate copies a followed file to a new one (driving.log.1) and empties it: when a new
   * file starts with the first bytes of content this run read (a followed file's, or what a
   * truncation replaced) and shows the bytes that content had where its lines were read to, it
   * is a copy: read on from there, not again. 'wait': it shows a beginning of such content but
   * is shorter than what was read, so it may be a copy still being written; looked at again
   * when it changes.
   */
  private copyOf(handle: fs.FileHandle, size: number, key: string): {offset: number; of: string} | 'wait' | undefined {
    let wait = false;
    for (const [otherKey, file] of this.files) {
      if (otherKey === key) continue;
      for (const content of file.contents()) {
        const n = content.identity.fingerprintBytes;
        if (n === 0) continue;
        if (size >= n) {
          if (!headMatches(handle, content.identity)) continue;
        } else {
          const head = knownHead(content.identity);
          if (!head?.subarray(0, size).equals(readHead(handle, size))) continue;
        }
        if (size < content.end) wait = true;
        else if (readAt(handle, content.end - content.tail.length, content.tail.length).equals(content.tail)) {
          this.copyWaitSince.delete(key);
          return {offset: content.end, of: file.path};
        }
      }
    }
    // A catch-up run reads what is there: nothing is being written to wait for. Nor is a file
    // that stays shorter: one that only begins like another (a common header) is read in the end.
    const since = this.copyWaitSince.get(key) ?? Date.now();
    if (wait && !this.o.exitAtEnd && Date.now() - since < this.o.copyWaitMs) {
      this.copyWaitSince.set(key, since);
      return 'wait';
    }
    this.copyWaitSince.delete(key);
    return undefined;
  }

  /** Takes over the legacy position file's entries for files this run follows; true when there were any. */
  private adoptLegacyPositions(ctx: SourceContext): boolean {
    const legacy = this.o.legacyPositionFile;
    if (!legacy) return false;
    let adopted = 0;
    try {
      for (const entry of PositionStore.load(legacy).all()) {
        if (!this.follows(entry)) continue;
        this.store.set(entry);
        adopted++;
      }
    } catch (err) {
      ctx.log(`not resuming from ${legacy}: ${errorMessage(err)}`);
      return false;
    }
    if (adopted > 0) ctx.log(`resuming ${adopted} file(s) from ${legacy}; positions are kept in ${this.o.positionFile} from now on`);
    return adopted > 0;
  }

  /**
   * Whether a stored position is one of this run's files: it was last seen under a path the
   * patterns name. Others belong to another run sharing the position file: never read, kept.
   */
  private follows(stored: FilePosition): boolean {
    return matchesAnyPattern(stored.path, this.o.patterns);
  }

  /**
   * On start, a file of ours in the position file that no pattern matches now may have been
   * rotated away while we were down: look for its identity next to where it was, and read what
   * is left. Identities whose file is gone are forgotten.
   */
  private async resumeRotatedAway(ctx: SourceContext): Promise<void> {
    for (const stored of this.store.all()) {
      if (this.files.has(inodeKey(stored.dev, stored.ino)) || !this.follows(stored)) continue;
      let found: string | null = null;
      for (const dir of new Set(placesOf(stored).map((p) => path.dirname(p)))) {
        for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
          const st = await fs.stat(path.join(dir, name), {bigint: true}).catch(() => null);
          if (st?.isFile() && String(st.dev) === stored.dev && String(st.ino) === stored.ino) found = path.join(dir, name);
        }
      }
      const opened = found ? await this.open(ctx, found, 'beginning', true, stored) : null;
      if (opened?.resumed) continue;
      // Gone, or another file on that inode now: the old identity is finished.
      const file = opened && this.files.get(opened.key);
      if (file) {
        this.files.delete(opened.key);
        await file.handle.close();
      }
      this.store.delete(stored.dev, stored.ino);
    }
  }

  /** Notices growth, truncation and rewrites of the followed files ('size': growth and truncation only). */
  private async refreshAll(ctx: SourceContext, now: number, check: 'full' | 'size' = 'full'): Promise<void> {
    for (const [key, file] of this.files) {
      try {
        if (check === 'size') file.refreshSize(now);
        else file.refresh(now);
      } catch (err) {
        await this.drop(ctx, key, file, err);
      }
    }
  }

  private restarted(ctx: SourceContext, file: TailedFile): void {
    ctx.count('FileTruncatedCount');
    ctx.log(`${file.path} was truncated or rewritten; reading it again from offset 0`);
    this.store.set(file.position());
  }

  /** Reads up to one batch from the files and delivers it; true when it was full (more may wait). */
  private async deliverBatch(ctx: SourceContext): Promise<boolean> {
    const events: Event[] = [];
    const marks = new Map<TailedFile, {generation: number; end: number}>();
    let bytes = 0;
    const now = Date.now();
    // Rotated-away files first (their lines are older than those of the file that replaced them),
    // then the others from a rotating start, so one busy file cannot starve the rest.
    const all = [...this.files.entries()];
    const live = all.filter(([, f]) => !f.detached);
    const shift = live.length > 0 ? this.roundRobin++ % live.length : 0;
    const ordered = [...all.filter(([, f]) => f.detached), ...live.slice(shift), ...live.slice(0, shift)];
    for (const [key, file] of ordered) {
      let last: Line | undefined;
      let lastGeneration = 0;
      // One shared origin per file, version of its content and batch: its lines carry only their offsets.
      let from: LineOrigin | undefined;
      try {
        while (events.length < this.o.batchMaxEvents && bytes < this.o.batchMaxBytes) {
          file.flushGroupIfIdle(now, this.o.multilineTimeoutMs);
          const line = file.next(now);
          if (!line) break;
          if (from?.generation !== file.lineGeneration) from = lineOrigin(file.path, Number(file.originIno ?? file.identity.ino), undefined, file.lineGeneration);
          events.push(this.toEvent(ctx, from, file, line));
          bytes += line.stop - line.start;
          last = line;
          lastGeneration = file.lineGeneration;
        }
        file.flushGroupIfIdle(now, this.o.multilineTimeoutMs);
      } catch (err) {
        await this.drop(ctx, key, file, err);
      }
      // One mark per file: the end of its last line in this batch (also when a read failed after it).
      if (last) marks.set(file, {generation: lastGeneration, end: last.end});
      // Found empty, then written compressed (logrotate creates the .gz before compressing into it).
      if (file.compressed && this.files.get(key) === file) {
        this.files.delete(key);
        this.skipCompressed(ctx, file.path, file.identity, file.compressed, fstatSync(file.handle.fd, {bigint: true}).ctimeNs);
        await file.handle.close().catch(() => {});
      }
    }
    if (events.length === 0) return false;
    this.readLines += events.length;
    const delivery = ctx.deliver(events);
    const earlier = this.lastDelivery;
    this.unsettled++;
    this.lastDelivery = (async () => {
      const ok = await delivery.then(
        () => true,
        (err) => {
          // On a stop the position simply stays before them (the next run sends them): no alarm per batch.
          if (!ctx.signal.aborted) ctx.log(`delivery of ${events.length} events failed (${errorMessage(err)}); reading them again`);
          this.deliveryFailed = true;
          return false;
        },
      );
      this.unsettled--;
      if (!(await earlier) || !ok) return false;
      for (const [file, mark] of marks) {
        file.commit(mark.generation, mark.end);
        this.store.set(file.position());
      }
      this.settledLines += events.length;
      return true;
    })();
    this.pending.push(this.lastDelivery);
    return events.length >= this.o.batchMaxEvents || bytes >= this.o.batchMaxBytes;
  }

  /**
   * For exitAtEnd, once every file was read to its end: queues each file's last line (even
   * without a newline), waits for the deliveries, and says whether all of it is delivered.
   */
  private async deliveredToEnd(ctx: SourceContext): Promise<boolean> {
    for (const file of this.files.values()) file.flushAll();
    await this.lastDelivery;
    if (!(await this.settleDeliveries(ctx))) return false;
    for (const file of this.files.values()) if (!file.drained) return false;
    return true;
  }

  /**
   * Waits while too many deliveries are pending. After a failed one, waits for all of them and
   * reads again from the last safe position; lines past it that did reach the channel are then
   * marked redelivered (see TailedFile.rewind), so the Kafka sink checks before writing them
   * twice. False after such a rewind.
   */
  private async settleDeliveries(ctx: SourceContext): Promise<boolean> {
    while (!this.deliveryFailed && this.pending.length >= this.o.maxPendingBatches) await this.pending.shift();
    if (!this.deliveryFailed) return true;
    await this.lastDelivery;
    this.pending = [];
    this.lastDelivery = Promise.resolve(true);
    this.deliveryFailed = false;
    ctx.count('ChannelWriteFail');
    for (const file of this.files.values()) file.rewind();
    this.readLines = this.settledLines;
    await sleep(this.o.pollIntervalMs, ctx.signal);
    return false;
  }

  private toEvent(ctx: SourceContext, from: LineOrigin, file: TailedFile, line: Line): Event {
    // A line read as an event (no multiline grouping) only needs its read's shared origin.
    const event = line instanceof LineEvent ? line : LineEvent.of(from, line);
    event.from = from;
    if (line.offset < file.rereadUntil) event.redelivered = true;
    const rejected = line.length > this.o.maxLineBytes ? tooLongReason(this.o.maxLineBytes, line.length) : rejectReason(line.bytes, line.start, line.stop);
    if (rejected) {
      event.rejected = rejected;
      ctx.count('EventRejectedCount');
    }
    return event;
  }

  /** Closes rotated-away files that are read to the end and quiet for rotateWaitMs. */
  private async retireDrained(ctx: SourceContext, now: number): Promise<void> {
    for (const [key, file] of this.files) {
      if (!file.detached || !file.atEof || now - file.lastGrowthAt < this.o.rotateWaitMs) continue;
      file.flushAll();
      if (!file.drained) continue;
      this.files.delete(key);
      this.store.delete(file.identity.dev, file.identity.ino);
      await file.handle.close().catch(() => {});
      ctx.log(`${file.path}: read to its end; closed`);
    }
  }

  /**
   * A compressed file (a rotated log the glob matches too) would only fill the dead-letter topic
   * with binary: it is not read, said once, counted, and left until it changes.
   */
  private skipCompressed(ctx: SourceContext, filePath: string, identity: FileIdentity, format: string, ctimeNs: bigint): void {
    const key = inodeKey(identity.dev, identity.ino);
    const said = this.compressed.has(key);
    this.compressed.set(key, ctimeNs);
    this.store.delete(identity.dev, identity.ino);
    if (said) return;
    ctx.count('FileSkippedCount');
    ctx.log(`${filePath} is ${format}-compressed: not read (a rotated log? exclude it from the pattern to silence this)`);
  }

  /** A read failed: close the file but keep its position, so the next scan resumes it. */
  private async drop(ctx: SourceContext, key: string, file: TailedFile, err: unknown): Promise<void> {
    ctx.count('FileReadErrorCount');
    ctx.log(`cannot read ${file.path}: ${errorMessage(err)}`);
    this.files.delete(key);
    await file.handle.close().catch(() => {});
  }

  /**
   * Waits, before reading another batch, while the lines beyond the position file's offsets
   * would overflow the re-read window the Kafka sink checks after a restart (rereadWindow: the
   * pending batches, one more whose position write is on its way, and the one read now).
   */
  private async readAhead(): Promise<void> {
    if (this.readLines - this.durableLines > (this.o.maxPendingBatches + 1) * this.o.batchMaxEvents) await this.landing;
  }

  /** After every settled batch (offsets only: one write in place); whole on stop. */
  private savePositions(ctx: SourceContext, {whole = false} = {}): void {
    try {
      const lines = this.settledLines;
      const saved = this.store?.save({whole});
      if (saved) this.landing = saved.then((ok) => ok && (this.durableLines = Math.max(this.durableLines, lines)));
    } catch (err) {
      ctx.count('CheckpointWriteErrorCount');
      ctx.log(`cannot write position file ${this.o.positionFile}: ${errorMessage(err)}`);
    }
  }

}

/** Where a stored file was followed, and where the symbolic link it was followed through led. */
function placesOf(stored: FilePosition): string[] {
  return stored.target === undefined ? [stored.path] : [stored.path, stored.target];
}

/** Start of the last line (after the last newline), so `--from-end` never starts mid-line. */
async function lastLineStart(handle: fs.FileHandle, size: number): Promise<number> {
  const length = Math.min(size, 64 * 1024);
  const buf = Buffer.alloc(length);
  const {bytesRead} = await handle.read(buf, 0, length, size - length);
  const nl = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
  return nl < 0 ? size : size - length + nl + 1;
}
