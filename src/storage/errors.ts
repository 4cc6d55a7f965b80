import {UserError} from '../lib/errors.js';

/** Kafka error names the storage layer raises; handlers map them to wire codes. */
export type StorageErrorCode =
  | 'TOPIC_ALREADY_EXISTS'
  | 'INVALID_TOPIC_EXCEPTION'
  | 'INVALID_PARTITIONS'
  | 'INVALID_CONFIG'
  | 'UNKNOWN_TOPIC_OR_PARTITION'
  | 'OFFSET_OUT_OF_RANGE'
  | 'INVALID_REPLICATION_FACTOR'
  | 'INVALID_REPLICA_ASSIGNMENT'
  | 'KAFKA_STORAGE_ERROR'
  | 'REQUEST_TIMED_OUT';

/**
 * A request the user can fix, carrying the Kafka error name so a handler answers with the same
 * code a real broker would and the CLI still prints one line plus a hint.
 */
export class StorageError extends UserError {
  constructor(readonly code: StorageErrorCode, message: string, hint?: string) {
    super(message, hint);
    this.name = 'StorageError';
  }
}

/**
 * A write of a partition's files failed (ENOSPC, EIO, ...): Kafka's KAFKA_STORAGE_ERROR, which
 * clients retry. Other errors (our own bugs) pass through unchanged.
 */
export function storageFailure(err: unknown, what: string): unknown {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (err instanceof StorageError || typeof code !== 'string') return err;
  return new StorageError('KAFKA_STORAGE_ERROR', `${what}: ${(err as Error).message}`, code === 'ENOSPC' ? 'free space on the broker\'s data disk; the partition takes writes again as soon as there is room' : 'check the broker\'s data disk');
}
