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

/** A put not yet admitted: its events wait outside the queue. */
interface WaitingPut {
  events: Event[];
  sizes: number[];
  size: number;
  batch: PutBatch;
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
  // The queue as three parallel arrays, not an object per event: events wait here for Kafka's
  // acknowledgement, and every object still alive is copied by each young-generation scavenge.
  private readonly queue: Event[] = [];
  private readonly sizes: number[] = [];
  private readonly batches: PutBatch[] = [];
  private readonly waitingPuts: WaitingPut[] = [];
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

  put(events: Event[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`channel ${this.name} is closed`));
    if (events.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const sizes = events.map(eventSize);
      this.waitingPuts.push({events, sizes, size: sizes.reduce((n, s) => n + s, 0), batch: {remaining: events.length, resolve, reject}});
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
      for (let i = 0; i < next.events.length; i++) {
        this.queue.push(next.events[i]);
        this.sizes.push(next.sizes[i]);
        this.batches.push(next.batch);
      }
      this.events += next.events.length;
      this.bytes += next.size;
    }
    this.wakeTakers();
  }

  private wakeTakers(): void {
    for (const wake of this.waitingTakers) wake();
    this.waitingTakers.clear();
  }

  async take(max: number, waitMs: number): Promise<Transaction | null> {
    if (this.queue.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.waitingTakers.delete(wake);
          resolve();
        }, waitMs);
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        this.waitingTakers.add(wake);
      });
    }
    if (this.queue.length === 0) return null;
    const n = Math.max(1, max);
    const events = this.queue.splice(0, n);
    const sizes = this.sizes.splice(0, n);
    const batches = this.batches.splice(0, n);
    let done = false;
    return {
      events,
      commit: async () => {
        if (done) return;
        done = true;
        this.events -= events.length;
        for (let i = 0; i < events.length; i++) {
          this.bytes -= sizes[i];
          if (--batches[i].remaining === 0) batches[i].resolve();
        }
        this.admit();
      },
      rollback: async () => {
        if (done) return;
        done = true;
        this.queue.unshift(...events);
        this.sizes.unshift(...sizes);
        this.batches.unshift(...batches);
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
    this.queue.length = 0;
    this.sizes.length = 0;
    for (const batch of this.batches.splice(0)) batch.reject(err);
    this.wakeTakers();
  }
}
