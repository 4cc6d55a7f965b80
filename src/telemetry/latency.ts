import type {ComponentMetrics} from './metrics.js';

const SAMPLES = 2048;
const EVERY_MS = 1000;

/**
 * End-to-end latency of the last events through a sink (line read -> Kafka acknowledged, or
 * record appended -> sink confirmed), published as the LatencyP50Ms and LatencyP99Ms gauges of
 * the sink's metrics. Keeps the last SAMPLES values; recomputes at most once a second.
 */
export class LatencyGauges {
  private readonly samples = new Float64Array(SAMPLES);
  private count = 0;
  private computedAt = 0;

  constructor(private readonly metrics: ComponentMetrics | undefined) {}

  /** Adds `now - start` for each event of a write (start: ms since the epoch; none: not counted). */
  record<T>(events: readonly T[], startOf: (event: T) => number | undefined, now = Date.now()): void {
    if (!this.metrics) return;
    for (let i = 0; i < events.length; i++) {
      const start = startOf(events[i]);
      if (start !== undefined) this.samples[this.count++ % SAMPLES] = Math.max(0, now - start);
    }
    if (this.count === 0 || now - this.computedAt < EVERY_MS) return;
    this.computedAt = now;
    const sorted = this.samples.slice(0, Math.min(this.count, SAMPLES)).sort();
    this.metrics.set('LatencyP50Ms', sorted[Math.ceil(sorted.length * 0.5) - 1]);
    this.metrics.set('LatencyP99Ms', sorted[Math.ceil(sorted.length * 0.99) - 1]);
  }
}
