import {backoffDelay, type BackoffPolicy} from '../lib/backoff.js';
import {errorMessage} from '../lib/errors.js';
import type {Event} from './event.js';
import {SinkDataError, SinkUnavailableError, type Sink} from './sink.js';

interface Member {
  sink: Sink;
  priority: number;
  failures: number;
  /** Not tried again before this time (ms since the epoch). */
  penaltyUntil: number;
}

export type SinkGroupPolicy = {processor: 'failover'; priorities: Map<Sink, number>} | {processor: 'load_balance'; selector: 'round_robin' | 'random'};

/**
 * Flume's sink processors as one Sink over several. failover: the healthy sink with the highest
 * priority writes; a sink that fails sits out a growing penalty (capped) and takes over again
 * once it writes successfully. load_balance: healthy sinks take turns (round robin or random);
 * a failing one backs off the same way. A batch the chosen sink fails to write goes to the next
 * one at once; only when every sink failed does the write fail (and the runner retries later).
 * A data error (the sink refused some events for their content) is not the sink's failure and
 * passes through.
 */
export class SinkGroup implements Sink {
  readonly type: string;
  private readonly members: Member[];
  private turn = 0;

  constructor(
    readonly name: string,
    sinks: Sink[],
    private readonly policy: SinkGroupPolicy,
    private readonly penalty: BackoffPolicy = {initialMs: 1000, maxMs: 30_000},
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.type = policy.processor;
    this.members = sinks.map((sink) => ({sink, priority: policy.processor === 'failover' ? (policy.priorities.get(sink) ?? 0) : 0, failures: 0, penaltyUntil: 0}));
  }

  async start(): Promise<void> {
    for (const m of this.members) await m.sink.start?.();
  }

  /** Healthy members in the order they should be tried, then the penalised ones (soonest first). */
  private order(now: number): Member[] {
    const healthy = this.members.filter((m) => m.penaltyUntil <= now);
    const resting = this.members.filter((m) => m.penaltyUntil > now).sort((a, b) => a.penaltyUntil - b.penaltyUntil);
    if (this.policy.processor === 'failover') {
      healthy.sort((a, b) => b.priority - a.priority);
    } else if (this.policy.selector === 'random') {
      for (let i = healthy.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [healthy[i], healthy[j]] = [healthy[j], healthy[i]];
      }
    } else if (healthy.length > 0) {
      const start = this.turn++ % healthy.length;
      healthy.push(...healthy.splice(0, start));
    }
    // Penalised sinks are a last resort: better a sink that may be back than no write at all.
    return [...healthy, ...resting];
  }

  async write(events: readonly Event[]): Promise<void> {
    const failures: string[] = [];
    for (const m of this.order(Date.now())) {
      try {
        await m.sink.write(events);
        // A sink that failed this batch (now or on an earlier try) is not to write it again.
        for (const other of this.members) if (other !== m) other.sink.abandon?.(events);
        if (m.failures > 0) this.log(`sink group ${this.name}: ${m.sink.name} writes again`);
        m.failures = 0;
        m.penaltyUntil = 0;
        return;
      } catch (err) {
        if (err instanceof SinkDataError) throw err;
        // Said once when a sink starts failing, not on every retry.
        if (m.failures === 0) this.log(`sink group ${this.name}: ${m.sink.name} failed (${errorMessage(err)}); ${this.policy.processor === 'failover' ? 'failing over' : 'trying the next sink'}`);
        m.penaltyUntil = Date.now() + backoffDelay(m.failures++, this.penalty);
        failures.push(`${m.sink.name}: ${errorMessage(err)}`);
      }
    }
    throw new SinkUnavailableError(`every sink of group ${this.name} failed: ${failures.join('; ')}`);
  }

  async close(): Promise<void> {
    for (const m of this.members) await m.sink.close();
  }
}
