import type {Event} from './event.js';

export interface SourceContext {
  /** Aborted when the agent stops: finish the batch in hand, save the position, return. */
  readonly signal: AbortSignal;
  /**
   * Runs the interceptors and puts the events into the channel(s). Resolves once they are safe
   * (see Channel.put); only then may the source record that it has read them.
   */
  deliver(events: Event[]): Promise<void>;
  /** Counts under the source's name. deliver() itself counts EventReceivedCount and EventAcceptedCount. */
  count(counter: string, n?: number): void;
  log(line: string): void;
}

/** Reads events from somewhere until the signal aborts (or, for finite sources, the input ends). */
export interface Source {
  readonly name: string;
  readonly type: string;
  run(context: SourceContext): Promise<void>;
}
