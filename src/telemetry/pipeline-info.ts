import type {PipelineInfo, SinkInfo} from './cluster-snapshot.js';
import type {StatusDocument} from './status-file.js';

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * A published status as the dashboard reads it: events in are what the sources accepted, events
 * out what the sinks (or the drain) wrote; a drain's backlog is its group's lag.
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
    }),
  );
  return {
    name: doc.name,
    kind: doc.kind,
    pid: doc.pid,
    state: doc.state === 'stopped' ? 'stopped' : doc.alive ? 'running' : 'dead',
    updatedAt: doc.updatedAt,
    eventsIn: sources.length ? sum(sources.map((c) => c.counters.EventAcceptedCount ?? 0)) : null,
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
