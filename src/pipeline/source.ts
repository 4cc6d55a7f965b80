import type {Event} from './event.js';

export interface SourceContext {
  /** Aborted when the agent stops: finish the batch in hand, save the position, return. */
  readonly signal: AbortSignal;
  /**
   * Runs the interceptors and puts the events into the channel(s). Resolves once they are safe
   * (see Channel.put); only then may the source record that it has read them.
   */
  deliver(events: readonly Event[]): Promise<void>;
  /** Counts under the source's name. deliver() itself counts EventReceivedCount and EventAcceptedCount. */
  count(counter: string, n?: number): void;
  log(line: string): void;
}

/**
 * Batches a file source hands to its channels before the first is safe: it reads ahead while
 * Kafka acknowledges. After a kill, up to this many batches (plus the one in hand) are read again.
 */
export const PENDING_BATCHES = 8;

/**
 * How many recent records per partition a Kafka sink must check after a restart to recognise
 * every line its sources may read again (see KafkaSinkOptions.redeliveryWindow): the pending
 * batches, one more whose position write is still on its way, and the one in hand (file
 * sources write their positions after every batch).
 */
export function rereadWindow(batchSize: number): number {
  return Math.max(10_000, (PENDING_BATCHES + 2) * batchSize);
}

/** Reads events from somewhere until the signal aborts (or, for finite sources, the input ends). */
export interface Source {
  readonly name: string;
  readonly type: string;
  run(context: SourceContext): Promise<void>;
}
