import {describe, expect, it} from 'vitest';
import {LatencyGauges} from '../../src/telemetry/latency.js';
import {Metrics} from '../../src/telemetry/metrics.js';

describe('latency gauges', () => {
  it('publish p50 and p99 of the recent events, at most once a second', () => {
    const sink = new Metrics().component('SINK', 'kafka', 'kafka');
    const gauges = new LatencyGauges(sink);
    const now = 1_000_000;
    // 100 events: 98 took 5 ms, one 40 ms, one 300 ms; one without a start time is not counted.
    gauges.record([...Array(98).fill(now - 5), now - 40, now - 300, undefined], (start) => start, now);
    expect(sink.counters).toMatchObject({LatencyP50Ms: 5, LatencyP99Ms: 40});
    gauges.record([now - 900], (start) => start, now + 10);
    expect(sink.counters.LatencyP99Ms).toBe(40);
    gauges.record([], (start) => start, now + 1000);
    expect(sink.counters.LatencyP99Ms).toBe(300);
  });
});
