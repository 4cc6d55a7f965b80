import type {PipelineInfo, SinkInfo} from './cluster-snapshot.js';
import type {StatusDocument} from './status-file.js';

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * A published status as the dashboard reads it: events in are what the sources accepted (a
 * drain: the records it fetched), events out what the sinks (or the drain) wrote; a drain's
 * backlog is its group's lag.
 */
export function pipelineOf(doc: StatusDocument & {alive: boolean}): PipelineInfo {
  const of = (kind: string) => doc.components.filter((c) => c.kind === kind);
  const sources = of('SOURCE');
  const outputs = doc.components.filter((c) => c.kind === 'SINK' || c.kind === 'DRAIN');
  const fills = of('CHANNEL')
    .map((c) => c.counters.ChannelFillPercentage)
    .filter((v): v is number => typeof v === 'number');
  const sinks = outputs.map(
    (c): SinkInfo => ({
      kind: c.kind as SinkInfo['kind'],
      name: c.name,
      type: c.type,
      state: c.state ?? 'ok',
      written: c.counters.EventDrainSuccessCount ?? 0,
      backlog: c.counters.Backlog ?? null,
      p99Ms: c.counters.LatencyP99Ms ?? null,
    }),
  );
  const drains = of('DRAIN');
  // A pipeline that no longer runs has no sink state: its last "ok" would be a claim about now.
  const state = doc.state === 'stopped' ? 'stopped' : doc.alive ? 'running' : 'dead';
  if (state !== 'running') for (const s of sinks) s.state = state;
  return {
    name: doc.name,
    kind: doc.kind,
    pid: doc.pid,
    state,
    updatedAt: doc.updatedAt,
    eventsIn: sources.length ? sum(sources.map((c) => c.counters.EventAcceptedCount ?? 0)) : drains.length ? sum(drains.map((c) => c.counters.EventReceivedCount ?? 0)) : null,
    eventsOut: sum(sinks.map((s) => s.written)),
    inPerSec: null,
    outPerSec: null,
    channelFill: fills.length ? Math.max(...fills) : null,
    sinks,
    components: doc.components,
    inHistory: [],
    outHistory: [],
  };
}
