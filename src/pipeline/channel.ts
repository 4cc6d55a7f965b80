import type {Event} from './event.js';

/** A batch taken from a channel: commit once the sink wrote it, roll back to hand it out again. */
export interface Transaction {
  readonly events: readonly Event[];
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface ChannelFill {
  events: number;
  bytes: number;
  capacityEvents: number;
  capacityBytes: number;
}

/**
 * Flume's channel, with one difference that closes Flume's loss window: put() resolves only once
 * the events are safe, so a source moves its file position after put() resolved and never before.
 * A memory channel calls events safe when a sink committed them (they are in Kafka); a file
 * channel when its write-ahead log is on disk. put() waits while the channel is full; puts
 * resolve in the order they were made.
 */
export interface Channel {
  readonly name: string;
  put(events: readonly Event[]): Promise<void>;
  /**
   * Up to `max` events, waiting at most `waitMs` for the first (less once `signal` aborts: a
   * stopping sink does not wait out its poll); null when none came or closed.
   */
  take(max: number, waitMs: number, signal?: AbortSignal): Promise<Transaction | null>;
  fill(): ChannelFill;
  close(): Promise<void>;
}
