import {DEFAULT_BACKOFF, backoffDelay, sleep, type BackoffPolicy} from '../lib/backoff.js';
import {LatencyGauges} from '../telemetry/latency.js';
import {errorMessage} from '../lib/errors.js';
import type {ComponentMetrics} from '../telemetry/metrics.js';
import type {Channel, Transaction} from './channel.js';
import type {Event} from './event.js';
import {SinkDataError, retryAfterOf, type DeadLetters, type Sink} from './sink.js';

export interface SinkRunnerOptions {
  batchSize: number;
  /** How long a take waits for the first event before looking at the stop signal again. */
  pollMs?: number;
  backoff?: BackoffPolicy;
  metrics: ComponentMetrics;
  /** For events the sink refuses for their content; without, they are logged and dropped. */
  deadLetters?: DeadLetters;
  log: (line: string) => void;
}

/** A batch taken from the channel and handed to the sink. */
interface Write {
  tx: Transaction;
  outcome: Promise<{done: Delivered} | {err: unknown}>;
}

/**
 * Moves batches from a channel into a sink, committing each only once the sink confirmed it and
 * every batch taken before it: a sink may have several writes in flight (Sink.maxWritesInFlight),
 * they are still committed in the order taken. A failed write is retried with the very same
 * batch after a back-off (capped, exponential), so an idempotent sink (Kafka's idempotent
 * producer) can recognise a batch it already wrote; later batches wait for it, and no new batch is
 * taken until every write in flight was confirmed. When the runner
 * stops, the writes in flight finish; those confirmed are committed, the rest go back to the
 * channel. Returns when the signal aborts.
 */
export async function runSink(sink: Sink, channel: Channel, signal: AbortSignal, options: SinkRunnerOptions): Promise<void> {
  const {metrics, log} = options;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const deadLetters = options.deadLetters ?? logAndDrop(log, sink.name);
  const maxInFlight = Math.max(1, sink.maxWritesInFlight ?? 1);
  const writes: Write[] = [];
  /** After a failure no new batch is taken until every write in flight is confirmed. */
  let held = false;
  let failures = 0;
  const latency = new LatencyGauges(metrics);
  metrics.state = 'ok';

  const start = (tx: Transaction): Write['outcome'] =>
    deliverBatch(sink, tx.events, deadLetters).then(
      (done) => ({done}),
      (err: unknown) => ({err}),
    );

  /** Waits for the oldest write, retrying it until it is written; false when stopped first. */
  async function confirmOldest(): Promise<boolean> {
    const {tx, outcome} = writes[0];
    let result = await outcome;
    for (;;) {
      if ('done' in result) {
        try {
          await tx.commit();
          break;
        } catch (err) {
          result = {err};
        }
      }
      held = true;
      const wait = backoffDelay(failures++, backoff, retryAfterOf(result.err));
      if (metrics.state === 'ok') log(`sink ${sink.name}: ${errorMessage(result.err)}; retrying in ${wait} ms, events wait in channel ${channel.name}`);
      metrics.state = 'retrying';
      metrics.count('WriteFailedCount');
      await sleep(wait, signal);
      if (signal.aborted) return false;
      result = await start(tx);
    }
    writes.shift();
    latency.record(tx.events, (e) => e.readAt);
    metrics.count('EventDrainSuccessCount', result.done.written);
    if (result.done.deadLettered > 0) metrics.count('DeadLetterCount', result.done.deadLettered);
    if (metrics.state !== 'ok') log(`sink ${sink.name}: writing again`);
    metrics.state = 'ok';
    failures = 0;
    return true;
  }

  while (!signal.aborted) {
    if (writes.length === 0) held = false;
    if (writes.length < maxInFlight && !held) {
      // With writes in flight, take only what is there already, else wait for the oldest.
      const tx = await channel.take(options.batchSize, writes.length > 0 ? 0 : (options.pollMs ?? 200), signal);
      if (tx) {
        metrics.count('EventDrainAttemptCount', tx.events.length);
        writes.push({tx, outcome: start(tx)});
        continue;
      }
      if (writes.length === 0) continue;
    }
    if (!(await confirmOldest())) break;
  }
  // Stopping: what was confirmed is committed, in order; the rest goes back to the channel,
  // newest first, as each rollback puts its events back in front of what the channel holds.
  let confirmed = 0;
  for (const {tx, outcome} of writes) {
    const result = await outcome;
    if (!('done' in result) || !(await tx.commit().then(() => true, () => false))) break;
    metrics.count('EventDrainSuccessCount', result.done.written);
    if (result.done.deadLettered > 0) metrics.count('DeadLetterCount', result.done.deadLettered);
    confirmed++;
  }
  for (const {tx, outcome} of writes.slice(confirmed).reverse()) {
    await outcome;
    await tx.rollback();
    metrics.count('RollbackCount');
  }
}

export interface Delivered {
  written: number;
  deadLettered: number;
}

/**
 * Writes a batch to the sink; events it refused for their content go to the dead letters.
 * Resolves once every event is either in the sink or acknowledged as a dead letter: only then
 * may the batch be committed. Other errors (SinkUnavailableError, fatal ones) pass through.
 */
export async function deliverBatch(sink: Sink, events: readonly Event[], deadLetters: DeadLetters): Promise<Delivered> {
  try {
    await sink.write(events);
    return {written: events.length, deadLettered: 0};
  } catch (err) {
    if (!(err instanceof SinkDataError)) throw err;
    await deadLetters.send(err.rejected.map((r) => ({event: events[r.index], reason: r.reason})));
    return {written: events.length - err.rejected.length, deadLettered: err.rejected.length};
  }
}

function logAndDrop(log: (line: string) => void, sinkName: string): DeadLetters {
  return {
    send: async (letters) => {
      for (const {reason} of letters) log(`sink ${sinkName}: dropped a refused event (${reason}); configure a dead-letter topic to keep them`);
    },
  };
}
