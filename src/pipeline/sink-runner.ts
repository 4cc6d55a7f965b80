import {DEFAULT_BACKOFF, backoffDelay, sleep, type BackoffPolicy} from '../lib/backoff.js';
import {LatencyGauges} from '../telemetry/latency.js';
import {errorMessage} from '../lib/errors.js';
import type {ComponentMetrics} from '../telemetry/metrics.js';
import type {Channel} from './channel.js';
import type {Event} from './event.js';
import {SinkDataError, type DeadLetters, type Sink} from './sink.js';

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

/**
 * Moves batches from a channel into a sink, one transaction at a time: commit only once the sink
 * confirmed the write. A failed write is retried with the very same batch after a back-off
 * (capped, exponential), so an idempotent sink (Kafka's idempotent producer) can recognise a
 * batch it already wrote; the batch goes back to the channel only when the runner stops.
 * Returns when the signal aborts.
 */
export async function runSink(sink: Sink, channel: Channel, signal: AbortSignal, options: SinkRunnerOptions): Promise<void> {
  const {metrics, log} = options;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  let failures = 0;
  const latency = new LatencyGauges(metrics);
  metrics.state = 'ok';
  while (!signal.aborted) {
    const tx = await channel.take(options.batchSize, options.pollMs ?? 200);
    if (!tx) continue;
    metrics.count('EventDrainAttemptCount', tx.events.length);
    while (true) {
      try {
        const {written, deadLettered} = await deliverBatch(sink, tx.events, options.deadLetters ?? logAndDrop(log, sink.name));
        await tx.commit();
        latency.record(tx.events.map((e) => e.readAt));
        metrics.count('EventDrainSuccessCount', written);
        if (deadLettered > 0) metrics.count('DeadLetterCount', deadLettered);
        if (metrics.state !== 'ok') log(`sink ${sink.name}: writing again`);
        metrics.state = 'ok';
        failures = 0;
        break;
      } catch (err) {
        const wait = backoffDelay(failures++, backoff);
        if (metrics.state === 'ok') log(`sink ${sink.name}: ${errorMessage(err)}; retrying in ${wait} ms, events wait in channel ${channel.name}`);
        metrics.state = 'retrying';
        metrics.count('WriteFailedCount');
        await sleep(wait, signal);
        if (signal.aborted) {
          await tx.rollback();
          metrics.count('RollbackCount');
          return;
        }
      }
    }
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
export async function deliverBatch(sink: Sink, events: Event[], deadLetters: DeadLetters): Promise<Delivered> {
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
