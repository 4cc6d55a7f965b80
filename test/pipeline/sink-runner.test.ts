import {expect, it} from 'vitest';
import {MemoryChannel} from '../../src/channels/memory-channel.js';
import {makeEvent, type Event} from '../../src/pipeline/event.js';
import {SinkUnavailableError, type Sink} from '../../src/pipeline/sink.js';
import {runSink} from '../../src/pipeline/sink-runner.js';
import {Metrics} from '../../src/telemetry/metrics.js';
import {until} from '../helpers/poll.js';

/** Holds every write open until released, then fails it: a destination that never answered. */
class StalledSink implements Sink {
  readonly name = 'stalled';
  readonly type = 'stalled';
  readonly maxWritesInFlight = 3;
  open = 0;
  private readonly waiting: Array<() => void> = [];

  async write(): Promise<void> {
    this.open++;
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    throw new SinkUnavailableError('no answer');
  }

  async close(): Promise<void> {}

  release(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

it('a runner stopped with several writes in flight gives their events back to the channel in their order', async () => {
  const channel = new MemoryChannel({name: 'c'});
  const events: Event[] = Array.from({length: 30}, (_, i) => makeEvent(`line ${i}`));
  void channel.put(events); // resolves only once taken and committed
  const sink = new StalledSink();
  const stop = new AbortController();
  const running = runSink(sink, channel, stop.signal, {batchSize: 10, metrics: new Metrics().component('SINK', sink.name, sink.type), log: () => undefined});
  await until(() => sink.open === 3, 'three writes in flight');
  stop.abort();
  sink.release();
  await running;
  const tx = await channel.take(30, 0);
  expect(tx?.events.map((e) => e.body.toString())).toEqual(events.map((e) => e.body.toString()));
});
