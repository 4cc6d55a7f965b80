import fs from 'node:fs';
import type {FileHandle} from 'node:fs/promises';
import {FINGERPRINT_MAX_BYTES, headMatches, identify, readAt, type FileIdentity} from './file-identity.js';
import {ChunkReader} from '../chunk-reader.js';
import {compressionOf} from '../compressed.js';
import {Line} from '../../lib/line.js';
import {LineSplitter} from '../line-splitter.js';
import {LineEvent} from '../../pipeline/event.js';
import {MultilineGrouper} from './multiline.js';
import type {FilePosition} from './position-store.js';

const CHUNK_BYTES = 64 * 1024;
/** Bytes kept from before the end of what was read: a copy must show them there too. */
const TAIL_BYTES = 64;

export interface ReadTo {
  end: number;
  /** The bytes just before `end` (up to TAIL_BYTES). */
  tail: Buffer;
}

/** Content a file held (its identity) and how far its lines were read. */
export interface ReadContent extends ReadTo {
  identity: FileIdentity;
}

export interface LineOptions {
  maxLineBytes: number;
  multilineStart?: RegExp;
  /** Called when the file turned out truncated or rewritten and is read again from 0. */
  onRestart?: (file: TailedFile) => void;
}

/**
 * One followed file, held open so it is read by identity, not by name: after a rename or delete
 * the handle still reads the same bytes. Tracks two offsets: `readOffset` (bytes handed to the
 * splitter) and `committed` (end of the last delivered line: what the position file may say).
 * `generation` counts restarts from 0 (truncation, rewrite), so a delivery that completes for
 * the old content cannot move the position of the new.
 */
export class TailedFile {
  readOffset: number;
  committed: number;
  /**
   * Which version of the file's content this is: restarts from 0, counted across runs (kept in
   * the position file). Lines' origins carry it, so a line of rewritten content is not taken for
   * the same line at the same offset sent from the content before.
   */
  generation = 0;
  /** After a rewind: lines before this offset may have reached the channel already. */
  rereadUntil = 0;
  size: number;
  /** No matching path leads to this file any more (renamed away or deleted): drain, then close. */
  detached = false;
  /**
   * The name the patterns matched, kept in the position file: a file resumed under its rotated
   * name must stay this run's after another restart (see TailSource.follows).
   */
  followedAs: string;
  /** Its real path, when not followedAs (followed through a symbolic link): kept in the position file. */
  target?: string;
  atEof = false;
  lastGrowthAt: number;
  /**
   * The inode its lines' origin names, when not its own: a copy resumed where the file it copies
   * was (its bytes are that file's bytes at the same offsets), so the Kafka sink recognises the
   * lines sent from that file before a kill.
   */
  originIno?: string;
  /** Where the last complete line read ends (it is delivered or on its way), and the bytes before. */
  readTo?: ReadTo;
  /**
   * The content before the last restart from 0 and how far its lines were read: a copy of it
   * (copytruncate's) is read on from there, not again (see TailSource.copyOf).
   */
  previous?: ReadContent;
  /** The generation the line next() returned last was read in. */
  lineGeneration = 0;
  /**
   * The compression format its content turned out to be in (it was empty when opened: logrotate
   * creates `driving.log.2.gz`, then its compressor writes it): nothing is read from it.
   */
  compressed?: string;
  /** Lines ready to go out from `readyAt` on. */
  private ready: Line[] = [];
  /**
   * The generation each ready line was read in, once a restart from 0 left lines of the earlier
   * generation queued; until then (nearly always) they are all of the current one.
   */
  private readyGenerations?: number[];
  private readyAt = 0;
  private splitter: LineSplitter;
  private grouper?: MultilineGrouper;
  private readonly reader = new ChunkReader(CHUNK_BYTES);

  constructor(
    readonly handle: FileHandle,
    public identity: FileIdentity,
    public path: string,
    size: number,
    offset: number,
    private readonly options: LineOptions,
    now: number,
  ) {
    this.followedAs = path;
    this.size = size;
    this.readOffset = offset;
    this.committed = offset;
    this.lastGrowthAt = now;
    this.splitter = this.newSplitter(offset);
    this.grouper = this.newGrouper();
    if (offset > 0) this.readTo = {end: offset, tail: readAt(handle, Math.max(0, offset - TAIL_BYTES), Math.min(offset, TAIL_BYTES))};
  }

  position(): FilePosition {
    const position: FilePosition = {...this.identity, path: this.followedAs, offset: this.committed};
    if (this.target !== undefined) position.target = this.target;
    if (this.generation > 0) position.generation = this.generation;
    return position;
  }

  /**
   * Re-stats the open file and notices growth. Starts again from 0 when it shrank below what we
   * read (truncation, copytruncate) or its first bytes changed (rewritten in place).
   */
  refresh(now: number): void {
    const {identity, size} = identify(this.handle);
    if (size > this.size) this.lastGrowthAt = now;
    this.size = size;
    if (size < this.readOffset || !headMatches(this.handle, this.identity)) this.restartFromZero(identity, now);
    else if (this.identity.fingerprintBytes < Math.min(size, FINGERPRINT_MAX_BYTES)) this.identity = identity;
  }

  /**
   * refresh() for a change notification, with one stat: growth, and truncation below what was
   * read. A rewrite in place is caught by the head check after the next read (and by the polls).
   */
  refreshSize(now: number): void {
    const size = fs.fstatSync(this.handle.fd).size;
    if (size < this.readOffset || this.identity.fingerprintBytes < Math.min(size, FINGERPRINT_MAX_BYTES)) return this.refresh(now);
    if (size > this.size) this.lastGrowthAt = now;
    this.size = size;
  }

  /**
   * The next complete line (or group), reading more of the file as needed (synchronously, see
   * file-identity.ts); null at EOF. `lineGeneration` says which generation it belongs to.
   */
  next(now: number): Line | null {
    while (this.readyAt === this.ready.length) {
      const chunk = this.reader.readSync(this.handle.fd, this.readOffset);
      const bytesRead = chunk.length;
      if (bytesRead === 0) {
        this.atEof = true;
        return null;
      }
      if (this.readOffset === 0 && (this.compressed = compressionOf(chunk))) {
        this.atEof = true;
        return null;
      }
      this.atEof = false;
      // Bytes read after a truncate-and-refill are the new file's, not the continuation of the
      // old one: check the head after every read, so they are never passed off as old lines.
      if (!headMatches(this.handle, this.identity)) {
        this.restartFromZero(identify(this.handle).identity, now);
        continue;
      }
      this.readOffset += bytesRead;
      if (this.readOffset > this.size) (this.size = this.readOffset), (this.lastGrowthAt = now);
      this.clearReady();
      const lines = this.splitter.push(chunk, true);
      if (lines.length > 0) this.noteReadTo(lines[lines.length - 1].end, chunk, this.readOffset - bytesRead);
      // Without multiline grouping the chunk's lines are the ready lines, all of this generation.
      if (this.grouper) for (const line of lines) this.queue(line, now);
      else this.ready = lines;
    }
    this.lineGeneration = this.readyGenerations?.[this.readyAt] ?? this.generation;
    return this.ready[this.readyAt++];
  }

  /** Completes a multiline group nobody added to for `timeoutMs` while the file was at EOF. */
  flushGroupIfIdle(now: number, timeoutMs: number): void {
    if (this.grouper?.hasPending && this.atEof && now - this.grouper.lastAddedAt >= timeoutMs) this.flushGroup();
  }

  /** A file that will not grow any more: its last line may lack a newline; send it anyway. */
  flushAll(): void {
    const last = this.splitter.flushPending();
    if (last) this.queue(last, this.lastGrowthAt);
    this.flushGroup();
  }

  /** The contents this file held (now and before its last restart from 0) and how far they were read. */
  contents(): ReadContent[] {
    const now = this.readTo && {identity: this.identity, ...this.readTo};
    return [now, this.previous].filter((c) => c !== undefined);
  }

  /** Everything read has been delivered and nothing is held back. */
  get drained(): boolean {
    return this.readyAt === this.ready.length && !this.splitter.hasPending && !this.grouper?.hasPending && this.committed === this.readOffset;
  }

  commit(generation: number, end: number): void {
    if (generation === this.generation && end > this.committed) this.committed = end;
  }

  /** A delivery failed: forget what was read past the committed offset and read it again. */
  rewind(): void {
    this.clearReady();
    this.rereadUntil = Math.max(this.rereadUntil, this.readOffset);
    this.restartAt(this.committed);
  }

  /** Lines already read stay queued, a pending multiline group is completed first. */
  private restartFromZero(identity: FileIdentity, now: number): void {
    this.flushGroup();
    // Lines still queued keep the generation they were read in; the next ones get the new one.
    this.readyGenerations ??= this.ready.map(() => this.generation);
    if (this.readTo) this.previous = {identity: this.identity, ...this.readTo};
    this.readTo = undefined;
    this.generation++;
    this.identity = identity;
    this.rereadUntil = 0;
    this.restartAt(0);
    this.lastGrowthAt = now;
    this.options.onRestart?.(this);
  }

  private restartAt(offset: number): void {
    this.readOffset = offset;
    this.committed = offset;
    this.splitter = this.newSplitter(offset);
    this.grouper = this.newGrouper();
    this.atEof = false;
  }

  private noteReadTo(end: number, chunk: Buffer, chunkStart: number): void {
    const inChunk = end - chunkStart;
    this.readTo = {end, tail: Buffer.from(chunk.subarray(Math.max(0, inChunk - TAIL_BYTES), inChunk))};
  }

  private queue(line: Line, now: number): void {
    const done = this.grouper ? this.grouper.add(line, now) : line;
    if (done) this.enqueue(done);
  }

  private enqueue(line: Line): void {
    this.readyGenerations?.push(this.generation);
    this.ready.push(line);
  }

  private clearReady(): void {
    this.ready = [];
    this.readyGenerations = undefined;
    this.readyAt = 0;
  }

  private flushGroup(): void {
    const group = this.grouper?.flush();
    if (group) this.enqueue(group);
  }

  /** Without multiline grouping, each line is made as the event it becomes: one object per line. */
  private newSplitter(offset: number): LineSplitter {
    return new LineSplitter(this.options.maxLineBytes, offset, this.options.multilineStart ? Line : LineEvent);
  }

  private newGrouper(): MultilineGrouper | undefined {
    const {multilineStart, maxLineBytes} = this.options;
    return multilineStart ? new MultilineGrouper(multilineStart, maxLineBytes) : undefined;
  }
}
