import type {LoadSpec, Sample} from './load.js';
import {BenchError} from './load.js';
import type {KcollectPeer, MockPeer, Peer} from './peers.js';

/** Repeated samples of one measurement on one peer; `error` when a run failed or lost data. */
export interface Measure {
  samples: Sample[];
  error?: string;
}

/** kcollect against a peer, on the same load, in the same run. */
export interface CompareRow {
  kind: 'compare';
  scenario: string;
  load: string;
  ours: Measure;
  peer?: Measure;
  peerName: string;
  note?: string;
  /** The two sides did unequal work: show the ratio in parentheses, not as a result. */
  noRatio?: boolean;
}

/** A single measured fact (RSS, start-up time, a physical limit). */
export interface FactRow {
  kind: 'fact';
  scenario: string;
  /** Stable key for analysis, e.g. "kcollect.rss.idle". */
  key: string;
  name: string;
  value: string;
  /** The number behind `value`, in the unit the key implies (MB/s, ms, MiB). */
  num?: number;
  note?: string;
}

export type Row = CompareRow | FactRow;

export interface BenchOptions {
  reps: number;
  /** Scales the load files down 10x (for trying the harness, not for numbers). */
  quick: boolean;
  cpuProf: boolean;
}

export interface ProducedTopic {
  load: LoadSpec;
  /** Topic name per peer name, holding exactly load.count messages in partition 0. */
  topics: Record<string, string>;
}

export interface BenchContext {
  readonly tmp: string;
  readonly options: BenchOptions;
  readonly kcollect: KcollectPeer;
  readonly mock: MockPeer;
  readonly loads: LoadSpec[];
  readonly idle: {kcollectRssKb: number; mockRssKb: number};
  /** What the produce scenario left behind, by load id; later scenarios read from it. */
  readonly produced: Map<string, ProducedTopic>;
  /** Notes that scenarios want under the table. */
  readonly notes: string[];
  log(line: string): void;
}

/**
 * A named benchmark. `run` returns rows for the report; a scenario with only `todo` is listed in
 * the report as not yet measured. Add a scenario by appending to the list in scenarios.ts.
 */
export interface Scenario {
  name: string;
  title: string;
  run?(ctx: BenchContext): Promise<Row[]>;
  todo?: string;
}

/**
 * Runs `fn` `reps` times on every task, alternating the order (ABAB... on even reps, reversed on
 * odd ones) so drift (page cache, CPU frequency, background writeback) hits all peers alike.
 * A failed run marks that task's measure with the error and skips its later runs.
 */
export async function alternate<K extends string>(
  ctx: BenchContext,
  label: string,
  tasks: Array<{key: K; peer: Peer; run: (rep: number) => Promise<Sample>}>,
): Promise<Record<K, Measure>> {
  const out = {} as Record<K, Measure>;
  for (const t of tasks) out[t.key] = {samples: []};
  for (let rep = 0; rep < ctx.options.reps; rep++) {
    const order = rep % 2 === 0 ? tasks : [...tasks].reverse();
    for (const t of order) {
      const m = out[t.key];
      if (m.error) continue;
      try {
        const s = await t.run(rep);
        m.samples.push(s);
        ctx.log(`  ${label} ${t.key} #${rep + 1}: ${s.msgs} msgs in ${s.seconds.toFixed(3)} s (${Math.round(s.msgs / s.seconds).toLocaleString('en-US')} msg/s, peer CPU ${(s.cpuShare * 100).toFixed(0)}%)`);
      } catch (e) {
        if (!(e instanceof BenchError)) throw e;
        m.error = e.message;
        ctx.log(`  ${label} ${t.key} #${rep + 1}: FAILED ${e.message}`);
      }
    }
  }
  return out;
}
