import {describe, expect, it} from 'vitest';
import {MemoryChannel} from '../../src/channels/memory-channel.js';
import {makeEvent, type Event} from '../../src/pipeline/event.js';
import {route} from '../../src/pipeline/selector.js';
import {SinkGroup} from '../../src/pipeline/sink-group.js';
import {SinkDataError, SinkUnavailableError, type Sink} from '../../src/pipeline/sink.js';
import {freePort} from '../../src/lib/ports.js';
import {COLLECTOR_WRITES_IN_FLIGHT, KafkaSink} from '../../src/sinks/kafka-sink.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {readTopic} from '../helpers/kafka.js';

/** A destination that keeps what it was given, and can be switched off. */
class Destination implements Sink {
  readonly type = 'test';
  got: string[] = [];
  down = false;
  constructor(readonly name: string) {}
  async write(events: Event[]): Promise<void> {
    if (this.down) throw new SinkUnavailableError(`${this.name} is down`);
    this.got.push(...events.map((e) => e.body.toString()));
  }
  async close(): Promise<void> {}
}

const batch = (...bodies: string[]) => bodies.map((b) => makeEvent(b));

describe('channel selectors', () => {
  it('multiplexing sends each event to the channels mapped to its header value, else to the default', () => {
    const [a, b, d] = [new MemoryChannel({name: 'a'}), new MemoryChannel({name: 'b'}), new MemoryChannel({name: 'd'})];
    const events = [makeEvent('1', {logType: 'driving'}), makeEvent('2', {logType: 'status'}), makeEvent('3'), makeEvent('4', {logType: 'driving'})];
    const routed = route(events, [a, b, d], {type: 'multiplexing', header: 'logType', mapping: new Map([['driving', [a]], ['status', [a, b]]]), default: [d], optional: [b]});
    const byName = Object.fromEntries(routed.map((r) => [r.channel.name, {bodies: r.events.map((e) => e.body.toString()), optional: r.optional}]));
    expect(byName).toEqual({a: {bodies: ['1', '2', '4'], optional: false}, b: {bodies: ['2'], optional: true}, d: {bodies: ['3'], optional: false}});
  });

  it('replicating sends every event to every channel', () => {
    const [a, b] = [new MemoryChannel({name: 'a'}), new MemoryChannel({name: 'b'})];
    const routed = route(batch('x', 'y'), [a, b], {type: 'replicating', optional: [b]});
    expect(routed.map((r) => [r.channel.name, r.events.length, r.optional])).toEqual([['a', 2, false], ['b', 2, true]]);
  });
});

describe('sink groups', () => {
  it('failover: the highest priority writes; when it fails the next takes the same batch, and it takes over again once back', async () => {
    const [primary, backup] = [new Destination('primary'), new Destination('backup')];
    const group = new SinkGroup('g', [backup, primary], {processor: 'failover', priorities: new Map([[primary, 10], [backup, 5]])}, {initialMs: 0, maxMs: 0});
    await group.write(batch('1'));
    primary.down = true;
    await group.write(batch('2', '3'));
    primary.down = false;
    await group.write(batch('4'));
    expect(primary.got).toEqual(['1', '4']);
    expect(backup.got).toEqual(['2', '3']);
  });

  it('failover with a Kafka sink: once Kafka is back, the Kafka sink writes again (the batch the backup took is not held against it)', async () => {
    const dataDir = tempDir('sink-group-kafka');
    // Restarted on the same port: one from outside the kernel's ephemeral range, which no outgoing connection takes meanwhile.
    const port = await freePort();
    let {broker, bootstrap} = await startBroker({dataDir, port});
    await broker.createTopic('logs', 1, {});
    // As an agent's kafka sink: several writes in flight, so a failed batch blocks later ones until it is retried.
    const kafka = new KafkaSink({name: 'kafka', brokers: [bootstrap], topic: 'logs', writesInFlight: COLLECTOR_WRITES_IN_FLIGHT, deliveryTimeoutMs: 300});
    const backup = new Destination('backup');
    const group = new SinkGroup('g', [kafka, backup], {processor: 'failover', priorities: new Map<Sink, number>([[kafka, 10], [backup, 5]])}, {initialMs: 0, maxMs: 0});
    try {
      await group.start();
      await group.write(batch('1'));
      await broker.close();
      await group.write(batch('2'));
      ({broker, bootstrap} = await startBroker({dataDir, port}));
      await group.write(batch('3'));
      await group.write(batch('4'));
      expect(backup.got).toEqual(['2']);
      expect((await readTopic(bootstrap, 'logs')).map((r) => r.value!.toString())).toEqual(['1', '3', '4']);
    } finally {
      await group.close();
      await broker.close();
    }
  });

  it('failover: a failed sink sits out its penalty while another is healthy', async () => {
    const [primary, backup] = [new Destination('primary'), new Destination('backup')];
    const group = new SinkGroup('g', [primary, backup], {processor: 'failover', priorities: new Map([[primary, 10], [backup, 5]])}, {initialMs: 60_000, maxMs: 60_000});
    primary.down = true;
    await group.write(batch('1'));
    primary.down = false;
    await group.write(batch('2'));
    expect(backup.got).toEqual(['1', '2']);
    expect(primary.got).toEqual([]);
  });

  it('load_balance round_robin: healthy sinks take turns; a failing one is skipped without losing its batch', async () => {
    const sinks = [new Destination('a'), new Destination('b'), new Destination('c')];
    const group = new SinkGroup('g', sinks, {processor: 'load_balance', selector: 'round_robin'}, {initialMs: 60_000, maxMs: 60_000});
    for (let i = 0; i < 6; i++) await group.write(batch(String(i)));
    expect(sinks.map((s) => s.got.length)).toEqual([2, 2, 2]);
    sinks[1].down = true;
    for (let i = 6; i < 12; i++) await group.write(batch(String(i)));
    expect(sinks[1].got.length).toBe(2);
    expect(sinks.flatMap((s) => s.got).sort((x, y) => Number(x) - Number(y))).toEqual(Array.from({length: 12}, (_, i) => String(i)));
  });

  it('fails only when every sink failed, and passes a data error through untouched', async () => {
    const [a, b] = [new Destination('a'), new Destination('b')];
    const group = new SinkGroup('g', [a, b], {processor: 'load_balance', selector: 'random'});
    a.down = b.down = true;
    await expect(group.write(batch('1'))).rejects.toThrow(/every sink of group g failed: .*a is down.*b is down|every sink of group g failed: .*b is down.*a is down/);
    const refusing: Sink = {name: 'r', type: 'test', write: async () => Promise.reject(new SinkDataError([{index: 0, reason: 'bad'}])), close: async () => {}};
    const g2 = new SinkGroup('g2', [refusing, new Destination('c')], {processor: 'failover', priorities: new Map([[refusing, 1]])});
    await expect(g2.write(batch('1'))).rejects.toBeInstanceOf(SinkDataError);
  });
});
