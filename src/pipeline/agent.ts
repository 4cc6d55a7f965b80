import {settlesWithin, sleep} from '../lib/backoff.js';
import {UserError, errorMessage, permissionDenied} from '../lib/errors.js';
import {Metrics} from '../telemetry/metrics.js';
import type {Channel} from './channel.js';
import type {Event} from './event.js';
import {applyInterceptors, type Interceptor} from './interceptor.js';
import {route, type ChannelSelector} from './selector.js';
import {runSink} from './sink-runner.js';
import type {DeadLetters, Sink} from './sink.js';
import type {Source} from './source.js';

export interface SourceBinding {
  source: Source;
  interceptors: Interceptor[];
  channels: Channel[];
  /** Which of the channels each event goes to (default: all of them, Flume's replicating). */
  selector?: ChannelSelector;
}

export interface SinkBinding {
  sink: Sink;
  channel: Channel;
  batchSize: number;
  /** Where events the sink refuses for their content go (default: logged and dropped). */
  deadLetters?: DeadLetters & {close?(): Promise<void>};
}

export interface AgentSpec {
  name: string;
  sources: SourceBinding[];
  channels: Channel[];
  sinks: SinkBinding[];
}

/** After drainMs ran out, how long each remaining stop step still gets. */
const STEP_MS = 1000;

export interface AgentOptions {
  log?: (line: string) => void;
  /** After the sources stopped, how long sinks may keep draining the channels (default 10 s). */
  drainMs?: number;
}

/**
 * Runs sources, channels and sinks as one Flume-style agent. stop() stops the sources first,
 * lets the sinks drain what the channels hold, then stops the sinks and closes the channels;
 * a source whose events never reached safety keeps its old position and reads them again.
 */
export class Agent {
  readonly metrics = new Metrics();
  private readonly sourcesStop = new AbortController();
  private readonly sinksStop = new AbortController();
  private readonly log: (line: string) => void;
  private sourceRuns: Promise<void>[] = [];
  private sinkRuns: Promise<void>[] = [];
  private failure?: Error;
  private stopping?: Promise<void>;
  private stopRequested!: () => void;
  private readonly stopRequest = new Promise<void>((resolve) => (this.stopRequested = resolve));
  /** Settles when every source ended by itself (finite sources) or after stop(). */
  done!: Promise<void>;

  constructor(
    readonly spec: AgentSpec,
    private readonly options: AgentOptions = {},
  ) {
    this.log = options.log ?? (() => undefined);
  }

  async start(): Promise<void> {
    for (const {sink} of this.spec.sinks) await sink.start?.();
    this.sinkRuns = this.spec.sinks.map(({sink, channel, batchSize, deadLetters}) =>
      runSink(sink, channel, this.sinksStop.signal, {batchSize, deadLetters, metrics: this.metrics.component('SINK', sink.name, sink.type), log: this.log}),
    );
    this.sourceRuns = this.spec.sources.map((binding) => this.runSource(binding));
    this.done = Promise.all(this.sourceRuns).then(() => undefined);
  }

  private async runSource({source, interceptors, channels, selector}: SourceBinding): Promise<void> {
    const metrics = this.metrics.component('SOURCE', source.name, source.type);
    metrics.state = 'ok';
    try {
      await source.run({
        signal: this.sourcesStop.signal,
        count: (counter, n) => metrics.count(counter, n),
        log: (line) => this.log(`source ${source.name}: ${line}`),
        deliver: async (events: readonly Event[]) => {
          metrics.count('EventReceivedCount', events.length);
          const kept = applyInterceptors(interceptors, events);
          // Counted now: a line the interceptors kept but a stop caught before the channel took it is not filtered.
          if (kept.length < events.length) metrics.count('EventFilteredCount', events.length - kept.length);
          const required: Array<Promise<void>> = [];
          for (const {channel, events: some, optional} of route(kept, channels, selector)) {
            const put = channel.put(some);
            // An optional channel is not waited for; losing its copy is only counted.
            if (optional) put.catch(() => metrics.count('OptionalChannelPutFailedCount', some.length));
            else required.push(put);
          }
          await Promise.all(required);
          metrics.count('EventAcceptedCount', kept.length);
        },
      });
      metrics.state = 'stopped';
    } catch (err) {
      metrics.state = 'failed';
      if (!this.sourcesStop.signal.aborted) {
        const usersToFix = err instanceof UserError ? err : permissionDenied(err);
        const failure = usersToFix ? new UserError(`source ${source.name}: ${usersToFix.message}`, usersToFix.hint) : new Error(`source ${source.name} failed: ${errorMessage(err)}`, {cause: err});
        this.failure ??= failure;
        // A source the user has to fix (a port in use, a missing directory, a directory of another
        // user's) stops the agent at once and the command says why; any other failure stops only
        // that source, said here.
        if (usersToFix) void this.stop();
        else this.log(failure.message);
      }
    }
  }

  /** The first source failure, if any (a failed source stops only itself). */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Channel fill levels as gauges, for snapshots. */
  sampleChannels(): void {
    for (const channel of this.spec.channels) {
      const fill = channel.fill();
      const m = this.metrics.component('CHANNEL', channel.name, channel.constructor.name);
      m.set('ChannelSize', fill.events);
      m.set('ChannelBytes', fill.bytes);
      m.set('ChannelCapacity', fill.capacityEvents);
      m.set('ChannelFillPercentage', Math.round((100 * Math.max(fill.events / fill.capacityEvents, fill.bytes / fill.capacityBytes)) * 10) / 10);
    }
  }

  stop(): Promise<void> {
    this.stopRequested();
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  /**
   * After start(): runs until every source ended or `signal` aborts, then stops. A source still
   * waiting on a delivery that cannot finish does not hold the stop up (shutdown is bounded).
   */
  async runUntil(signal: AbortSignal): Promise<void> {
    const stop = () => void this.stop();
    signal.addEventListener('abort', stop, {once: true});
    if (signal.aborted) stop();
    try {
      await Promise.race([this.done, this.stopRequest]);
      await this.stop();
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  private async shutdown(): Promise<void> {
    this.sourcesStop.abort();
    const drainMs = this.options.drainMs ?? 10_000;
    const deadline = Date.now() + drainMs;
    // What is left of drainMs, and at least a moment for each later step (closing, rolling back).
    const left = () => Math.max(deadline - Date.now(), STEP_MS);
    // Sources wait for their last deliveries, which need the sinks running; an idle agent stops at once.
    await settlesWithin(Promise.all(this.sourceRuns), left());
    while (Date.now() < deadline && this.spec.channels.some((c) => c.fill().events > 0)) await sleep(50);
    this.sinksStop.abort();
    // A write to a destination that stopped answering is not waited for without end: its events
    // were never committed, so the source reads them again on the next start.
    if (!(await settlesWithin(Promise.all(this.sinkRuns), left()))) this.log(`a sink is still writing after ${drainMs} ms; stopping without it (its events will be read again)`);
    for (const channel of this.spec.channels) await channel.close();
    await settlesWithin(Promise.all(this.sourceRuns), left());
    for (const {sink, deadLetters} of this.spec.sinks) {
      const closed = sink.close().catch((err) => this.log(`sink ${sink.name}: close failed: ${errorMessage(err)}`));
      if (!(await settlesWithin(closed, left()))) this.log(`sink ${sink.name}: close did not finish; stopping without it`);
      await settlesWithin(deadLetters?.close?.() ?? Promise.resolve(), left());
    }
  }

}
