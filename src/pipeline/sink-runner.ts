import {Backoff, sleep} from '../lib/backoff.js';
import {errorMessage} from '../lib/errors.js';
import type {ComponentMetrics} from '../telemetry/metrics.js';
import type {Channel} from './channel.js';
import type {Sink} from './sink.js';

export interface SinkRunnerOptions {
  batchSize: number;
  /** How long a take waits for the first event before looking at the stop signal again. */
  pollMs?: number;
  backoff?: Backoff;
  metrics: ComponentMetrics;
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
  const backoff = options.backoff ?? new Backoff(100, 10_000);
  metrics.state = 'ok';
  while (!signal.aborted) {
    const tx = await channel.take(options.batchSize, options.pollMs ?? 200);
    if (!tx) continue;
    metrics.count('EventDrainAttemptCount', tx.events.length);
    while (true) {
      try {
        await sink.write(tx.events);
        await tx.commit();
        metrics.count('EventDrainSuccessCount', tx.events.length);
        if (metrics.state !== 'ok') log(`sink ${sink.name}: writing again`);
        metrics.state = 'ok';
        backoff.reset();
        break;
      } catch (err) {
        const wait = backoff.next();
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
