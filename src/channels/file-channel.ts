import fs from 'node:fs';
import {BugError} from '../lib/errors.js';
import type {Channel, ChannelFill, Transaction} from '../pipeline/channel.js';
import {eventSize, type Event} from '../pipeline/event.js';
import {acquirePidLock} from '../lib/pid-lock.js';
import {WriteAheadLog} from './file/wal.js';
import {encodeCommit, encodePut, toRanges} from './file/wal-records.js';
import {ReplayedLines} from './file/replayed-lines.js';

export interface FileChannelOptions {
  name: string;
  /** Holds the log segments and a lock file; one channel per directory. */
  dir: string;
  capacityEvents: number;
  /** Counted as eventSize() (body plus header characters), like the memory channel. */
  capacityBytes: number;
  /** A segment rolls before a record would take it past this size; 64 MiB by default. */
  maxSegmentBytes?: number;
  /** Says when lines read again after a restart were already in the log (and not put twice). */
  log?: (line: string) => void;
}

/** An event and its place in the log. */
interface Entry {
  seq: number;
  event: Event;
  size: number;
}

interface WaitingPut {
  events: Event[];
  size: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

interface OpenTransaction {
  entries: Entry[];
  state: 'open' | 'committing' | 'done';
  committing?: Promise<void>;
}

const EMPTY = Buffer.alloc(0);

/**
 * Flume's file channel: a write-ahead log, so a kill -9 of the agent loses nothing a put resolved
 * for. Every put is a record with consecutive sequence numbers; every commit a record naming the
 * sequences it took for good. Opening replays the log: events put and never committed come back,
 * in order, and a line of a file among them that its source reads again is not put twice.
 * put() resolves once its record is fsynced (concurrent puts share fsyncs), waits while
 * the channel is full, and resolves in call order; a put bigger than the whole capacity gets in
 * when the channel is empty, as in the memory channel. Events not yet taken are also kept in
 * memory, which the capacity bounds. A commit resolves once its record is written, without
 * waiting for the fsync of the puts queued before it: a commit lost with the machine only makes
 * its events replay, and the Kafka sink recognises them (they are marked redelivered).
 *
 * Several transactions may be open at once and each commits or rolls back on its own; a rolled
 * back event goes back to its place by sequence, so takes stay in put order. Ordering across
 * sinks is only meaningful with one transaction open at a time.
 */
export class FileChannel implements Channel {
  readonly name: string;
  private readonly capacityEvents: number;
  private readonly capacityBytes: number;
  private readonly dir: string;
  private readonly maxSegmentBytes: number;
  private readonly say: (line: string) => void;
  private log: WriteAheadLog | null = null;
  private unlock: (() => void) | null = null;
  /** Events on disk and not taken, by sequence; `head` is the first one still here. */
  private queue: Entry[] = [];
  private head = 0;
  private readonly transactions = new Set<OpenTransaction>();
  private readonly waitingPuts: WaitingPut[] = [];
  private readonly waitingTakers = new Set<() => void>();
  private nextSeq = 0;
  /** Every sequence below it has its put record on disk (it is queued, taken or committed). */
  private durableSeq = 0;
  /** Put and not committed, including puts still being written. */
  private events = 0;
  private bytes = 0;
  private closed = false;
  /** After a restart: lines of files the log gave back, until their sources read past them. */
  private replayedLines?: ReplayedLines;

  constructor(options: FileChannelOptions) {
    this.name = options.name;
    this.dir = options.dir;
    this.capacityEvents = options.capacityEvents;
    this.capacityBytes = options.capacityBytes;
    this.maxSegmentBytes = options.maxSegmentBytes ?? 64 * 1024 * 1024;
    this.say = options.log ?? (() => undefined);
  }

  static async open(options: FileChannelOptions): Promise<FileChannel> {
    const channel = new FileChannel(options);
    await channel.open();
    return channel;
  }

  /** Locks the directory and replays the log. */
  async open(): Promise<void> {
    if (this.log) throw new BugError(`channel ${this.name} is already open`);
    fs.mkdirSync(this.dir, {recursive: true, mode: 0o700});
    const unlock = acquirePidLock(this.dir, {what: `file channel ${this.name} (${this.dir})`, hint: 'give each channel its own directory, or stop the other agent first'});
    try {
      const replayed = await WriteAheadLog.open(this.dir, this.maxSegmentBytes);
      this.log = replayed.log;
      this.nextSeq = this.durableSeq = replayed.nextSeq;
      const lines = new ReplayedLines();
      for (const {seq, event} of replayed.events) {
        // A sink may have written it before the crash: sinks that can check, check first.
        event.redelivered = true;
        const size = eventSize(event);
        this.queue.push({seq, event, size});
        this.events += 1;
        this.bytes += size;
        lines.add(event);
      }
      if (!lines.empty) this.replayedLines = lines;
    } catch (err) {
      unlock();
      throw err;
    }
    this.unlock = unlock;
    this.log.release(this.lowestLiveSeq());
  }

  put(events: readonly Event[]): Promise<void> {
    if (this.closed || !this.log) return Promise.reject(new Error(`channel ${this.name} is ${this.closed ? 'closed' : 'not open'}`));
    const fresh = this.replayedLines ? this.withoutReplayed(events) : [...events];
    return new Promise<void>((resolve, reject) => {
      // Also a put left empty waits for its turn: puts resolve in call order.
      this.waitingPuts.push({events: fresh, size: fresh.reduce((n, e) => n + eventSize(e), 0), resolve, reject});
      this.admit();
    });
  }

  /**
   * The events without the lines the log gave back on opening: a file source whose saved position
   * was behind the log reads them again after a restart (see ReplayedLines). They are in the
   * channel already, so the put that brings them again is safe as far as they are concerned.
   */
  private withoutReplayed(events: readonly Event[]): Event[] {
    const lines = this.replayedLines!;
    const fresh = events.filter((event) => !lines.holds(event));
    if (lines.empty) this.replayedLines = undefined;
    const skipped = events.length - fresh.length;
    if (skipped > 0) this.say(`channel ${this.name}: ${skipped} event(s) read again were in its log already; not put twice`);
    return fresh;
  }

  /** Writes waiting puts, in order, while they fit; resolves each once its record is on disk. */
  private admit(): void {
    const log = this.log!;
    while (this.waitingPuts.length > 0 && !this.closed) {
      const put = this.waitingPuts[0];
      const n = put.events.length;
      const fits = this.events + n <= this.capacityEvents && this.bytes + put.size <= this.capacityBytes;
      if (!fits && this.events > 0) return;
      this.waitingPuts.shift();
      const firstSeq = this.nextSeq;
      let record: Buffer;
      try {
        record = n > 0 ? encodePut(firstSeq, put.events) : EMPTY;
      } catch (err) {
        put.reject(err as Error);
        continue;
      }
      this.nextSeq += n;
      this.events += n;
      this.bytes += put.size;
      const entries = put.events.map((event, i) => ({seq: firstSeq + i, event, size: eventSize(event)}));
      // The log resolves appends in order, so entries join the queue in sequence order.
      log.append(record, n > 0 ? firstSeq + n - 1 : undefined).then(
        () => {
          for (const entry of entries) this.queue.push(entry);
          this.durableSeq = firstSeq + n;
          // A roll may have sealed a segment whose events were all committed already.
          log.release(this.lowestLiveSeq());
          this.wakeTakers();
          put.resolve();
        },
        (err: Error) => {
          this.events -= n;
          this.bytes -= put.size;
          this.durableSeq = firstSeq + n;
          put.reject(err);
        },
      );
    }
  }

  async take(max: number, waitMs: number, signal?: AbortSignal): Promise<Transaction | null> {
    const deadline = Date.now() + waitMs;
    while (this.head === this.queue.length && !this.closed && !signal?.aborted) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      await this.waitForPut(left, signal);
    }
    if (this.closed || this.head === this.queue.length) return null;
    const entries = this.queue.slice(this.head, this.head + Math.max(1, max));
    this.head += entries.length;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    const tx: OpenTransaction = {entries, state: 'open'};
    this.transactions.add(tx);
    return {
      events: entries.map((e) => e.event),
      commit: () => this.commit(tx),
      rollback: async () => this.rollback(tx),
    };
  }

  private waitForPut(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waitingTakers.delete(wake);
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waitingTakers.add(wake);
      signal?.addEventListener('abort', wake, {once: true});
    });
  }

  private wakeTakers(): void {
    for (const wake of [...this.waitingTakers]) wake();
  }

  private commit(tx: OpenTransaction): Promise<void> {
    if (tx.state === 'done') return Promise.resolve();
    tx.committing ??= this.writeCommit(tx);
    return tx.committing;
  }

  private async writeCommit(tx: OpenTransaction): Promise<void> {
    if (this.closed) throw new Error(`channel ${this.name} is closed: the transaction's events will be replayed when it opens again`);
    tx.state = 'committing';
    try {
      await this.log!.appendWritten(encodeCommit(toRanges(tx.entries.map((e) => e.seq))));
    } catch (err) {
      tx.state = 'open';
      tx.committing = undefined;
      throw err;
    }
    tx.state = 'done';
    this.transactions.delete(tx);
    for (const entry of tx.entries) {
      this.events -= 1;
      this.bytes -= entry.size;
    }
    this.log!.release(this.lowestLiveSeq());
    this.admit();
  }

  /** Puts the events back where they were by sequence (at the head, with one transaction open). */
  private rollback(tx: OpenTransaction): void {
    if (tx.state !== 'open') return;
    tx.state = 'done';
    this.transactions.delete(tx);
    if (this.closed) return;
    const rest = this.queue.slice(this.head);
    this.head = 0;
    const back = tx.entries;
    if (rest.length === 0 || back[back.length - 1].seq < rest[0].seq) {
      this.queue = back.concat(rest);
    } else {
      const merged: Entry[] = [];
      let i = 0;
      let j = 0;
      while (i < back.length || j < rest.length) {
        if (j === rest.length || (i < back.length && back[i].seq < rest[j].seq)) merged.push(back[i++]);
        else merged.push(rest[j++]);
      }
      this.queue = merged;
    }
    this.wakeTakers();
  }

  /** Segments holding only sequences below this can go. */
  private lowestLiveSeq(): number {
    let lowest = this.head < this.queue.length ? Math.min(this.queue[this.head].seq, this.durableSeq) : this.durableSeq;
    for (const tx of this.transactions) lowest = Math.min(lowest, tx.entries[0].seq);
    return lowest;
  }

  fill(): ChannelFill {
    return {events: this.events, bytes: this.bytes, capacityEvents: this.capacityEvents, capacityBytes: this.capacityBytes};
  }

  /**
   * Stops taking puts (those still waiting for room reject), lets the ones being written finish,
   * and closes the log. Open transactions are neither committed nor lost: their events replay.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new Error(`channel ${this.name} closed before these events were put`);
    for (const put of this.waitingPuts.splice(0)) put.reject(err);
    this.wakeTakers();
    if (this.log) await this.log.close();
    this.unlock?.();
  }
}
