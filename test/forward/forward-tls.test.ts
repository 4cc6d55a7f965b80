/**
 * Agent-to-agent forwarding over TLS with a shared CA: the sender checks the receiver's
 * certificate, the receiver requires the sender's. Built from agent-file keys, certificates from openssl.
 */
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {MemoryChannel} from '../../src/channels/memory-channel.js';
import {createForwardSink, createForwardSource, forwardSinkSchema, forwardSourceSchema} from '../../src/forward/config.js';
import {Agent} from '../../src/pipeline/agent.js';
import type {Event} from '../../src/pipeline/event.js';
import {SinkUnavailableError, type Sink} from '../../src/pipeline/sink.js';
import type {Source, SourceContext} from '../../src/pipeline/source.js';
import {tempDir} from '../helpers/broker.js';
import {haveOpenssl, makeCerts, type TestCerts} from '../helpers/certs.js';
import {until} from '../helpers/poll.js';

const line = (i: number) => `line ${i}`;

/** `total` numbered lines in batches of `batch`. */
class Lines implements Source {
  readonly type = 'lines';
  readonly name = 'lines';
  constructor(private readonly total: number) {}
  async run(ctx: SourceContext): Promise<void> {
    for (let i = 0; i < this.total && !ctx.signal.aborted; i += 50) {
      await ctx.deliver(Array.from({length: Math.min(50, this.total - i)}, (_, k) => ({headers: {}, body: Buffer.from(line(i + k))})));
    }
  }
}

/** Keeps what reaches the aggregator. */
class Recording implements Sink {
  readonly type = 'recording';
  readonly name = 'recording';
  readonly bodies: string[] = [];
  async write(events: Event[]): Promise<void> {
    this.bodies.push(...events.map((e) => e.body.toString()));
  }
  async close(): Promise<void> {}
}

const agents: Agent[] = [];
afterEach(async () => {
  for (const a of agents.splice(0).reverse()) await a.stop();
});

async function startAgent(name: string, source: Source, sink: Sink, channel = new MemoryChannel({name: 'mem'})): Promise<Agent> {
  const agent = new Agent({name, sources: [{source, interceptors: [], channels: [channel]}], channels: [channel], sinks: [{sink, channel, batchSize: 100}]}, {drainMs: 2000});
  agents.push(agent);
  await agent.start();
  return agent;
}

describe.runIf(haveOpenssl())('forwarding over TLS', () => {
  let certs: TestCerts;

  beforeAll(async () => {
    certs = await makeCerts(tempDir('forward-tls'));
  });

  /** An aggregator taking TLS senders with certificates of the shared CA only. */
  async function aggregator() {
    const source = createForwardSource('from-collectors', forwardSourceSchema.parse({type: 'forward', port: 0, tls: {cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, clientAuth: 'required'}}));
    const sink = new Recording();
    await startAgent('aggregator', source, sink);
    return {sink, port: (await source.listening).port};
  }

  const sender = (port: number, tls: Record<string, string>) => createForwardSink('to-aggregator', forwardSinkSchema.parse({type: 'forward', host: 'localhost', port, tls}));

  it('a collector with a certificate of the shared CA: every line arrives once', async () => {
    const {sink, port} = await aggregator();
    const collecting = await startAgent('collector', new Lines(1000), sender(port, {ca: certs.ca, cert: certs.clientCert, key: certs.clientKey}));
    await collecting.done;
    await until(async () => sink.bodies.length >= 1000, 'every line at the aggregator');
    expect([...sink.bodies].sort()).toEqual(Array.from({length: 1000}, (_, i) => line(i)).sort());
  });

  it('a sender with a certificate of another CA is refused with a clear error and loses nothing; the aggregator serves the others', async () => {
    const {sink, port} = await aggregator();
    const events: Event[] = [{headers: {}, body: Buffer.from('from a stranger')}];
    const stranger = sender(port, {ca: certs.ca, cert: certs.strangerCert, key: certs.strangerKey});
    await expect(stranger.write(events)).rejects.toThrow(SinkUnavailableError);
    await expect(stranger.write(events)).rejects.toThrow(/^cannot connect to localhost:\d+: TLS: .*(unknown ca|certificate|refuse)/i);
    // Not sent, so not a possible repeat either.
    expect(events[0].redelivered).toBeUndefined();
    const anonymous = sender(port, {ca: certs.ca});
    await expect(anonymous.write(events)).rejects.toThrow(/^cannot connect to localhost:\d+: TLS: .*certificate/i);

    // A receiver whose certificate the sender's CA did not sign is never sent anything.
    const distrustful = sender(port, {ca: certs.otherCa, cert: certs.clientCert, key: certs.clientKey});
    await expect(distrustful.write(events)).rejects.toThrow(/^cannot connect to localhost:\d+: .*(self-signed|unable to verify|certificate)/i);
    for (const s of [stranger, anonymous, distrustful]) await s.close();

    const good = sender(port, {ca: certs.ca, cert: certs.clientCert, key: certs.clientKey});
    await good.write([{headers: {}, body: Buffer.from('from alice')}]);
    await good.close();
    await until(async () => sink.bodies.length >= 1, 'the trusted sender');
    expect(sink.bodies).toEqual(['from alice']);
  });

  it('a collector agent whose certificate is refused keeps its events in the channel', async () => {
    const {sink, port} = await aggregator();
    const channel = new MemoryChannel({name: 'mem'});
    const collecting = await startAgent('collector', new Lines(50), sender(port, {ca: certs.ca, cert: certs.strangerCert, key: certs.strangerKey}), channel);
    const forwardSink = () => collecting.metrics.snapshot().find((c) => c.kind === 'SINK')!;
    // A memory channel hands the source's batch back only once a sink wrote it: it stays, retried.
    await until(async () => (forwardSink().counters.WriteFailedCount ?? 0) >= 2, 'the sink to fail twice');
    expect(channel.fill().events).toBe(50);
    expect(forwardSink().state).toBe('retrying');
    expect(forwardSink().counters.EventDrainSuccessCount ?? 0).toBe(0);
    expect(sink.bodies).toEqual([]);
  });

  it('agent-file keys: tls.cert without tls.key, clientAuth without ca, unknown keys are refused by name', () => {
    expect(JSON.stringify(forwardSinkSchema.safeParse({type: 'forward', host: 'h', port: 1, tls: {ca: 'ca.pem', cert: 'c.pem'}}).error?.issues)).toMatch(/tls\.cert and tls\.key go together/);
    expect(forwardSinkSchema.safeParse({type: 'forward', host: 'h', port: 1, tls: {cert: 'c.pem', key: 'k.pem'}}).success).toBe(false);
    expect(JSON.stringify(forwardSourceSchema.safeParse({type: 'forward', port: 1, tls: {cert: 'c.pem', key: 'k.pem', clientAuth: 'required'}}).error?.issues)).toMatch(/needs tls\.ca/);
    expect(() => createForwardSink('up', forwardSinkSchema.parse({type: 'forward', host: 'h', port: 1, tls: {ca: '/nonexistent/ca.pem'}}))).toThrow(/sinks\.up\.tls\.ca: cannot read \/nonexistent\/ca\.pem/);
  });
});
