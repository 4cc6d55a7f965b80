/** `--value-format avro` in front of a sink: a retried batch reaches the sink as the batch it failed. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {AvroValueSink} from '../../src/drain/avro-values.js';
import {makeEvent, type Event} from '../../src/pipeline/event.js';
import {SinkUnavailableError, type Sink} from '../../src/pipeline/sink.js';
import {AvroLineEncoder} from '../../src/registry/avro-encoder.js';
import {startRegistryEmulator, type RegistryEmulator} from '../../src/registry/emulator/index.js';
import {DRIVING_SCHEMA} from '../../src/registry/smartcar-schemas.js';

let registry: RegistryEmulator;
beforeAll(async () => {
  registry = await startRegistryEmulator({port: 0});
});
afterAll(async () => {
  await registry?.stop();
});

/** Fails its first write as a sink that is down; keeps each batch it was given. */
class FailingOnce implements Sink {
  readonly name = 'inner';
  readonly type = 'test';
  readonly maxWritesInFlight = 4;
  batches: Array<readonly Event[]> = [];
  async write(events: readonly Event[]): Promise<void> {
    this.batches.push(events);
    if (this.batches.length === 1) throw new SinkUnavailableError('down');
  }
  async close(): Promise<void> {}
}

describe('AvroValueSink', () => {
  it('hands the sink the same decoded batch when a failed batch is written again (a Kafka sink resends only what was not acknowledged)', async () => {
    const encoder = await AvroLineEncoder.create({registryUrl: registry.url, topic: 'driving', schema: DRIVING_SCHEMA as never});
    const lines = ['20160101000000,X0001,10,0,0,F,0,A', '20160101000001,X0002,20,1,0,F,1,B'];
    const events = lines.map((l) => encoder.encode(makeEvent(l)));
    const inner = new FailingOnce();
    const sink = new AvroValueSink(inner, registry.url);
    await expect(sink.write(events)).rejects.toThrow(SinkUnavailableError);
    await sink.write(events);
    expect(inner.batches).toHaveLength(2);
    expect(inner.batches[1]).toBe(inner.batches[0]);
    expect(inner.batches[1].map((e) => e.body.toString())).toEqual(lines);
    // A new batch is decoded anew.
    await sink.write(events.slice(0, 1));
    expect(inner.batches[2]).not.toBe(inner.batches[0]);
    // And the sink's own number of writes in flight holds behind the decoding.
    expect(sink.maxWritesInFlight).toBe(4);
  });
});
