import type {Channel, ChannelFill, Transaction} from '../pipeline/channel.js';
import {eventSize, type Event} from '../pipeline/event.js';

export interface MemoryChannelOptions {
  name: string;
  capacityEvents?: number;
  capacityBytes?: number;
}

/** A put's events: the put resolves when the last of them was committed by a take. */
interface PutBatch {
  remaining: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * A put's events in order, of which `next`..`end` wait in the queue (`size`: their bytes): a take
 * cuts from the front segment, a rollback puts its parts back in front as segments of their own.
 */
interface Segment {
  events: readonly Event[];
  size: number;
  batch: PutBatch;
  next: number;
  end: number;
}

/**
 * Events in memory, bounded by count and bytes. A put resolves once a sink committed all of its
 * events, so a source never records a position for events still only in memory: killing the
 * agent loses nothing the source will not read again.
 */
export class MemoryChannel implements Channel {
  readonly name: string;
  private readonly capacityEvents: number;
  private readonly capacityBytes: number;
  // The queue holds each put's own arrays, not an entry (or an array slot) per event: events
  // wait here for Kafka's acknowledgement, and every object still alive is copied by each
  // young-generation scavenge.
  private queue: Segment[] = [];
  private queued = 0;
  private readonly waitingPuts: Segment[] = [];
  private readonly waitingTakers = new Set<() => void>();
  /** Events in the queue plus those taken and not yet committed. */
  private events = 0;
  private bytes = 0;
  private closed = false;

  constructor(options: MemoryChannelOptions) {
    this.name = options.name;
    this.capacityEvents = options.capacityEvents ?? 10_000;
    this.capacityBytes = options.capacityBytes ?? 64 * 1024 * 1024;
  }

  put(events: readonly Event[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`channel ${this.name} is closed`));
    if (events.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let size = 0;
      for (let i = 0; i < events.length; i++) size += eventSize(events[i]);
      this.waitingPuts.push({events, size, batch: {remaining: events.length, resolve, reject}, next: 0, end: events.length});
      this.admit();
    });
  }

  /** Moves waiting puts into the queue, in order, while they fit (an oversized one when empty). */
  private admit(): void {
    while (this.waitingPuts.length > 0) {
      const next = this.waitingPuts[0];
      const fits = this.events + next.events.length <= this.capacityEvents && this.bytes + next.size <= this.capacityBytes;
      if (!fits && this.events > 0) return;
      this.waitingPuts.shift();
      this.queue.push(next);
      this.queued += next.events.length;
      this.events += next.events.length;
      this.bytes += next.size;
    }
    this.wakeTakers();
  }

  private wakeTakers(): void {
    for (const wake of this.waitingTakers) wake();
    this.waitingTakers.clear();
  }

  async take(max: number, waitMs: number, signal?: AbortSignal): Promise<Transaction | null> {
    if (this.queued === 0 && !this.closed && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        // A wait of 0 ends on the next turn of the event loop anyway: no abort listener for it
        // (a sink with writes in flight takes that way after every batch).
        const listen = waitMs > 0 ? signal : undefined;
        const wake = () => {
          clearTimeout(timer);
          this.waitingTakers.delete(wake);
          listen?.removeEventListener('abort', wake);
          resolve();
        };
        const timer = setTimeout(wake, waitMs);
        this.waitingTakers.add(wake);
        listen?.addEventListener('abort', wake, {once: true});
      });
    }
    if (this.queued === 0) return null;
    const n = Math.min(Math.max(1, max), this.queued);
    // The parts of the segments this take cut, to settle their puts on commit.
    const parts: Segment[] = [];
    const front = this.queue[0];
    let events: readonly Event[];
    if (front.next === 0 && front.end === front.events.length && n === front.end) {
      // A whole put at once (a sink taking batches the size its source puts): its own array.
      // Read-only all the way (Channel, Sink): a replicating selector put the same one elsewhere.
      events = front.events;
      parts.push({...front});
      this.queue.shift();
    } else {
      const cut = new Array<Event>(n);
      events = cut;
      for (let taken = 0; taken < n; ) {
        const segment = this.queue[0];
        const from = segment.next;
        const to = Math.min(segment.end, from + n - taken);
        // The rest of a segment takes the rest of its size, so its parts always add up to it.
        let size = to === segment.end ? segment.size : 0;
        if (to < segment.end) for (let i = from; i < to; i++) size += eventSize(segment.events[i]);
        for (let i = from; i < to; i++) cut[taken++] = segment.events[i];
        parts.push({...segment, size, next: from, end: to});
        segment.next = to;
        segment.size -= size;
        if (to === segment.end) this.queue.shift();
      }
    }
    this.queued -= n;
    let done = false;
    return {
      events,
      commit: async () => {
        if (done) return;
        done = true;
        this.events -= n;
        for (const part of parts) {
          this.bytes -= part.size;
          part.batch.remaining -= part.end - part.next;
          if (part.batch.remaining === 0) part.batch.resolve();
        }
        this.admit();
      },
      rollback: async () => {
        if (done) return;
        done = true;
        this.queue = [...parts, ...this.queue];
        this.queued += n;
        this.wakeTakers();
      },
    };
  }

  fill(): ChannelFill {
    return {events: this.events, bytes: this.bytes, capacityEvents: this.capacityEvents, capacityBytes: this.capacityBytes};
  }

  async close(): Promise<void> {
    this.closed = true;
    const err = new Error(`channel ${this.name} closed before its events were delivered`);
    for (const put of this.waitingPuts.splice(0)) put.batch.reject(err);
    for (const segment of this.queue) segment.batch.reject(err);
    this.queue = [];
    this.queued = 0;
    this.wakeTakers();
  }
}
