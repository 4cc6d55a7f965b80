/**
 * What a drain reports while it runs: `ok` (writing), `parked` (the sink failed; partitions
 * paused, waiting before the next probe), `retrying` (probing the sink), `waiting` (Kafka: the
 * group cannot be joined yet, its coordinator down or moving, or no broker answers the reading;
 * it keeps trying). backlog = records in
 * Kafka the drain has not written yet (log end - the offset after its last confirmed write, or
 * the group's commit where that is further: a file drain commits only up to its in-use file),
 * null when it could not be read.
 */
export type DrainState = 'ok' | 'parked' | 'retrying' | 'waiting';

export interface DrainStatus {
  type: 'status';
  time: string;
  state: DrainState;
  sink: string;
  written: number;
  deadLettered: number;
  backlog: number | null;
  /** Failed writes and probes since the sink last accepted a write. */
  attempt: number;
  /** While parked: the wait before the next probe. */
  retryInMs?: number;
  /** Why the drain is not ok. */
  error?: string;
  /** Batches no consumer could decode: sent whole to the dead-letter topic and committed past. */
  skippedBatches?: Array<{partition: number; baseOffset: number; lastOffset: number; reason: string}>;
}

export function describeStatus(s: DrainStatus): string {
  const last = s.skippedBatches?.at(-1);
  const skipped = last ? `; ${s.skippedBatches!.length} undecodable batch(es) dead-lettered, the last at partition ${last.partition} offsets ${last.baseOffset}..${last.lastOffset}: ${last.reason}` : '';
  const counts = `${s.written} written, ${s.deadLettered} dead-lettered, backlog ${s.backlog ?? '?'}${skipped}`;
  if (s.state === 'ok') return `${s.sink}: ok (${counts})`;
  if (s.state === 'waiting') return `${s.sink}: waiting for Kafka: ${s.error}; trying until it answers (${counts})`;
  if (s.state === 'parked') return `${s.sink}: parked, partitions paused: ${s.error}; probing again in ${s.retryInMs} ms (${counts})`;
  return `${s.sink}: retrying, probing the sink after ${s.attempt} failure(s) (${counts})`;
}
