import type {Event} from './event.js';

/**
 * Writes batches somewhere. write() resolves once the destination confirmed the whole batch and
 * throws if any of it may not have arrived: the runner then rolls the batch back into the channel
 * and retries it after a back-off, so a sink must tolerate seeing a batch again (Kafka through
 * the idempotent producer, HBase by writing the same cells, files by rewriting the same name).
 */
export interface Sink {
  readonly name: string;
  readonly type: string;
  start?(): Promise<void>;
  write(events: Event[]): Promise<void>;
  close(): Promise<void>;
}
