import net from 'node:net';
import os from 'node:os';
import {afterEach, describe, expect, it} from 'vitest';
import {MemoryChannel} from '../../src/channels/memory-channel.js';
import {forwardSinkSchema, forwardSourceSchema, createForwardSink, createForwardSource} from '../../src/forward/config.js';
import {ForwardSink} from '../../src/forward/forward-sink.js';
import {ForwardSource} from '../../src/forward/forward-source.js';
import {Agent} from '../../src/pipeline/agent.js';
import type {Event} from '../../src/pipeline/event.js';
import {SinkGroup} from '../../src/pipeline/sink-group.js';
import {SinkUnavailableError} from '../../src/pipeline/sink.js';
import type {Source, SourceContext} from '../../src/pipeline/source.js';
import {KafkaSink} from '../../src/sinks/kafka-sink.js';
import {ORIGIN_HEADER} from '../../src/pipeline/origin.js';
import {startBroker} from '../helpers/broker.js';
import {header, readTopic} from '../helpers/kafka.js';

const INODE = 4242;
const line = (i: number) => `line ${i} ${'x'.repeat(i % 40)}`;

/** Numbered lines of one file, delivered in batches; `position` moves only after deliver() resolved. */
class NumberedLines implements Source {
  readonly type = 'numbered';
  position = 0;
  constructor(
    readonly name: string,
    private readonly total: number,
    private readonly batch: number,
  ) {}

  async run(ctx: SourceContext): Promise<void> {
    while (this.position < this.total && !ctx.signal.aborted) {
      const events: Event[] = [];
      for (let i = this.position; i < Math.min(this.total, this.position + this.batch); i++) {
        events.push({headers: {n: String(i)}, body: Buffer.from(line(i)), origin: {file: '/var/log/numbered.log', inode: INODE, offset: i * 100}});
      }
      await ctx.deliver(events);
      this.position += events.length;
    }
  }
}

const agents: Agent[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  // Senders first, so the receivers' last batches drain.
  for (const a of agents.splice(0).reverse()) await a.stop();
  for (const c of cleanups.splice(0)) c();
});

/** ForwardSource -> memory channel -> Kafka: an aggregator. Its acks mean "in Kafka". */
async function aggregator(bootstrap: string, topic: string, redeliveryWindow?: number) {
  const source = new ForwardSource({name: 'from-collectors', port: 0});
  const channel = new MemoryChannel({name: 'mem'});
  const sink = new KafkaSink({name: 'kafka', brokers: [bootstrap], topic, redeliveryWindow});
  const agent = new Agent({name: 'aggregator', sources: [{source, interceptors: [], channels: [channel]}], channels: [channel], sinks: [{sink, channel, batchSize: 100}]});
  agents.push(agent);
  await agent.start();
  return {agent, sink, port: (await source.listening).port};
}

async function collector(source: Source, sink: ForwardSink | SinkGroup) {
  const channel = new MemoryChannel({name: 'mem'});
  const agent = new Agent({name: 'collector', sources: [{source, interceptors: [], channels: [channel]}], channels: [channel], sinks: [{sink, channel, batchSize: 50}]}, {drainMs: 2000});
  agents.push(agent);
  await agent.start();
  return agent;
}

/** A TCP relay to `port` that, once, lets a reply reach the relay and then hangs up on both sides. */
async function ackEatingRelay(port: number): Promise<{port: number; eaten: () => number}> {
  let eaten = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({host: '127.0.0.1', port});
    sockets.add(client).add(upstream);
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => {
      if (eaten > 0) return void client.write(d);
      eaten++;
      client.destroy();
      upstream.destroy();
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    server.close();
    for (const s of sockets) s.destroy();
  });
  return {port: (server.address() as net.AddressInfo).port, eaten: () => eaten};
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** 'line N' of every value Kafka holds more than once. */
function doubled(values: string[]): string[] {
  const seen = new Map<string, number>();
  for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([v]) => v.split(' ').slice(0, 2).join(' '));
}

describe('agent-to-agent forwarding', () => {
  it('a collector forwards to an aggregator that writes to Kafka: every line once, with its headers and the collector host in its origin', async () => {
    const {broker, bootstrap} = await startBroker();
    await broker.createTopic('fwd', 3, {});
    const {port} = await aggregator(bootstrap, 'fwd');
    const source = new NumberedLines('lines', 1000, 70);
    const collecting = await collector(source, new ForwardSink({name: 'to-aggregator', host: '127.0.0.1', port}));
    await collecting.done;
    expect(source.position).toBe(1000);
    const records = await readTopic(bootstrap, 'fwd');
    expect(records.map((r) => r.value!.toString()).sort()).toEqual(Array.from({length: 1000}, (_, i) => line(i)).sort());
    for (const r of records) {
      const n = Number(header(r, 'n'));
      expect(r.value!.toString()).toBe(line(n));
      expect(header(r, ORIGIN_HEADER)).toBe(`${os.hostname()}:${INODE}:${n * 100}`);
    }
    const sink = collecting.metrics.snapshot().find((c) => c.kind === 'SINK')!;
    expect(sink.counters.EventDrainSuccessCount).toBe(1000);
    await broker.close();
  });

  it('names the host that read the line in the origin header, not the aggregator', async () => {
    const {broker, bootstrap} = await startBroker();
    await broker.createTopic('hosts', 1, {});
    const {port} = await aggregator(bootstrap, 'hosts');
    const sink = new ForwardSink({name: 'to-aggregator', host: '127.0.0.1', port});
    const fromElsewhere: Event = {headers: {}, body: Buffer.from('read on collector-7'), origin: {file: '/var/log/a.log', inode: 9, offset: 0, host: 'collector-7'}};
    const fromHere: Event = {headers: {}, body: Buffer.from('read here'), origin: {file: '/var/log/a.log', inode: 9, offset: 20}};
    const generated: Event = {headers: {}, body: Buffer.from('generated'), origin: {id: 'generator-1:17'}};
    await sink.write([fromElsewhere, fromHere, generated]);
    await sink.close();
    expect(fromHere.origin!.host).toBe(os.hostname());
    const records = await readTopic(bootstrap, 'hosts');
    expect(records.map((r) => [r.value!.toString(), header(r, ORIGIN_HEADER)])).toEqual([
      ['read on collector-7', 'collector-7:9:0'],
      ['read here', `${os.hostname()}:9:20`],
      ['generated', 'generator-1:17'],
    ]);
    await broker.close();
  });

  it('a refused connection is unavailability and marks nothing as redelivered', async () => {
    const sink = new ForwardSink({name: 'to-nowhere', host: '127.0.0.1', port: await closedPort()});
    const events: Event[] = [{headers: {}, body: Buffer.from('x')}];
    await expect(sink.write(events)).rejects.toThrow(SinkUnavailableError);
    await expect(sink.write(events)).rejects.toThrow(/cannot connect to 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    await expect(sink.probe()).rejects.toThrow(SinkUnavailableError);
    expect(events[0].redelivered).toBeUndefined();
  });

  it('a batch over the receiver\'s maxFrameBytes is refused with the reason and never delivered', async () => {
    const delivered: Event[] = [];
    const source = new ForwardSource({name: 'small', port: 0, maxFrameBytes: 4096});
    const stop = new AbortController();
    const running = source.run({signal: stop.signal, deliver: async (events) => void delivered.push(...events), count: () => undefined, log: () => undefined});
    const sink = new ForwardSink({name: 'to-small', host: '127.0.0.1', port: (await source.listening).port});
    const big: Event[] = [{headers: {}, body: Buffer.alloc(10_000, 'x')}];
    await expect(sink.write(big)).rejects.toThrow(/refused 1 event\(s\): frame of \d+ bytes exceeds maxFrameBytes 4096/);
    expect(big[0].redelivered).toBeUndefined();
    // The sink reconnects for the next batch.
    await sink.write([{headers: {}, body: Buffer.from('small')}]);
    expect(delivered.map((e) => e.body.toString())).toEqual(['small']);
    await sink.close();
    stop.abort();
    await running;
  });

  it('a receiver that could not put the batch into its channel answers with a NACK, and the batch goes on marked redelivered', async () => {
    const source = new ForwardSource({name: 'failing', port: 0});
    const stop = new AbortController();
    const running = source.run({signal: stop.signal, deliver: async () => Promise.reject(new Error('channel c1 is closed')), count: () => undefined, log: () => undefined});
    const sink = new ForwardSink({name: 'to-failing', host: '127.0.0.1', port: (await source.listening).port});
    const events: Event[] = [{headers: {}, body: Buffer.from('x')}, {headers: {}, body: Buffer.from('y')}];
    await expect(sink.write(events)).rejects.toThrow(/could not put the batch into its channels: channel c1 is closed/);
    expect(events.map((e) => e.redelivered)).toEqual([true, true]);
    await sink.close();
    stop.abort();
    await running;
  });

  it('an unanswered batch is not acknowledged: with a short ack timeout it fails and is marked redelivered', async () => {
    const source = new ForwardSource({name: 'stuck', port: 0});
    const stop = new AbortController();
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const running = source.run({signal: stop.signal, deliver: () => stuck, count: () => undefined, log: () => undefined});
    const sink = new ForwardSink({name: 'to-stuck', host: '127.0.0.1', port: (await source.listening).port, ackTimeoutMs: 200});
    const events: Event[] = [{headers: {}, body: Buffer.from('x')}];
    await expect(sink.write(events)).rejects.toThrow(/did not acknowledge 1 event\(s\) \(no reply within 200 ms\); they may have arrived/);
    expect(events[0].redelivered).toBe(true);
    release();
    stop.abort();
    await running;
  });

  it('a stopping receiver hangs up on idle senders and then refuses them; a taken port is a clear failure', async () => {
    const delivered: string[] = [];
    const source = new ForwardSource({name: 'r1', port: 0});
    const stop = new AbortController();
    const running = source.run({signal: stop.signal, deliver: async (events) => void delivered.push(...events.map((e) => e.body.toString())), count: () => undefined, log: () => undefined});
    const {port} = await source.listening;
    const sink = new ForwardSink({name: 'k1', host: '127.0.0.1', port});
    await sink.write([{headers: {}, body: Buffer.from('before')}]);

    const second = new ForwardSource({name: 'r2', port});
    const failed = second.run({signal: new AbortController().signal, deliver: async () => undefined, count: () => undefined, log: () => undefined});
    await expect(failed).rejects.toThrow(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    await expect(second.listening).rejects.toThrow(/EADDRINUSE/);

    stop.abort();
    await running; // returns although the sender's connection was open
    await expect(sink.write([{headers: {}, body: Buffer.from('after')}])).rejects.toThrow(SinkUnavailableError);
    expect(delivered).toEqual(['before']);
    await sink.close();
  });

  for (const recheck of [true, false]) {
    it(`an acknowledgement lost after the aggregator wrote the batch: failing over, the other aggregator ${recheck ? 'skips what Kafka holds: every line exactly once' : 'with the check off writes it again (the control)'}`, async () => {
      const {broker, bootstrap} = await startBroker();
      await broker.createTopic('lost-ack', 3, {});
      const first = await aggregator(bootstrap, 'lost-ack');
      const second = await aggregator(bootstrap, 'lost-ack', recheck ? undefined : 0);
      const relay = await ackEatingRelay(first.port);
      const toFirst = new ForwardSink({name: 'to-first', host: '127.0.0.1', port: relay.port});
      const toSecond = new ForwardSink({name: 'to-second', host: '127.0.0.1', port: second.port});
      const group = new SinkGroup('failover', [toFirst, toSecond], {processor: 'failover', priorities: new Map([[toFirst, 10], [toSecond, 5]])});
      const source = new NumberedLines('lines', 600, 50);
      const collecting = await collector(source, group);
      await collecting.done;
      expect(relay.eaten()).toBe(1);
      const values = (await readTopic(bootstrap, 'lost-ack')).map((r) => r.value!.toString());
      expect(new Set(values)).toEqual(new Set(Array.from({length: 600}, (_, i) => line(i))));
      if (recheck) {
        expect(doubled(values)).toEqual([]);
        expect(values.length).toBe(600);
        // The whole first batch (50 lines) was in Kafka when its ack was lost.
        expect(second.sink.redeliveredSkipped).toBe(50);
      } else {
        expect(values.length).toBe(650);
        expect(second.sink.redeliveredSkipped).toBe(0);
      }
      await broker.close();
    });
  }
});

describe('forward config', () => {
  it('fills defaults, reads durations and sizes, and refuses unknown keys', () => {
    const sink = forwardSinkSchema.parse({type: 'forward', host: 'aggregator-1', port: 4545, ackTimeout: '30s'});
    expect(sink).toEqual({type: 'forward', host: 'aggregator-1', port: 4545, connectTimeout: 5000, ackTimeout: 30_000});
    const source = forwardSourceSchema.parse({type: 'forward', port: 4545, maxFrameBytes: '16MiB'});
    expect(source).toEqual({type: 'forward', bind: '127.0.0.1', port: 4545, maxFrameBytes: 16 * 1024 * 1024});
    expect(forwardSinkSchema.safeParse({type: 'forward', host: 'a', port: 4545, hostname: 'b'}).success).toBe(false);
    expect(forwardSinkSchema.safeParse({type: 'forward', host: 'a', port: 0}).success).toBe(false);
    expect(forwardSourceSchema.safeParse({type: 'forward', port: 1, maxFrameBytes: 'lots'}).success).toBe(false);
    expect(createForwardSink('k1', sink)).toMatchObject({name: 'k1', type: 'forward'});
    expect(createForwardSource('r1', source)).toMatchObject({name: 'r1', type: 'forward'});
  });
});
