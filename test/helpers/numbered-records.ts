import {openProducer} from '../../src/client/producer.js';
import type {Event} from '../../src/pipeline/event.js';
import type {Sink} from '../../src/pipeline/sink.js';

/** rec-FROM .. rec-(TO-1): the values produceNumbered writes. */
export function numberedValues(from: number, to: number): string[] {
  return Array.from({length: to - from}, (_, i) => `rec-${from + i}`);
}

/** Writes rec-FROM .. rec-(TO-1) with acks=all, keyed k0..k59 so that they spread over every partition. */
export async function produceNumbered(bootstrap: string, topic: string, from: number, to: number): Promise<void> {
  const producer = await openProducer(topic, {brokers: [bootstrap], acks: 'all'});
  await producer.send(numberedValues(from, to).map((value, i) => ({key: Buffer.from(`k${(from + i) % 60}`), value: Buffer.from(value)})));
  await producer.flush();
  await producer.close();
}

/**
 * A sink that keeps the value of every event written to it; each write takes `delayMs` more until
 * fast() (a drain slow enough to be caught mid-read by a rebalance).
 */
export function recordingSink(delayMs = 0): {sink: Sink; seen: Set<string>; fast(): void} {
  const seen = new Set<string>();
  let delay = delayMs;
  const sink: Sink = {
    name: 'memory',
    type: 'memory',
    async write(events: readonly Event[]) {
      for (const e of events) seen.add(e.body.toString());
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    },
    async close() {},
  };
  return {sink, seen, fast: () => (delay = 0)};
}
