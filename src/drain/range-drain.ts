/**
 * Re-delivers a range of a topic to a sink without a consumer group (so no group's offsets
 * move): reads every partition from a start position to its end, keeps the records inside the
 * range (and of one key, if asked), and writes them in batches. A sink that stops answering
 * holds the read (the fetch loop waits for the write) while it is probed with backoff.
 */
import {fetchRecords, type FetchedRecord, type StartPosition} from '../client/fetcher.js';
import {errorMessage} from '../lib/errors.js';
import {SinkUnavailableError, type Sink} from '../pipeline/sink.js';
import {DEFAULT_BACKOFF, backoffDelay, sleep, type BackoffPolicy} from '../lib/backoff.js';
import type {DeadLetterQueue} from '../sinks/dead-letter.js';
import {deliverBatch} from '../pipeline/sink-runner.js';
import {recordToEvent} from './events.js';
import {DEFAULT_BATCH_SIZE} from './group-drain.js';
import type {DrainStatus} from './status.js';

export interface RangeDrainOptions {
  brokers: string[];
  topic: string;
  start: StartPosition;
  /** Only records with a timestamp before this (ms). */
  untilMs?: number;
  /** Only records with an offset before this. */
  untilOffset?: number;
  /** Only records with this key. */
  key?: Buffer;
  sink: Sink;
  deadLetters: DeadLetterQueue;
  batchSize?: number;
  signal: AbortSignal;
  backoff?: BackoffPolicy;
  onStatus?: (status: DrainStatus) => void;
  /** Also report the counts this often while all is well (a progress line); default: only state changes. */
  statusIntervalMs?: number;
}

export interface RangeSummary {
  /** Records read in the partitions' ranges. */
  read: number;
  written: number;
  deadLettered: number;
  stoppedBy: 'end' | 'signal';
  partitions: Array<{partition: number; nextOffset: number; highWatermark: number}>;
}

export async function drainRange(options: RangeDrainOptions): Promise<RangeSummary> {
  const {sink, deadLetters, signal} = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  let written = 0;
  let deadLettered = 0;
  let read = 0;
  let current: Pick<DrainStatus, 'state' | 'attempt' | 'retryInMs' | 'error'> = {state: 'ok', attempt: 0};
  const status = (s: typeof current) => {
    current = s;
    options.onStatus?.({type: 'status', time: new Date().toISOString(), sink: sink.name, written, deadLettered, backlog: null, ...s});
  };
  const ticker = options.statusIntervalMs ? setInterval(() => status(current), options.statusIntervalMs) : undefined;
  ticker?.unref();

  const inRange = (r: FetchedRecord) =>
    (options.untilMs === undefined || r.timestamp < options.untilMs) &&
    (options.untilOffset === undefined || r.offset < options.untilOffset) &&
    (options.key === undefined || (r.key !== null && r.key.equals(options.key)));

  /** Writes one batch, waiting out an unavailable sink; false when stopped before it was written. */
  async function write(records: FetchedRecord[]): Promise<boolean> {
    const events = records.map(recordToEvent);
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) return false;
      try {
        if (attempt > 0) await sink.probe?.();
        const done = await deliverBatch(sink, events, deadLetters);
        written += done.written;
        deadLettered += done.deadLettered;
        if (attempt > 0) status({state: 'ok', attempt: 0});
        return true;
      } catch (err) {
        if (!(err instanceof SinkUnavailableError)) throw err;
        const retryInMs = backoffDelay(attempt, backoff, err.retryAfterMs);
        status({state: 'parked', attempt: attempt + 1, retryInMs, error: errorMessage(err)});
        await sleep(retryInMs, signal);
        if (!signal.aborted) status({state: 'retrying', attempt: attempt + 1});
      }
    }
  }

  await sink.start?.();
  // Stop reading once every write went through or the user pressed Ctrl-C.
  const reading = new AbortController();
  const onAbort = () => reading.abort();
  signal.addEventListener('abort', onAbort, {once: true});
  try {
    const summary = await fetchRecords({brokers: options.brokers, topic: options.topic, start: options.start, stopAtEnd: true, signal: reading.signal}, async (records) => {
      const wanted = records.filter(inRange);
      read += wanted.length;
      for (let i = 0; i < wanted.length; i += batchSize) {
        if (!(await write(wanted.slice(i, i + batchSize)))) return;
      }
    });
    return {read, written, deadLettered, stoppedBy: signal.aborted ? 'signal' : 'end', partitions: summary.partitions};
  } finally {
    clearInterval(ticker);
    signal.removeEventListener('abort', onAbort);
  }
}
