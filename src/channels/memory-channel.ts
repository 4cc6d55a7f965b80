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

interface Entry {
  event: Event;
  size: number;
  batch: PutBatch;
}

interface WaitingPut {
  entries: Entry[];
  size: number;
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
  private readonly queue: Entry[] = [];
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
      const batch: PutBatch = {remaining: events.length, resolve, reject};
      const entries = events.map((event) => ({event, size: eventSize(event), batch}));
      this.waitingPuts.push({entries, size: entries.reduce((n, e) => n + e.size, 0)});
      this.admit();
    });
  }

  /** Moves waiting puts into the queue, in order, while they fit (an oversized one when empty). */
  private admit(): void {
    while (this.waitingPuts.length > 0) {
      const next = this.waitingPuts[0];
      const fits = this.events + next.entries.length <= this.capacityEvents && this.bytes + next.size <= this.capacityBytes;
      if (!fits && this.events > 0) return;
      this.waitingPuts.shift();
      for (const entry of next.entries) this.queue.push(entry);
      this.events += next.entries.length;
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
    const taken = this.queue.splice(0, Math.max(1, max));
    let done = false;
    return {
      events: taken.map((e) => e.event),
      commit: async () => {
        if (done) return;
        done = true;
        for (const entry of taken) {
          this.events -= 1;
          this.bytes -= entry.size;
          if (--entry.batch.remaining === 0) entry.batch.resolve();
        }
        this.admit();
      },
      rollback: async () => {
        if (done) return;
        done = true;
        this.queue.unshift(...taken);
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
    for (const put of this.waitingPuts.splice(0)) put.entries[0].batch.reject(err);
    for (const entry of this.queue.splice(0)) entry.batch.reject(err);
    this.wakeTakers();
  }
}
