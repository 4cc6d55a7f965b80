import type {ClusterSnapshot, GroupInfo, PipelineInfo, TopicInfo} from './cluster-snapshot.js';

/** Rates over this much time, so counters published every few seconds do not read as bursts and zeros. */
const WINDOW_MS = 5_000;
/** Points kept for a sparkline. */
export const HISTORY_POINTS = 40;

interface Sample {
  t: number;
  v: number;
}

/**
 * Turns consecutive snapshots into rates: messages/s from end offsets, commits/s from committed
 * offsets, events/s from pipeline counters (timed by when the status file was written, not when
 * it was read). Keeps a short history per rate for sparklines. Pure bookkeeping, no I/O.
 */
export class RateTracker {
  private readonly samples = new Map<string, Sample[]>();
  private readonly histories = new Map<string, number[]>();

  constructor(private readonly windowMs = WINDOW_MS) {}

  /** The snapshot with its rates and histories filled in. */
  apply(s: ClusterSnapshot): ClusterSnapshot {
    const seen = new Set<string>();
    const rate = (key: string, t: number, v: number) => {
      seen.add(key);
      return this.rate(key, t, v);
    };
    const history = (key: string, value: number | null) => {
      seen.add(`h:${key}`);
      return this.push(key, value);
    };
    // Rates are per partition and then summed: a partition whose leader is gone for a moment
    // (no offsets) drops out and comes back without its offsets reading as a burst.
    const topics = s.topics.items.map((topic): TopicInfo => {
      const partitions = topic.partitions.map((p) => ({...p, perSec: p.logEnd === null ? null : rate(`p:${topic.name}:${p.partition}`, s.takenAt, p.logEnd)}));
      const perSec = sumKnown(partitions.map((p) => p.perSec));
      return {...topic, partitions, perSec, history: history(`t:${topic.name}`, perSec)};
    });
    const groups = s.groups.items.map((g): GroupInfo => {
      const per = (kind: string, value: (p: GroupInfo['partitions'][number]) => number | null) =>
        sumKnown(g.partitions.map((p) => {
          const v = value(p);
          return v === null ? null : rate(`${kind}:${g.group}:${p.topic}:${p.partition}`, s.takenAt, v);
        }));
      const consumePerSec = per('gc', (p) => p.committed);
      const arrivalPerSec = per('ga', (p) => p.logEnd);
      return {...g, consumePerSec, arrivalPerSec, catchUp: catchUp(g.totalLag, consumePerSec, arrivalPerSec), history: history(`g:${g.group}`, consumePerSec)};
    });
    const pipelines = s.pipelines.items.map((p): PipelineInfo => {
      const t = Date.parse(p.updatedAt);
      const inPerSec = p.eventsIn === null ? null : rate(`pi:${p.name}:${p.pid}`, t, p.eventsIn);
      const outPerSec = rate(`po:${p.name}:${p.pid}`, t, p.eventsOut);
      const live = p.state === 'running';
      return {
        ...p,
        inPerSec: live ? inPerSec : null,
        outPerSec: live ? outPerSec : null,
        inHistory: history(`pi:${p.name}`, live ? inPerSec : 0),
        outHistory: history(`po:${p.name}`, live ? outPerSec : 0),
      };
    });
    // What vanished (a deleted topic, an ended group) is forgotten.
    for (const key of this.samples.keys()) if (!seen.has(key)) this.samples.delete(key);
    for (const key of this.histories.keys()) if (!seen.has(`h:${key}`)) this.histories.delete(key);
    return {...s, topics: {...s.topics, items: topics}, groups: {...s.groups, items: groups}, pipelines: {...s.pipelines, items: pipelines}};
  }

  private rate(key: string, t: number, v: number): number | null {
    const list = this.samples.get(key) ?? [];
    const last = list.at(-1);
    // A counter that went back (a restarted process) starts over.
    if (last && v < last.v) list.length = 0;
    if (!last || t > last.t) list.push({t, v});
    while (list.length > 2 && t - list[1]!.t >= this.windowMs) list.shift();
    this.samples.set(key, list);
    const first = list[0]!;
    const newest = list.at(-1)!;
    if (newest.t <= first.t) return null;
    return ((newest.v - first.v) * 1000) / (newest.t - first.t);
  }

  private push(key: string, value: number | null): number[] {
    const h = [...(this.histories.get(key) ?? []), value ?? 0].slice(-HISTORY_POINTS);
    this.histories.set(key, h);
    return h;
  }
}

/** kafkatop's net-rate ETA: lag / (consumed - arrived) per second. */
export function catchUp(lag: number, consumePerSec: number | null, arrivalPerSec: number | null): GroupInfo['catchUp'] {
  if (lag === 0) return 0;
  if (consumePerSec === null || arrivalPerSec === null) return null;
  const net = consumePerSec - arrivalPerSec;
  return net > 0 ? lag / net : 'never';
}

/** The sum of the rates that are known; null when none is. */
function sumKnown(rates: Array<number | null>): number | null {
  const known = rates.filter((r): r is number => r !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}
