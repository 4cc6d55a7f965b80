import {afterEach, describe, expect, it} from 'vitest';
import {MemoryChannel} from '../../src/channels/memory-channel.js';
import {Agent} from '../../src/pipeline/agent.js';
import {makeEvent, type Event} from '../../src/pipeline/event.js';
import type {Source, SourceContext} from '../../src/pipeline/source.js';
import {SinkUnavailableError, type Sink} from '../../src/pipeline/sink.js';
import {DeadLetterQueue} from '../../src/sinks/dead-letter.js';
import {COLLECTOR_WRITES_IN_FLIGHT, KafkaSink} from '../../src/sinks/kafka-sink.js';
import {freePort} from '../../src/lib/ports.js';
import {startBroker, tempDir} from '../helpers/broker.js';
import {header, readTopic, topicValues} from '../helpers/kafka.js';

/** Delivers numbered lines in batches and remembers how far delivery got (its "position"). */
class CountingSource implements Source {
  readonly type = 'counting';
  position = 0;

  constructor(
    readonly name: string,
    private readonly total: number,
    private readonly batch: number,
    private readonly makeOne: (i: number) => Event = (i) => makeEvent(`line ${i}`, {n: String(i)}),
  ) {}

  async run(ctx: SourceContext): Promise<void> {
    while (this.position < this.total && !ctx.signal.aborted) {
      const end = Math.min(this.total, this.position + this.batch);
      const events: Event[] = [];
      for (let i = this.position; i < end; i++) events.push(this.makeOne(i));
      await ctx.deliver(events);
      this.position = end;
    }
  }
}

/**
 * Reads ahead like the file sources: up to `pending` batches handed over before the first is
 * safe. `position` moves over a batch only once it and every earlier one were delivered.
 */
class ReadAheadSource implements Source {
  readonly type = 'read-ahead';
  position = 0;

  constructor(
    readonly name: string,
    private readonly total: number,
    private readonly batch: number,
    private readonly pending: number,
  ) {}

  async run(ctx: SourceContext): Promise<void> {
    const deliveries: Array<{end: number; delivered: Promise<void>}> = [];
    for (let start = 0; start < this.total && !ctx.signal.aborted; start += this.batch) {
      const end = Math.min(this.total, start + this.batch);
      const events: Event[] = [];
      for (let i = start; i < end; i++) events.push(makeEvent(`line ${i}`));
      deliveries.push({end, delivered: ctx.deliver(events)});
      while (deliveries.length >= this.pending) await this.settleOldest(deliveries);
    }
    while (deliveries.length > 0) await this.settleOldest(deliveries);
  }

  private async settleOldest(deliveries: Array<{end: number; delivered: Promise<void>}>): Promise<void> {
    const {end, delivered} = deliveries.shift()!;
    await delivered;
    this.position = end;
    this.onPosition?.(end);
  }

  onPosition?: (position: number) => void;
}

/**
 * Takes several writes at once and finishes them in a scrambled order; the first attempt of the
 * write holding line `failLine` fails. Remembers which lines it stored.
 */
class ScramblingSink implements Sink {
  readonly type = 'scrambling';
  readonly name = 'scrambling';
  readonly maxWritesInFlight = 5;
  readonly stored = new Set<number>();
  readonly attempts = new Map<Event[], number>();
  open = 0;
  mostOpen = 0;

  constructor(private readonly failLine: number) {}

  async write(events: Event[]): Promise<void> {
    this.attempts.set(events, (this.attempts.get(events) ?? 0) + 1);
    this.mostOpen = Math.max(this.mostOpen, ++this.open);
    try {
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 15)));
      const lines = events.map((e) => Number(e.body.toString().split(' ')[1]));
      if (lines.includes(this.failLine) && this.attempts.get(events) === 1) throw new SinkUnavailableError('refused once, as a test');
      for (const n of lines) this.stored.add(n);
    } finally {
      this.open--;
    }
  }

  async close(): Promise<void> {}
}

const agents: Agent[] = [];
afterEach(async () => {
  for (const a of agents.splice(0)) await a.stop();
});

async function kafkaAgent(bootstrap: string, source: Source, options: {dlq?: string; capacity?: number; idempotent?: boolean} = {}): Promise<Agent> {
  const channel = new MemoryChannel({name: 'mem', capacityEvents: options.capacity ?? 1000});
  const deadLetters = options.dlq ? new DeadLetterQueue([bootstrap], options.dlq) : undefined;
  const sink = new KafkaSink({name: 'kafka', brokers: [bootstrap], topic: 'logs', key: (e) => Buffer.from(e.headers.n ?? ''), idempotent: options.idempotent});
  const agent = new Agent({name: 'a1', sources: [{source, interceptors: [], channels: [channel]}], channels: [channel], sinks: [{sink, channel, batchSize: 100, deadLetters}]});
  agents.push(agent);
  await agent.start();
  return agent;
}

describe('agent: source -> memory channel -> Kafka sink', () => {
  it('delivers every event once, with its headers, and the source position follows the acknowledgements', async () => {
    const {broker, bootstrap} = await startBroker();
    await broker.createTopic('logs', 3, {});
    const source = new CountingSource('numbers', 2500, 70);
    const agent = await kafkaAgent(bootstrap, source);
    await agent.done;
    expect(source.position).toBe(2500);
    const records = await readTopic(bootstrap, 'logs');
    expect(records.map((r) => r.value!.toString()).sort()).toEqual(Array.from({length: 2500}, (_, i) => `line ${i}`).sort());
    expect(records.every((r) => header(r, 'n') === r.key!.toString())).toBe(true);
    agent.sampleChannels();
    const snap = agent.metrics.snapshot();
    expect(snap.find((c) => c.kind === 'SOURCE')!.counters.EventAcceptedCount).toBe(2500);
    expect(snap.find((c) => c.kind === 'SINK')!.counters.EventDrainSuccessCount).toBe(2500);
    expect(snap.find((c) => c.kind === 'CHANNEL')!.counters.ChannelSize).toBe(0);
    await broker.close();
  });

  it('sends rejected and oversized events to the dead-letter topic with their origin', async () => {
    const {broker, bootstrap} = await startBroker();
    await broker.createTopic('logs', 1, {});
    const source = new CountingSource('mixed', 3, 3, (i) => {
      if (i === 1) return {headers: {}, body: Buffer.from([0xff, 0x00, 0xfe]), origin: {file: '/var/log/a.log', inode: 42, offset: 1234}, rejected: 'invalid UTF-8'};
      if (i === 2) return makeEvent(Buffer.alloc(2_000_000, 'x'), {n: '2'}, {file: '/var/log/a.log', inode: 42, offset: 2000});
      return makeEvent('fine', {n: '0'});
    });
    const agent = await kafkaAgent(bootstrap, source, {dlq: 'logs.dlq'});
    await agent.done;
    expect(await topicValues(bootstrap, 'logs')).toEqual(['fine']);
    const dead = await readTopic(bootstrap, 'logs.dlq');
    expect(dead.map((r) => [header(r, 'dlq.reason'), header(r, 'dlq.file'), header(r, 'dlq.inode'), header(r, 'dlq.byte-offset')])).toEqual([
      ['invalid UTF-8', '/var/log/a.log', '42', '1234'],
      [expect.stringMatching(/exceeds/), '/var/log/a.log', '42', '2000'],
    ]);
    expect(dead[0].value).toEqual(Buffer.from([0xff, 0x00, 0xfe]));
    await broker.close();
  });

  it('holds events while Kafka is down, the source waiting, and delivers them once it is back', async () => {
    const dataDir = tempDir('agent-outage');
    // Restarted on the same port: one outside the ephemeral range, which an outgoing connection could take meanwhile.
    const port = await freePort();
    let {broker, bootstrap} = await startBroker({dataDir, port});
    await broker.createTopic('logs', 2, {});
    const source = new CountingSource('numbers', 3000, 50);
    const agent = await kafkaAgent(bootstrap, source, {capacity: 200});
    // Stop the broker mid-stream; the source must stall below the total, not run ahead.
    while (source.position < 500) await new Promise((r) => setTimeout(r, 5));
    await broker.close();
    const stalledAt = source.position;
    await new Promise((r) => setTimeout(r, 1500));
    expect(source.position).toBeLessThan(3000);
    expect(source.position - stalledAt).toBeLessThanOrEqual(200 + 50);
    ({broker, bootstrap} = await startBroker({dataDir, port}));
    await agent.done;
    const values = await topicValues(bootstrap, 'logs');
    // A batch whose acknowledgement was lost is retried by the same idempotent producer: the
    // broker recognises it, so nothing is doubled.
    expect(values.length).toBe(3000);
    expect(new Set(values).size).toBe(3000);
    await broker.close();
  });

  it('a sink with several writes in flight: the position never passes a line not yet stored, a failed write goes again with the same batch', async () => {
    const source = new ReadAheadSource('numbers', 3000, 50, 8);
    const sink = new ScramblingSink(1234);
    const passed: number[] = [];
    source.onPosition = (position) => {
      for (let n = 0; n < position; n++) if (!sink.stored.has(n)) passed.push(n);
    };
    const channel = new MemoryChannel({name: 'mem', capacityEvents: 1000});
    const agent = new Agent({name: 'a1', sources: [{source, interceptors: [], channels: [channel]}], channels: [channel], sinks: [{sink, channel, batchSize: 60}]}, {log: () => undefined});
    agents.push(agent);
    await agent.start();
    await agent.done;
    expect(source.position).toBe(3000);
    expect(passed).toEqual([]);
    expect(sink.stored.size).toBe(3000);
    expect(sink.mostOpen).toBeGreaterThan(1);
    // The failed write was retried with the very batch it had (an idempotent sink recognises it).
    expect([...sink.attempts.values()].filter((n) => n === 2)).toEqual([2]);
    expect(agent.metrics.snapshot().find((c) => c.kind === 'SINK')?.counters.WriteFailedCount).toBe(1);
  });

  it('with several writes in flight and Kafka going down mid-stream, every line arrives once and in order within its partition', async () => {
    const dataDir = tempDir('agent-outage-pipelined');
    // Restarted on the same port: one outside the ephemeral range, which an outgoing connection could take meanwhile.
    const port = await freePort();
    let {broker, bootstrap} = await startBroker({dataDir, port});
    await broker.createTopic('logs', 3, {});
    const source = new ReadAheadSource('numbers', 6000, 50, 8);
    const channel = new MemoryChannel({name: 'mem', capacityEvents: 1000});
    // No key: each write goes to one partition, the next write to the next one (sticky).
    // A short delivery timeout: the outage fails writes, so the sink's own recovery runs (not only the producer's retries).
    const sink = new KafkaSink({name: 'kafka', brokers: [bootstrap], topic: 'logs', writesInFlight: COLLECTOR_WRITES_IN_FLIGHT, deliveryTimeoutMs: 300});
    const agent = new Agent({name: 'a1', sources: [{source, interceptors: [], channels: [channel]}], channels: [channel], sinks: [{sink, channel, batchSize: 100}]});
    agents.push(agent);
    await agent.start();
    while (source.position < 1000) await new Promise((r) => setTimeout(r, 2));
    await broker.close();
    // Acknowledgements received before the close settle first.
    await new Promise((r) => setTimeout(r, 300));
    const stalledAt = source.position;
    await new Promise((r) => setTimeout(r, 1000));
    // Nothing is acknowledged while Kafka is down: the position stays where it was.
    expect(source.position).toBe(stalledAt);
    ({broker, bootstrap} = await startBroker({dataDir, port}));
    await agent.done;
    expect(agent.metrics.snapshot().find((c) => c.kind === 'SINK')?.counters.WriteFailedCount).toBeGreaterThan(0);
    expect(source.position).toBe(6000);
    const records = await readTopic(bootstrap, 'logs');
    const values = records.map((r) => r.value!.toString());
    expect(values.length).toBe(6000);
    expect(new Set(values).size).toBe(6000);
    for (const partition of [0, 1, 2]) {
      const numbers = records
        .filter((r) => r.partition === partition)
        .sort((a, b) => a.offset - b.offset)
        .map((r) => Number(r.value!.toString().split(' ')[1]));
      expect(numbers, `partition ${partition}`).toEqual([...numbers].sort((a, b) => a - b));
    }
    await broker.close();
  });
});
